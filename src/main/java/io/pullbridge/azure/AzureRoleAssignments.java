package io.pullbridge.azure;

import com.azure.core.management.exception.ManagementException;
import com.azure.core.util.Context;
import com.azure.resourcemanager.authorization.fluent.AuthorizationManagementClient;
import com.azure.resourcemanager.authorization.fluent.models.RoleAssignmentInner;
import com.azure.resourcemanager.authorization.models.RoleAssignmentCreateParameters;
import io.pullbridge.common.AzureRole;
import io.pullbridge.common.RoleAssignments;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Role assignments through ARM's low-level client: the SDK's fluent builder sends no {@code principalType} and
 * retries {@code PrincipalNotFound} by itself for about a minute, holding a job worker; here that answer goes straight
 * back to the job engine as a transient failure.
 * <p>
 * An assignment's name is a name-based UUID of the scope (lower case, as ARM ignores case), the principal and the
 * role definition, so a retried PUT lands on the same assignment; {@code 409 RoleAssignmentExists} (the same
 * principal, role and scope under another name) is adopted. Role definitions are the built-in ids of
 * {@link AzureRole}, read once per subscription to make sure the cloud has them, then cached.
 */
@Component
final class AzureRoleAssignments implements RoleAssignments {

    private static final Pattern SUBSCRIPTION = Pattern.compile("^/subscriptions/([^/]+)", Pattern.CASE_INSENSITIVE);

    private final AzureClients clients;
    private final Map<String, String> roleDefinitionIds = new ConcurrentHashMap<>();

    AzureRoleAssignments(AzureClients clients) {
        this.clients = clients;
    }

    /** The deterministic assignment name: a version 3 (MD5) name-based UUID of scope, principal and role. */
    static String assignmentName(String scope, UUID principalObjectId, AzureRole role) {
        String key = normalize(scope).toLowerCase(Locale.ROOT) + "|" + principalObjectId + "|" + role.definitionId();
        return UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString();
    }

    @Override
    public Assignment assign(String scope, UUID principalObjectId, PrincipalType principalType, AzureRole role,
                             String condition) {
        String normalized = normalize(scope);
        String name = assignmentName(normalized, principalObjectId, role);
        String action = "assigning " + role.roleName() + " to principal " + principalObjectId + " at " + normalized;
        String roleDefinitionId = roleDefinitionId(subscriptionOf(normalized), role);
        RoleAssignmentCreateParameters parameters = new RoleAssignmentCreateParameters()
                .withRoleDefinitionId(roleDefinitionId)
                .withPrincipalId(principalObjectId.toString())
                .withPrincipalType(com.azure.resourcemanager.authorization.models.PrincipalType.fromString(
                        principalType.name()));
        if (condition != null) {
            parameters.withCondition(condition).withConditionVersion("2.0");
        }
        RoleAssignmentInner created = AzureFailures.arm(action, () -> {
            try {
                return client(normalized).getRoleAssignments().create(normalized, name, parameters);
            } catch (ManagementException e) {
                if (AzureFailures.errorCode(e).filter("RoleAssignmentExists"::equalsIgnoreCase).isPresent()) {
                    return null;
                }
                throw e;
            }
        });
        if (created != null) {
            return toAssignment(created, role, true);
        }
        // The same principal, role and scope under a name PullBridge did not choose: adopt it, never remove it.
        return list(normalized, principalObjectId).stream()
                .filter(assignment -> assignment.role() == role)
                .findFirst()
                .map(found -> new Assignment(found.id(), found.scope(), found.principalObjectId(), found.role(),
                        found.id().toLowerCase(Locale.ROOT).endsWith("/" + name)))
                .orElseThrow(() -> AzureFailures.existingAssignmentNotListed(action));
    }

    @Override
    public List<Assignment> list(String scope, UUID principalObjectId) {
        String normalized = normalize(scope);
        String filter = URLEncoder.encode("principalId eq '" + principalObjectId + "'", StandardCharsets.UTF_8)
                .replace("+", "%20");
        return AzureFailures.arm("listing the role assignments of principal " + principalObjectId + " at "
                + normalized, () -> client(normalized).getRoleAssignments()
                .listForScope(normalized, filter, null, null, Context.NONE).stream()
                // ARM also lists what applies from above (subscription, resource group): keep this scope's own.
                .filter(inner -> inner.scope() != null && normalize(inner.scope()).equalsIgnoreCase(normalized))
                .filter(inner -> principalObjectId.toString().equalsIgnoreCase(inner.principalId()))
                .map(inner -> {
                    AzureRole role = roleOf(inner.roleDefinitionId());
                    return role == null ? null : toAssignment(inner, role,
                            inner.name() != null && inner.name().equalsIgnoreCase(
                                    assignmentName(normalized, principalObjectId, role)));
                })
                .filter(Objects::nonNull)
                .toList());
    }

    @Override
    public Optional<Assignment> find(String assignmentId) {
        String normalized = normalize(assignmentId);
        return AzureFailures.armOptional("reading role assignment " + normalized,
                () -> client(normalized).getRoleAssignments().getById(normalized))
                .map(inner -> {
                    AzureRole role = roleOf(inner.roleDefinitionId());
                    UUID principal = UUID.fromString(inner.principalId());
                    boolean ours = role != null && inner.scope() != null && inner.name() != null
                            && inner.name().equalsIgnoreCase(assignmentName(inner.scope(), principal, role));
                    return toAssignment(inner, role, ours);
                });
    }

    @Override
    public void remove(String assignmentId) {
        String normalized = normalize(assignmentId);
        AzureFailures.delete(AzureFailures.Api.ARM, "removing role assignment " + normalized,
                () -> client(normalized).getRoleAssignments().deleteById(normalized));
    }

    private String roleDefinitionId(String subscriptionId, AzureRole role) {
        String key = subscriptionId.toLowerCase(Locale.ROOT) + "|" + role.definitionId();
        String cached = roleDefinitionIds.get(key);
        if (cached != null) {
            return cached;
        }
        String subscriptionScope = "/subscriptions/" + subscriptionId;
        String id = AzureFailures.arm("reading the role definition " + role.roleName() + " in subscription "
                        + subscriptionId,
                () -> clients.subscription(subscriptionId).authorization().getRoleDefinitions().get(subscriptionScope,
                                role.definitionId().toString()).id());
        roleDefinitionIds.put(key, id);
        return id;
    }

    private AuthorizationManagementClient client(String scopeOrId) {
        return clients.subscription(subscriptionOf(scopeOrId)).authorization();
    }

    private static Assignment toAssignment(RoleAssignmentInner inner, AzureRole role, boolean createdByPullBridge) {
        return new Assignment(inner.id(), inner.scope(), UUID.fromString(inner.principalId()), role,
                createdByPullBridge, inner.condition());
    }

    static AzureRole roleOf(String roleDefinitionId) {
        if (roleDefinitionId == null) {
            return null;
        }
        String guid = roleDefinitionId.substring(roleDefinitionId.lastIndexOf('/') + 1);
        return Arrays.stream(AzureRole.values())
                .filter(role -> role.definitionId().toString().equalsIgnoreCase(guid))
                .findFirst().orElse(null);
    }

    static String subscriptionOf(String scope) {
        Matcher matcher = SUBSCRIPTION.matcher(scope);
        if (!matcher.find()) {
            throw new IllegalArgumentException("An Azure scope must start with /subscriptions/<id>: " + scope);
        }
        return matcher.group(1);
    }

    private static String normalize(String scope) {
        String trimmed = scope.strip();
        while (trimmed.startsWith("//")) {
            trimmed = trimmed.substring(1);
        }
        return trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
    }
}
