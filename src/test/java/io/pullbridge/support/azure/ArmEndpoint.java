package io.pullbridge.support.azure;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The emulated Azure Resource Manager: container registries (with tokens, scope maps and generateCredentials),
 * role definitions and role assignments, AKS managed clusters and Arc connected clusters, answering with the shapes of
 * the published examples and enforcing what ARM enforces: the api-version, one assignment per principal, role and
 * scope, principals that must exist (and be replicated), the caller's rights, the subscription's assignment limit.
 */
final class ArmEndpoint {

    private static final String AUTHORIZATION = "/providers/Microsoft.Authorization/";
    private static final Pattern AUTHORIZATION_PATH = Pattern.compile(
            "^(.*)/providers/Microsoft\\.Authorization/(roleAssignments|roleDefinitions)(?:/([^/]+))?$",
            Pattern.CASE_INSENSITIVE);
    private static final String RG = "^/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/";
    private static final Pattern REGISTRIES_IN_SUBSCRIPTION = Pattern.compile(
            "^/subscriptions/([^/]+)/providers/Microsoft\\.ContainerRegistry/registries$", Pattern.CASE_INSENSITIVE);
    private static final Pattern REGISTRIES_IN_GROUP = Pattern.compile(
            RG + "Microsoft\\.ContainerRegistry/registries$", Pattern.CASE_INSENSITIVE);
    private static final Pattern REGISTRY = Pattern.compile(RG + "Microsoft\\.ContainerRegistry/registries/([^/]+)"
            + "(?:/(generateCredentials|tokens|scopeMaps)(?:/([^/]+))?)?$", Pattern.CASE_INSENSITIVE);
    private static final Pattern MANAGED_CLUSTERS_IN_SUBSCRIPTION = Pattern.compile(
            "^/subscriptions/([^/]+)/providers/Microsoft\\.ContainerService/managedClusters$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern MANAGED_CLUSTERS_IN_GROUP = Pattern.compile(
            RG + "Microsoft\\.ContainerService/managedClusters$", Pattern.CASE_INSENSITIVE);
    private static final Pattern MANAGED_CLUSTER = Pattern.compile(RG + "Microsoft\\.ContainerService/managedClusters/"
            + "([^/]+)(?:/(listClusterUserCredential|listClusterAdminCredential))?$", Pattern.CASE_INSENSITIVE);
    private static final Pattern CONNECTED_CLUSTER = Pattern.compile(
            RG + "Microsoft\\.Kubernetes/connectedClusters/([^/]+)$", Pattern.CASE_INSENSITIVE);
    private static final Pattern CONNECTED_REGISTRIES = Pattern.compile(RG + "Microsoft\\.ContainerRegistry/registries/"
            + "([^/]+)/connectedRegistries(?:/([^/]+)(?:/([^/]+))?)?$", Pattern.CASE_INSENSITIVE);
    private static final Pattern TOKEN = Pattern.compile(RG + "Microsoft\\.ContainerRegistry/registries/([^/]+)/tokens/"
            + "([^/]+)$", Pattern.CASE_INSENSITIVE);
    private static final Pattern EXTENSIONS = Pattern.compile(RG + "Microsoft\\.Kubernetes/connectedClusters/([^/]+)/"
            + "providers/Microsoft\\.KubernetesConfiguration/extensions(?:/([^/]+)(?:/operations/([^/]+))?)?$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern USER_ASSIGNED_IDENTITY = Pattern.compile(RG
            + "Microsoft\\.ManagedIdentity/userAssignedIdentities/([^/]+)(?:/(federatedIdentityCredentials)"
            + "(?:/([^/]+))?)?$", Pattern.CASE_INSENSITIVE);
    private static final Pattern PROVIDER = Pattern.compile("^/subscriptions/([^/]+)/providers/([^/]+)$",
            Pattern.CASE_INSENSITIVE);
    /** Resource providers as {@code GET /subscriptions/{id}/providers/{namespace}} lists them (used by generic calls). */
    private static final Map<String, Map<String, List<String>>> PROVIDERS = Map.of(
            "Microsoft.ContainerRegistry", Map.of(
                    "registries", List.of("2025-11-01", "2023-07-01"),
                    "registries/tokens", List.of("2025-11-01", "2023-07-01"),
                    "registries/scopeMaps", List.of("2025-11-01", "2023-07-01"),
                    "registries/connectedRegistries", List.of("2025-11-01", "2023-07-01")),
            "Microsoft.ContainerService", Map.of("managedClusters", List.of("2026-04-01", "2025-09-01")),
            "Microsoft.Kubernetes", Map.of("connectedClusters", List.of("2026-05-01", "2024-01-01")),
            "Microsoft.KubernetesConfiguration", Map.of("extensions", List.of("2025-03-01", "2023-05-01")),
            "Microsoft.ManagedIdentity", Map.of(
                    "userAssignedIdentities", List.of("2024-11-30", "2023-01-31"),
                    "userAssignedIdentities/federatedIdentityCredentials", List.of("2024-11-30", "2023-01-31")),
            "Microsoft.Authorization", Map.of(
                    "roleAssignments", List.of("2022-04-01"),
                    "roleDefinitions", List.of("2022-04-01")));
    private static final Pattern API_VERSION = Pattern.compile("^\\d{4}-\\d{2}-\\d{2}(-preview)?$");
    private static final Pattern GUID = Pattern.compile(
            "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
    private static final Pattern ROLE_ASSIGNMENT_TERM = Pattern.compile(
            "^(?:(atScope\\(\\))|principalId\\s+eq\\s+'([^']*)'|assignedTo\\('([^']*)'\\))$", Pattern.CASE_INSENSITIVE);
    private static final Pattern ROLE_DEFINITION_FILTER = Pattern.compile("^(roleName|type)\\s+eq\\s+'([^']*)'$",
            Pattern.CASE_INSENSITIVE);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Instant BUILT_IN_ROLES_CREATED = Instant.parse("2018-10-29T17:52:32.5201177Z");

    private final Directory directory;
    private final Set<String> subscriptions = new LinkedHashSet<>();
    private final Set<String> resourceGroups = new LinkedHashSet<>();
    private final Map<String, EmulatedRegistry> registries = new LinkedHashMap<>();
    private final Map<String, EmulatedManagedCluster> managedClusters = new LinkedHashMap<>();
    private final Map<String, EmulatedConnectedCluster> connectedClusters = new LinkedHashMap<>();
    private final Map<String, RoleAssignment> roleAssignments = new LinkedHashMap<>();
    /** The ABAC conditions of role assignments that have one, by lower-case id. */
    private final Map<String, String> conditions = new LinkedHashMap<>();
    private final List<Denial> denials = new ArrayList<>();
    private final ConnectedRegistryEndpoint connected;
    private final ManagedIdentityEndpoint identities;
    /** Callers limited to some actions (a custom role), by client id in lower case: kept across {@link #clear()}. */
    private final Map<String, Set<String>> grants = new LinkedHashMap<>();
    /** The actions served to each caller, and those refused for want of a grant, by client id in lower case. */
    private final Map<String, Set<String>> served = new LinkedHashMap<>();
    private final Map<String, Set<String>> refused = new LinkedHashMap<>();
    /** The action of the request being handled ({@link #handle} is synchronized). */
    private String routedAction;
    private int roleAssignmentLimit = 4000;
    private boolean requireKnownPrincipals = true;
    private boolean principalTypeSkipsReplicationCheck;

    ArmEndpoint(Directory directory) {
        this.directory = directory;
        this.connected = new ConnectedRegistryEndpoint(directory::now);
        this.identities = new ManagedIdentityEndpoint(directory);
    }

    /** User-assigned identities and their federated credentials, for the emulator's test hooks. */
    ManagedIdentityEndpoint identities() {
        return identities;
    }

    /** Connected registries and Arc extensions, for the emulator's test hooks. */
    ConnectedRegistryEndpoint connected() {
        return connected;
    }

    synchronized void clear() {
        subscriptions.clear();
        resourceGroups.clear();
        registries.clear();
        managedClusters.clear();
        connectedClusters.clear();
        identities.clear();
        roleAssignments.clear();
        conditions.clear();
        denials.clear();
        served.clear();
        refused.clear();
        roleAssignmentLimit = 4000;
        requireKnownPrincipals = true;
        principalTypeSkipsReplicationCheck = false;
        connected.clear();
    }

    // ---- seeding and inspection

    synchronized void addSubscription(String subscriptionId) {
        subscriptions.add(key(subscriptionId));
    }

    synchronized void addResourceGroup(String subscriptionId, String resourceGroup) {
        addSubscription(subscriptionId);
        resourceGroups.add(key(subscriptionId + "/" + resourceGroup));
    }

    synchronized EmulatedRegistry addRegistry(String subscriptionId, String resourceGroup, String name) {
        addResourceGroup(subscriptionId, resourceGroup);
        EmulatedRegistry registry = new EmulatedRegistry(subscriptionId, resourceGroup, name, directory.now());
        registries.put(key(registry.id()), registry);
        return registry;
    }

    synchronized Optional<EmulatedRegistry> registry(String id) {
        return Optional.ofNullable(registries.get(key(id)));
    }

    synchronized void removeRegistry(String id) {
        registries.remove(key(id));
    }

    synchronized EmulatedManagedCluster addManagedCluster(String subscriptionId, String resourceGroup, String name) {
        addResourceGroup(subscriptionId, resourceGroup);
        EmulatedManagedCluster cluster = new EmulatedManagedCluster(subscriptionId, resourceGroup, name, directory);
        managedClusters.put(key(cluster.id()), cluster);
        return cluster;
    }

    synchronized Optional<EmulatedManagedCluster> managedCluster(String id) {
        return Optional.ofNullable(managedClusters.get(key(id)));
    }

    synchronized EmulatedConnectedCluster addConnectedCluster(String subscriptionId, String resourceGroup,
                                                              String name) {
        addResourceGroup(subscriptionId, resourceGroup);
        EmulatedConnectedCluster cluster = new EmulatedConnectedCluster(subscriptionId, resourceGroup, name);
        connectedClusters.put(key(cluster.id()), cluster);
        return cluster;
    }

    synchronized RoleAssignment addRoleAssignment(String scope, String name, String roleDefinitionGuid,
                                                  String principalId, String principalType) {
        String normalizedScope = normalizeScope(scope);
        RoleAssignment assignment = new RoleAssignment(assignmentId(normalizedScope, name), name, normalizedScope,
                roleDefinitionId(normalizedScope, roleDefinitionGuid), principalId, principalType, true, "seeded",
                directory.now());
        roleAssignments.put(key(assignment.id()), assignment);
        return assignment;
    }

    synchronized List<RoleAssignment> roleAssignments() {
        return List.copyOf(roleAssignments.values());
    }

    synchronized void removeRoleAssignment(String id) {
        roleAssignments.remove(key(id));
        conditions.remove(key(id));
    }

    synchronized void deny(String clientId, String action, String scope) {
        denials.add(new Denial(clientId, action, normalizeScope(scope)));
    }

    synchronized void grantOnly(String clientId, Set<String> actions) {
        Set<String> lower = new TreeSet<>();
        actions.forEach(action -> lower.add(key(action)));
        grants.put(key(clientId), lower);
    }

    synchronized Set<String> servedActions(String clientId) {
        return Set.copyOf(served.getOrDefault(key(clientId), Set.of()));
    }

    synchronized Optional<String> condition(String roleAssignmentId) {
        return Optional.ofNullable(conditions.get(key(roleAssignmentId)));
    }

    synchronized Set<String> refusedActions(String clientId) {
        return Set.copyOf(refused.getOrDefault(key(clientId), Set.of()));
    }

    synchronized void roleAssignmentLimit(int limit) {
        this.roleAssignmentLimit = limit;
    }

    synchronized void requireKnownPrincipals(boolean require) {
        this.requireKnownPrincipals = require;
    }

    synchronized void principalTypeSkipsReplicationCheck(boolean skips) {
        this.principalTypeSkipsReplicationCheck = skips;
    }

    // ---- dispatch

    synchronized Reply handle(Call call, IssuedToken caller) {
        String apiVersion = call.query("api-version");
        if (apiVersion == null || apiVersion.isBlank()) {
            return Reply.armError(400, "MissingApiVersionParameter",
                    "The api-version query parameter (?api-version=) is required for all requests.");
        }
        if (!API_VERSION.matcher(apiVersion).matches()) {
            return Reply.armError(400, "InvalidApiVersionParameter", "The api-version '" + apiVersion
                    + "' is invalid. The supported versions are in the yyyy-MM-dd(-preview) format.");
        }
        String path = call.path();
        routedAction = ArmActions.of(call.method(), path).orElse(null);
        if (routedAction == null) {
            return Reply.armError(400, "InvalidResourceType", "The resource type of '" + path + "' could not be found "
                    + "for api version '" + apiVersion + "' (the Azure emulator does not serve " + call.method()
                    + " on it: ArmActions lists every route it serves, with the RBAC action ARM checks for it).");
        }
        Set<String> granted = grants.get(key(caller.clientId()));
        if (granted != null && !granted.contains(key(routedAction))) {
            refused.computeIfAbsent(key(caller.clientId()), c -> new TreeSet<>()).add(routedAction);
            return authorizationFailed(caller, routedAction, path);
        }
        served.computeIfAbsent(key(caller.clientId()), c -> new TreeSet<>()).add(routedAction);
        Matcher matcher = AUTHORIZATION_PATH.matcher(path);
        if (matcher.matches()) {
            String scope = matcher.group(1);
            return matcher.group(2).equalsIgnoreCase("roleAssignments")
                    ? roleAssignments(call, caller, scope, matcher.group(3))
                    : roleDefinitions(call, caller, scope, matcher.group(3));
        }
        if ((matcher = REGISTRIES_IN_SUBSCRIPTION.matcher(path)).matches()) {
            return listRegistries(call, caller, matcher.group(1), null);
        }
        if ((matcher = REGISTRIES_IN_GROUP.matcher(path)).matches()) {
            return listRegistries(call, caller, matcher.group(1), matcher.group(2));
        }
        if ((matcher = CONNECTED_REGISTRIES.matcher(path)).matches()) {
            return connectedRegistries(call, caller, matcher.group(1), matcher.group(2), matcher.group(3),
                    matcher.group(4), matcher.group(5));
        }
        if ((matcher = EXTENSIONS.matcher(path)).matches()) {
            return extensions(call, caller, matcher.group(1), matcher.group(2), matcher.group(3), matcher.group(4),
                    matcher.group(5));
        }
        if ((matcher = TOKEN.matcher(path)).matches() && "DELETE".equals(call.method())) {
            Reply inUse = syncTokenInUse(caller, matcher.group(1), matcher.group(2), matcher.group(3),
                    matcher.group(4));
            if (inUse != null) {
                return inUse;
            }
        }
        if ((matcher = REGISTRY.matcher(path)).matches()) {
            return registry(call, caller, matcher.group(1), matcher.group(2), matcher.group(3), matcher.group(4),
                    matcher.group(5));
        }
        if ((matcher = USER_ASSIGNED_IDENTITY.matcher(path)).matches()) {
            return userAssignedIdentity(call, caller, matcher.group(1), matcher.group(2), matcher.group(3),
                    matcher.group(4) != null, matcher.group(5));
        }
        if ((matcher = PROVIDER.matcher(path)).matches()) {
            return provider(call, matcher.group(1), matcher.group(2));
        }
        if ((matcher = MANAGED_CLUSTERS_IN_SUBSCRIPTION.matcher(path)).matches()) {
            return listManagedClusters(call, caller, matcher.group(1), null);
        }
        if ((matcher = MANAGED_CLUSTERS_IN_GROUP.matcher(path)).matches()) {
            return listManagedClusters(call, caller, matcher.group(1), matcher.group(2));
        }
        if ((matcher = MANAGED_CLUSTER.matcher(path)).matches()) {
            return managedCluster(call, caller, matcher.group(1), matcher.group(2), matcher.group(3), matcher.group(4));
        }
        if ((matcher = CONNECTED_CLUSTER.matcher(path)).matches()) {
            return connectedCluster(call, caller, matcher.group(1), matcher.group(2), matcher.group(3));
        }
        return Reply.armError(400, "InvalidResourceType", "The resource type of '" + path + "' could not be found "
                + "for api version '" + apiVersion + "' (the Azure emulator does not serve " + call.method() + " on it).");
    }

    // ---- resource providers

    private Reply provider(Call call, String subscription, String namespace) {
        if (!"GET".equals(call.method())) {
            return methodNotAllowed(call);
        }
        Reply missing = missingSubscription(subscription);
        if (missing != null) {
            return missing;
        }
        Map.Entry<String, Map<String, List<String>>> provider = PROVIDERS.entrySet().stream()
                .filter(entry -> entry.getKey().equalsIgnoreCase(namespace)).findFirst().orElse(null);
        if (provider == null) {
            return Reply.armError(404, "InvalidResourceNamespace", "The resource namespace '" + namespace
                    + "' is invalid.");
        }
        List<Map<String, Object>> resourceTypes = provider.getValue().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(type -> Json.obj("resourceType", type.getKey(),
                        "locations", List.of("West Europe", "North Europe", "East US"),
                        "apiVersions", type.getValue(),
                        "capabilities", "None"))
                .toList();
        return Reply.json(200, Json.obj(
                "id", "/subscriptions/" + subscription + "/providers/" + provider.getKey(),
                "namespace", provider.getKey(),
                "registrationState", "Registered",
                "registrationPolicy", "RegistrationRequired",
                "resourceTypes", resourceTypes));
    }

    // ---- role definitions

    private Reply roleDefinitions(Call call, IssuedToken caller, String scope, String name) {
        if (!"GET".equals(call.method())) {
            return methodNotAllowed(call);
        }
        String normalizedScope = normalizeScope(scope);
        Reply denied = authorize(caller, "Microsoft.Authorization/roleDefinitions/read", normalizedScope);
        if (denied != null) {
            return denied;
        }
        if (name != null) {
            return BuiltInRoles.byId(name)
                    .map(role -> Reply.json(200, roleDefinition(normalizedScope, role)))
                    .orElseGet(() -> Reply.armError(404, "RoleDefinitionDoesNotExist",
                            "The specified role definition with ID '" + name + "' does not exist."));
        }
        String filter = call.query("$filter");
        String property = null;
        String value = null;
        if (filter != null && !filter.isBlank()) {
            Matcher matcher = ROLE_DEFINITION_FILTER.matcher(filter.trim());
            if (!matcher.matches()) {
                return Reply.armError(400, "UnsupportedQuery", "The filter '" + filter + "' is not supported.");
            }
            property = matcher.group(1);
            value = matcher.group(2);
        }
        List<Map<String, Object>> value0 = new ArrayList<>();
        for (BuiltInRoles.Role role : BuiltInRoles.ALL) {
            if (property == null
                    || property.equalsIgnoreCase("roleName") && role.roleName().equalsIgnoreCase(value)
                    || property.equalsIgnoreCase("type") && "BuiltInRole".equalsIgnoreCase(value)) {
                value0.add(roleDefinition(normalizedScope, role));
            }
        }
        return Reply.json(200, Map.of("value", value0));
    }

    private Map<String, Object> roleDefinition(String scope, BuiltInRoles.Role role) {
        return Json.obj(
                "properties", Json.obj(
                        "roleName", role.roleName(),
                        "type", "BuiltInRole",
                        "description", role.description(),
                        "assignableScopes", List.of("/"),
                        "permissions", List.of(Json.obj("actions", role.actions(), "notActions", role.notActions(),
                                "dataActions", role.dataActions(), "notDataActions", List.of())),
                        "createdOn", BUILT_IN_ROLES_CREATED.toString(),
                        "updatedOn", BUILT_IN_ROLES_CREATED.toString(),
                        "createdBy", null,
                        "updatedBy", null),
                "id", roleDefinitionId(scope, role.id()),
                "type", "Microsoft.Authorization/roleDefinitions",
                "name", role.id());
    }

    /** Built-in role definitions answer under the subscription of the scope they are read at, as ARM's do. */
    private static String roleDefinitionId(String scope, String guid) {
        String subscription = subscriptionOf(scope);
        return (subscription == null ? "" : "/subscriptions/" + subscription)
                + "/providers/Microsoft.Authorization/roleDefinitions/" + guid;
    }

    // ---- role assignments

    private Reply roleAssignments(Call call, IssuedToken caller, String scope, String name) {
        String normalizedScope = normalizeScope(scope);
        Reply missing = missingScope(normalizedScope);
        if (missing != null) {
            return missing;
        }
        if (name == null) {
            return "GET".equals(call.method()) ? listRoleAssignments(call, caller, normalizedScope)
                    : methodNotAllowed(call);
        }
        String id = assignmentId(normalizedScope, name);
        return switch (call.method()) {
            case "PUT" -> createRoleAssignment(call, caller, normalizedScope, name, id);
            case "GET" -> {
                Reply denied = authorize(caller, "Microsoft.Authorization/roleAssignments/read", id);
                if (denied != null) {
                    yield denied;
                }
                RoleAssignment assignment = roleAssignments.get(key(id));
                yield assignment == null ? roleAssignmentNotFound(name) : Reply.json(200, roleAssignment(assignment));
            }
            case "DELETE" -> {
                Reply denied = authorize(caller, "Microsoft.Authorization/roleAssignments/delete", id);
                if (denied != null) {
                    yield denied;
                }
                RoleAssignment removed = roleAssignments.remove(key(id));
                Reply answer = removed == null ? Reply.empty(204) : Reply.json(200, roleAssignment(removed));
                conditions.remove(key(id));
                yield answer;
            }
            default -> methodNotAllowed(call);
        };
    }

    private Reply createRoleAssignment(Call call, IssuedToken caller, String scope, String name, String id) {
        Reply denied = authorize(caller, "Microsoft.Authorization/roleAssignments/write", id);
        if (denied != null) {
            return denied;
        }
        if (!GUID.matcher(name).matches()) {
            return Reply.armError(400, "InvalidRoleAssignmentId", "The role assignment ID '" + name
                    + "' is not valid. The role assignment ID must be a GUID.");
        }
        Map<String, Object> properties = Json.map(Json.object(call.body()), "properties");
        String roleDefinitionId = Json.string(properties, "roleDefinitionId");
        String principalId = Json.string(properties, "principalId");
        String principalType = Json.string(properties, "principalType");
        if (roleDefinitionId == null || roleDefinitionId.isBlank()) {
            return Reply.armError(400, "InvalidRoleDefinitionId", "The role definition ID '' is not valid.");
        }
        String roleGuid = roleDefinitionId.substring(roleDefinitionId.lastIndexOf('/') + 1);
        if (BuiltInRoles.byId(roleGuid).isEmpty()) {
            return Reply.armError(400, "RoleDefinitionDoesNotExist", "The specified role definition with ID '"
                    + roleGuid + "' does not exist.");
        }
        if (principalId == null || !GUID.matcher(principalId).matches()) {
            return Reply.armError(400, "InvalidPrincipalId", "A valid principal ID must be provided for role "
                    + "assignment.");
        }
        String condition = Json.string(properties, "condition");
        if (condition != null && !"2.0".equals(Json.string(properties, "conditionVersion"))) {
            return Reply.armError(400, "InvalidConditionVersion", "The condition version must be 2.0.");
        }
        RoleAssignment existing = roleAssignments.get(key(id));
        if (existing != null) {
            if (existing.principalId().equalsIgnoreCase(principalId)
                    && existing.roleDefinitionGuid().equalsIgnoreCase(roleGuid)) {
                // A PUT may change an assignment's condition (az role assignment update).
                if (condition == null) {
                    conditions.remove(key(id));
                } else {
                    conditions.put(key(id), condition);
                }
                return Reply.json(200, roleAssignment(existing));
            }
            return Reply.armError(400, "RoleAssignmentUpdateNotPermitted", "Tenant ID, application ID, principal ID, "
                    + "and scope are not allowed to be updated.");
        }
        Optional<String> knownType = directory.principalTypeVisibleToArm(principalId);
        boolean typeSent = principalType != null && !principalType.isBlank();
        if (knownType.isEmpty() && requireKnownPrincipals && !(typeSent && principalTypeSkipsReplicationCheck)) {
            return Reply.armError(400, "PrincipalNotFound", "Principal " + principalId.replace("-", "").toLowerCase(
                    Locale.ROOT) + " does not exist in the directory " + directory.tenantId() + ". Check that you have "
                    + "the correct principal ID. If you are creating this principal and then immediately assigning a "
                    + "role, this error might be related to a replication delay. In this case, set the role "
                    + "assignment principalType property to a value, such as ServicePrincipal, User, or Group.  See "
                    + "https://aka.ms/docs-principaltype");
        }
        if (knownType.isPresent() && typeSent && !knownType.get().equalsIgnoreCase(principalType)) {
            return Reply.armError(400, "UnmatchedPrincipalType", "The PrincipalId '" + principalId.replace("-", "")
                    + "' has type '" + knownType.get() + "' , which is different from specified PrincipalType '"
                    + principalType + "'.");
        }
        for (RoleAssignment other : roleAssignments.values()) {
            if (other.scope().equalsIgnoreCase(scope) && other.principalId().equalsIgnoreCase(principalId)
                    && other.roleDefinitionGuid().equalsIgnoreCase(roleGuid)) {
                return Reply.armError(409, "RoleAssignmentExists", "The role assignment already exists. The ID of the "
                        + "existing role assignment is " + other.name().replace("-", "").toLowerCase(Locale.ROOT) + ".");
            }
        }
        String subscription = subscriptionOf(scope);
        long inSubscription = roleAssignments.values().stream()
                .filter(a -> subscription != null && subscription.equalsIgnoreCase(subscriptionOf(a.scope()))).count();
        if (inSubscription >= roleAssignmentLimit) {
            return Reply.armError(400, "RoleAssignmentLimitExceeded", "No more role assignments can be created. The "
                    + "subscription " + subscription + " has reached its limit of " + roleAssignmentLimit
                    + " role assignments.");
        }
        RoleAssignment assignment = new RoleAssignment(id, name, scope, roleDefinitionId, principalId,
                typeSent ? principalType : knownType.orElse("ServicePrincipal"), typeSent,
                directory.callerObjectId(caller.clientId()), directory.now());
        roleAssignments.put(key(id), assignment);
        if (condition != null) {
            conditions.put(key(id), condition);
        }
        return Reply.json(201, roleAssignment(assignment));
    }

    private Reply listRoleAssignments(Call call, IssuedToken caller, String scope) {
        Reply denied = authorize(caller, "Microsoft.Authorization/roleAssignments/read", scope);
        if (denied != null) {
            return denied;
        }
        boolean atScope = false;
        String principalId = null;
        String filter = call.query("$filter");
        if (filter != null && !filter.isBlank()) {
            for (String term : filter.trim().split("(?i)\\s+and\\s+")) {
                Matcher matcher = ROLE_ASSIGNMENT_TERM.matcher(term.trim());
                if (!matcher.matches()) {
                    return Reply.armError(400, "UnsupportedQuery", "The filter '" + filter + "' is not supported. "
                            + "Supported filters: atScope(), principalId eq '{id}', assignedTo('{id}').");
                }
                if (matcher.group(1) != null) {
                    atScope = true;
                } else {
                    principalId = matcher.group(2) != null ? matcher.group(2) : matcher.group(3);
                }
            }
        }
        List<Map<String, Object>> value = new ArrayList<>();
        for (RoleAssignment assignment : roleAssignments.values()) {
            boolean above = within(scope, assignment.scope());
            boolean below = within(assignment.scope(), scope);
            if ((above || !atScope && below)
                    && (principalId == null || assignment.principalId().equalsIgnoreCase(principalId))) {
                value.add(roleAssignment(assignment));
            }
        }
        return Reply.json(200, Map.of("value", value));
    }

    private Map<String, Object> roleAssignment(RoleAssignment assignment) {
        String condition = conditions.get(key(assignment.id()));
        return Json.obj(
                "properties", Json.obj(
                        "roleDefinitionId", assignment.roleDefinitionId(),
                        "principalId", assignment.principalId(),
                        "principalType", assignment.principalType(),
                        "scope", assignment.scope(),
                        "condition", condition,
                        "conditionVersion", condition == null ? null : "2.0",
                        "createdOn", assignment.createdOn().toString(),
                        "updatedOn", assignment.createdOn().toString(),
                        "createdBy", assignment.createdBy(),
                        "updatedBy", assignment.createdBy(),
                        "delegatedManagedIdentityResourceId", null,
                        "description", null),
                "id", assignment.id(),
                "type", "Microsoft.Authorization/roleAssignments",
                "name", assignment.name());
    }

    private static Reply roleAssignmentNotFound(String name) {
        return Reply.armError(404, "RoleAssignmentNotFound", "The role assignment '" + name + "' is not found.");
    }

    // ---- container registries

    private Reply listRegistries(Call call, IssuedToken caller, String subscription, String group) {
        if (!"GET".equals(call.method())) {
            return methodNotAllowed(call);
        }
        Reply missing = group == null ? missingSubscription(subscription) : missingGroup(subscription, group);
        if (missing != null) {
            return missing;
        }
        String scope = "/subscriptions/" + subscription + (group == null ? "" : "/resourceGroups/" + group);
        Reply denied = authorize(caller, "Microsoft.ContainerRegistry/registries/read", scope);
        if (denied != null) {
            return denied;
        }
        List<Map<String, Object>> value = registries.values().stream()
                .filter(r -> within(r.id(), scope)).map(this::registry).toList();
        return Reply.json(200, Map.of("value", value));
    }

    private Reply registry(Call call, IssuedToken caller, String subscription, String group, String name,
                           String child, String childName) {
        Reply missing = missingGroup(subscription, group);
        if (missing != null) {
            return missing;
        }
        String id = "/subscriptions/" + subscription + "/resourceGroups/" + group
                + "/providers/Microsoft.ContainerRegistry/registries/" + name;
        EmulatedRegistry registry = registries.get(key(id));
        if (child == null) {
            if (!"GET".equals(call.method())) {
                return methodNotAllowed(call);
            }
            Reply denied = authorize(caller, "Microsoft.ContainerRegistry/registries/read", id);
            if (denied != null) {
                return denied;
            }
            return registry == null ? resourceNotFound("Microsoft.ContainerRegistry/registries/" + name, group)
                    : Reply.json(200, registry(registry));
        }
        if (registry == null) {
            return Reply.armError(404, "ParentResourceNotFound", "Failed to perform '" + call.method()
                    + "' on resource(s) of type 'registries/" + child + "', because the parent resource '" + id
                    + "' could not be found.");
        }
        if (child.equalsIgnoreCase("generateCredentials")) {
            if (childName != null || !"POST".equals(call.method())) {
                return methodNotAllowed(call);
            }
            Reply denied = authorize(caller, "Microsoft.ContainerRegistry/registries/generateCredentials/action", id);
            return denied != null ? denied : generateCredentials(call, registry);
        }
        boolean tokens = child.equalsIgnoreCase("tokens");
        String kind = tokens ? "tokens" : "scopeMaps";
        String action = "Microsoft.ContainerRegistry/registries/" + kind + "/";
        if (childName == null) {
            if (!"GET".equals(call.method())) {
                return methodNotAllowed(call);
            }
            Reply denied = authorize(caller, action + "read", id);
            if (denied != null) {
                return denied;
            }
            synchronized (registry) {
                List<Map<String, Object>> value = tokens
                        ? registry.tokenMap().values().stream().map(this::token).toList()
                        : registry.scopeMapMap().values().stream().map(ArmEndpoint::scopeMap).toList();
                return Reply.json(200, Map.of("value", value));
            }
        }
        String childId = id + "/" + kind + "/" + childName;
        String verb = switch (call.method()) {
            case "GET" -> "read";
            case "DELETE" -> "delete";
            default -> "write";
        };
        Reply denied = authorize(caller, action + verb, childId);
        if (denied != null) {
            return denied;
        }
        synchronized (registry) {
            return tokens ? token(call, registry, childName, childId, group)
                    : scopeMap(call, registry, childName, childId, group);
        }
    }

    private Map<String, Object> registry(EmulatedRegistry registry) {
        return Json.obj(
                "id", registry.id(),
                "name", registry.name(),
                "type", "Microsoft.ContainerRegistry/registries",
                "location", registry.location(),
                "tags", registry.tags(),
                "sku", Json.obj("name", registry.sku(), "tier", registry.sku()),
                "properties", Json.obj(
                        "loginServer", registry.loginServer(),
                        "creationDate", registry.creationDate().toString(),
                        "provisioningState", "Succeeded",
                        "adminUserEnabled", registry.adminUserEnabled(),
                        "networkRuleSet", Json.obj("defaultAction", "Allow", "ipRules", List.of()),
                        "policies", Json.obj(
                                "quarantinePolicy", Json.obj("status", "disabled"),
                                "trustPolicy", Json.obj("type", "Notary", "status", "disabled"),
                                "retentionPolicy", Json.obj("days", 7, "lastUpdatedTime",
                                        registry.creationDate().toString(), "status", "disabled"),
                                "exportPolicy", Json.obj("status", "enabled"),
                                "azureADAuthenticationAsArmPolicy", Json.obj("status", "enabled")),
                        "encryption", Json.obj("status", "disabled"),
                        "status", null,
                        "dataEndpointEnabled", registry.dataEndpointEnabled(),
                        "dataEndpointHostNames", registry.dataEndpointHostNames(),
                        "privateEndpointConnections", List.of(),
                        "publicNetworkAccess", "Enabled",
                        "networkRuleBypassOptions", "AzureServices",
                        "networkRuleBypassAllowedForTasks", false,
                        "zoneRedundancy", "Disabled",
                        "anonymousPullEnabled", false,
                        "roleAssignmentMode", registry.roleAssignmentMode()));
    }

    // ---- tokens

    private Reply token(Call call, EmulatedRegistry registry, String name, String id, String group) {
        RegistryToken token = registry.tokenMap().get(key(name));
        switch (call.method()) {
            case "GET":
                return token == null ? resourceNotFound("Microsoft.ContainerRegistry/registries/" + registry.name()
                        + "/tokens/" + name, group) : Reply.json(200, token(token));
            case "DELETE":
                return registry.tokenMap().remove(key(name)) == null ? Reply.empty(204) : Reply.empty(200);
            case "PUT":
            case "PATCH": {
                boolean create = token == null;
                if (create && "PATCH".equals(call.method())) {
                    return resourceNotFound("Microsoft.ContainerRegistry/registries/" + registry.name() + "/tokens/"
                            + name, group);
                }
                Map<String, Object> properties = Json.map(Json.object(call.body()), "properties");
                String scopeMapId = Json.string(properties, "scopeMapId");
                if (scopeMapId == null && create) {
                    return Reply.armError(400, "InvalidRequestContent", "The scopeMapId of the token is required.");
                }
                ScopeMap scopeMap = null;
                if (scopeMapId != null) {
                    scopeMap = registry.scopeMapMap().values().stream()
                            .filter(s -> s.id().equalsIgnoreCase(normalizeScope(scopeMapId))).findFirst().orElse(null);
                    if (scopeMap == null) {
                        return Reply.armError(400, "ScopeMapNotFound", "The scope map '" + scopeMapId
                                + "' of the token was not found in registry '" + registry.name() + "'.");
                    }
                }
                String status = Json.string(properties, "status");
                if (create) {
                    token = new RegistryToken(id, name, scopeMap.id(), status != null ? status : "enabled",
                            directory.now());
                    registry.tokenMap().put(key(name), token);
                } else {
                    if (scopeMap != null) {
                        token.scopeMapId(scopeMap.id());
                    }
                    if (status != null) {
                        token.status(status);
                    }
                }
                Map<String, Object> credentials = Json.map(properties, "credentials");
                if (credentials != null && credentials.get("passwords") instanceof List<?> passwords) {
                    List<String> names = new ArrayList<>();
                    for (Object password : passwords) {
                        if (password instanceof Map<?, ?> map && map.get("name") != null) {
                            names.add(map.get("name").toString());
                        }
                    }
                    token.retainPasswords(names);
                }
                return Reply.json(create ? 201 : 200, token(token));
            }
            default:
                return methodNotAllowed(call);
        }
    }

    private Map<String, Object> token(RegistryToken token) {
        List<Map<String, Object>> passwords = new ArrayList<>();
        for (TokenPassword password : token.passwords()) {
            Map<String, Object> entry = Json.obj("creationTime", password.creationTime().toString());
            if (password.expiry() != null) {
                entry.put("expiry", password.expiry().toString());
            }
            entry.put("name", password.name());
            passwords.add(entry);
        }
        return Json.obj(
                "id", token.id(),
                "name", token.name(),
                "type", "Microsoft.ContainerRegistry/registries/tokens",
                "properties", Json.obj(
                        "creationDate", token.creationDate().toString(),
                        "scopeMapId", token.scopeMapId(),
                        "provisioningState", "Succeeded",
                        "status", token.status(),
                        "credentials", Json.obj("certificates", List.of(), "passwords", passwords)));
    }

    private Reply generateCredentials(Call call, EmulatedRegistry registry) {
        Map<String, Object> body = Json.object(call.body());
        String tokenId = Json.string(body, "tokenId");
        if (tokenId == null || tokenId.isBlank()) {
            return Reply.armError(400, "InvalidRequestContent", "The tokenId is required to generate credentials.");
        }
        RegistryToken token;
        synchronized (registry) {
            token = registry.tokenMap().values().stream()
                    .filter(t -> t.id().equalsIgnoreCase(normalizeScope(tokenId))).findFirst().orElse(null);
        }
        if (token == null) {
            return Reply.armError(404, "ResourceNotFound", "The token '" + tokenId + "' was not found in registry '"
                    + registry.name() + "'.");
        }
        String expiryText = Json.string(body, "expiry");
        Instant expiry;
        try {
            expiry = expiryText == null ? null : java.time.OffsetDateTime.parse(expiryText).toInstant();
        } catch (RuntimeException e) {
            return Reply.armError(400, "InvalidRequestContent", "The expiry '" + expiryText + "' is not a date.");
        }
        String only = Json.string(body, "name");
        if (only != null && !only.equalsIgnoreCase("password1") && !only.equalsIgnoreCase("password2")) {
            return Reply.armError(400, "InvalidRequestContent", "The password name must be password1 or password2.");
        }
        List<Map<String, Object>> passwords = new ArrayList<>();
        Instant now = directory.now();
        for (String name : only != null ? List.of(only.toLowerCase(Locale.ROOT)) : List.of("password1", "password2")) {
            TokenPassword password = new TokenPassword(name, tokenPassword(), now, expiry);
            token.putPassword(password);
            Map<String, Object> entry = Json.obj("creationTime", now.toString());
            if (expiry != null) {
                entry.put("expiry", expiry.toString());
            }
            entry.put("name", name);
            entry.put("value", password.value());
            passwords.add(entry);
        }
        return Reply.json(200, Json.obj("username", token.name(), "passwords", passwords));
    }

    /** 52 characters of base64, like the passwords ACR generates for tokens ({@code +} and {@code /} included). */
    private static String tokenPassword() {
        byte[] bytes = new byte[39];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    // ---- scope maps

    private Reply scopeMap(Call call, EmulatedRegistry registry, String name, String id, String group) {
        ScopeMap scopeMap = registry.scopeMapMap().get(key(name));
        switch (call.method()) {
            case "GET":
                return scopeMap == null ? resourceNotFound("Microsoft.ContainerRegistry/registries/" + registry.name()
                        + "/scopeMaps/" + name, group) : Reply.json(200, scopeMap(scopeMap));
            case "DELETE":
                return registry.scopeMapMap().remove(key(name)) == null ? Reply.empty(204) : Reply.empty(200);
            case "PUT":
            case "PATCH": {
                boolean create = scopeMap == null;
                if (create && "PATCH".equals(call.method())) {
                    return resourceNotFound("Microsoft.ContainerRegistry/registries/" + registry.name()
                            + "/scopeMaps/" + name, group);
                }
                Map<String, Object> properties = Json.map(Json.object(call.body()), "properties");
                List<String> actions = Json.strings(properties, "actions");
                if (create && actions.isEmpty()) {
                    return Reply.armError(400, "InvalidRequestContent", "A scope map needs at least one action.");
                }
                String description = Json.string(properties, "description");
                if (create) {
                    scopeMap = new ScopeMap(id, name, description, actions, directory.now());
                    registry.scopeMapMap().put(key(name), scopeMap);
                } else {
                    if (!actions.isEmpty()) {
                        scopeMap.actions(actions);
                    }
                    if (description != null) {
                        scopeMap.description(description);
                    }
                }
                return Reply.json(create ? 201 : 200, scopeMap(scopeMap));
            }
            default:
                return methodNotAllowed(call);
        }
    }

    private static Map<String, Object> scopeMap(ScopeMap scopeMap) {
        Map<String, Object> properties = Json.obj();
        if (scopeMap.description() != null) {
            properties.put("description", scopeMap.description());
        }
        properties.put("creationDate", scopeMap.creationDate().toString());
        properties.put("type", "IsUserDefined");
        properties.put("actions", scopeMap.actions());
        properties.put("provisioningState", "Succeeded");
        return Json.obj(
                "id", scopeMap.id(),
                "name", scopeMap.name(),
                "type", "Microsoft.ContainerRegistry/registries/scopeMaps",
                "properties", properties);
    }

    // ---- managed clusters

    private Reply listManagedClusters(Call call, IssuedToken caller, String subscription, String group) {
        if (!"GET".equals(call.method())) {
            return methodNotAllowed(call);
        }
        Reply missing = group == null ? missingSubscription(subscription) : missingGroup(subscription, group);
        if (missing != null) {
            return missing;
        }
        String scope = "/subscriptions/" + subscription + (group == null ? "" : "/resourceGroups/" + group);
        Reply denied = authorize(caller, "Microsoft.ContainerService/managedClusters/read", scope);
        if (denied != null) {
            return denied;
        }
        List<Map<String, Object>> value = managedClusters.values().stream()
                .filter(c -> within(c.id(), scope)).map(this::managedCluster).toList();
        return Reply.json(200, Map.of("value", value));
    }

    private Reply managedCluster(Call call, IssuedToken caller, String subscription, String group, String name,
                                 String action) {
        Reply missing = missingGroup(subscription, group);
        if (missing != null) {
            return missing;
        }
        String id = "/subscriptions/" + subscription + "/resourceGroups/" + group
                + "/providers/Microsoft.ContainerService/managedClusters/" + name;
        EmulatedManagedCluster cluster = managedClusters.get(key(id));
        if (action == null) {
            if (!"GET".equals(call.method())) {
                return methodNotAllowed(call);
            }
            Reply denied = authorize(caller, "Microsoft.ContainerService/managedClusters/read", id);
            if (denied != null) {
                return denied;
            }
            return cluster == null ? resourceNotFound("Microsoft.ContainerService/managedClusters/" + name, group)
                    : Reply.json(200, managedCluster(cluster));
        }
        if (!"POST".equals(call.method())) {
            return methodNotAllowed(call);
        }
        Reply denied = authorize(caller, "Microsoft.ContainerService/managedClusters/" + action + "/action", id);
        if (denied != null) {
            return denied;
        }
        if (cluster == null) {
            return resourceNotFound("Microsoft.ContainerService/managedClusters/" + name, group);
        }
        boolean user = action.equalsIgnoreCase("listClusterUserCredential");
        if (!user && cluster.localAccountsDisabled()) {
            return Reply.armError(400, "BadRequest", "Getting static credential is not allowed because this cluster "
                    + "is set to disable local accounts.");
        }
        String kubeconfig = user ? cluster.userKubeconfig() : cluster.adminKubeconfig();
        return Reply.json(200, Map.of("kubeconfigs", List.of(Json.obj(
                "name", user ? "clusterUser" : "clusterAdmin",
                "value", Base64.getEncoder().encodeToString(kubeconfig.getBytes(StandardCharsets.UTF_8))))));
    }

    private Map<String, Object> managedCluster(EmulatedManagedCluster cluster) {
        boolean managedIdentity = cluster.usesManagedIdentity();
        Map<String, Object> properties = Json.obj(
                "provisioningState", "Succeeded",
                "powerState", Json.obj("code", "Running"),
                "kubernetesVersion", cluster.kubernetesVersion(),
                "currentKubernetesVersion", cluster.kubernetesVersion(),
                "dnsPrefix", cluster.dnsPrefix(),
                "fqdn", cluster.fqdn(),
                "azurePortalFQDN", cluster.fqdn().replace(".hcp.", ".portal.hcp."),
                "agentPoolProfiles", List.of(Json.obj(
                        "name", "nodepool1",
                        "count", 3,
                        "vmSize", "Standard_DS2_v2",
                        "maxPods", 110,
                        "type", "VirtualMachineScaleSets",
                        "provisioningState", "Succeeded",
                        "powerState", Json.obj("code", "Running"),
                        "orchestratorVersion", cluster.kubernetesVersion(),
                        "currentOrchestratorVersion", cluster.kubernetesVersion(),
                        "mode", "System",
                        "osType", "Linux",
                        "osSKU", "Ubuntu")),
                "servicePrincipalProfile", Json.obj("clientId",
                        managedIdentity ? "msi" : cluster.servicePrincipalClientId()),
                "nodeResourceGroup", cluster.nodeResourceGroup(),
                "enableRBAC", true,
                "networkProfile", Json.obj(
                        "networkPlugin", "kubenet",
                        "podCidr", "10.244.0.0/16",
                        "serviceCidr", cluster.serviceCidr(),
                        "dnsServiceIP", cluster.dnsServiceIp(),
                        "outboundType", "loadBalancer",
                        "loadBalancerSku", "standard",
                        "podCidrs", List.of("10.244.0.0/16"),
                        "serviceCidrs", List.of(cluster.serviceCidr()),
                        "ipFamilies", List.of("IPv4")),
                "maxAgentPools", 100,
                "disableLocalAccounts", cluster.localAccountsDisabled());
        properties.put("oidcIssuerProfile", cluster.oidcIssuerUrl() == null ? Json.obj("enabled", false)
                : Json.obj("enabled", true, "issuerURL", cluster.oidcIssuerUrl()));
        properties.put("securityProfile", Json.obj("workloadIdentity", Json.obj("enabled",
                cluster.workloadIdentity())));
        if (cluster.entraManaged()) {
            properties.put("aadProfile", Json.obj("managed", true, "enableAzureRBAC", cluster.azureRbac(),
                    "adminGroupObjectIDs", List.of(), "tenantID", cluster.entraTenantId()));
        }
        if (managedIdentity) {
            properties.put("identityProfile", Map.of("kubeletidentity", Json.obj(
                    "resourceId", cluster.kubeletResourceId(),
                    "clientId", cluster.kubeletClientId(),
                    "objectId", cluster.kubeletObjectId())));
        }
        Map<String, Object> answer = Json.obj(
                "id", cluster.id(),
                "location", cluster.location(),
                "name", cluster.name(),
                "tags", Map.of(),
                "type", "Microsoft.ContainerService/ManagedClusters",
                "eTag", Integer.toHexString(cluster.hashCode()),
                "sku", Json.obj("name", "Base", "tier", "Free"));
        if (managedIdentity) {
            answer.put("identity", Json.obj("type", "SystemAssigned",
                    "principalId", cluster.clusterIdentityPrincipalId(), "tenantId", directory.tenantId()));
        }
        answer.put("properties", properties);
        return answer;
    }

    // ---- connected clusters

    private Reply connectedCluster(Call call, IssuedToken caller, String subscription, String group, String name) {
        if (!"GET".equals(call.method())) {
            return methodNotAllowed(call);
        }
        Reply missing = missingGroup(subscription, group);
        if (missing != null) {
            return missing;
        }
        String id = "/subscriptions/" + subscription + "/resourceGroups/" + group
                + "/providers/Microsoft.Kubernetes/connectedClusters/" + name;
        Reply denied = authorize(caller, "Microsoft.Kubernetes/connectedClusters/read", id);
        if (denied != null) {
            return denied;
        }
        EmulatedConnectedCluster cluster = connectedClusters.get(key(id));
        if (cluster == null) {
            return resourceNotFound("Microsoft.Kubernetes/connectedClusters/" + name, group);
        }
        return Reply.json(200, Json.obj(
                "id", cluster.id(),
                "name", cluster.name(),
                "type", "Microsoft.Kubernetes/connectedClusters",
                "identity", Json.obj("type", "SystemAssigned", "principalId", cluster.identityPrincipalId(),
                        "tenantId", directory.tenantId()),
                "location", cluster.location(),
                "properties", Json.obj(
                        "agentPublicKeyCertificate", "",
                        "agentVersion", "1.21.10",
                        "arcAgentProfile", Json.obj("agentAutoUpgrade", "Enabled", "agentState", "Succeeded",
                                "desiredAgentVersion", "1.21.10"),
                        "azureHybridBenefit", "NotApplicable",
                        "connectivityStatus", cluster.connectivityStatus(),
                        "distribution", cluster.distribution(),
                        "distributionVersion", null,
                        "infrastructure", "generic",
                        "kubernetesVersion", cluster.kubernetesVersion(),
                        "lastConnectivityTime", directory.now().toString(),
                        "privateLinkState", "Disabled",
                        "provisioningState", "Succeeded",
                        "oidcIssuerProfile", cluster.oidcIssuerUrl() == null ? Json.obj("enabled", false)
                                : Json.obj("enabled", true, "issuerUrl", cluster.oidcIssuerUrl()),
                        "securityProfile", Json.obj("workloadIdentity", Json.obj("enabled",
                                cluster.workloadIdentity())),
                        "totalNodeCount", cluster.totalNodeCount()),
                "tags", Map.of()));
    }

    // ---- user-assigned identities (state and behaviour in ManagedIdentityEndpoint)

    private Reply userAssignedIdentity(Call call, IssuedToken caller, String subscription, String group, String name,
                                       boolean credentials, String credentialName) {
        Reply missing = missingGroup(subscription, group);
        if (missing != null) {
            return missing;
        }
        String id = "/subscriptions/" + subscription + "/resourceGroups/" + group + "/providers/"
                + ManagedIdentityEndpoint.TYPE + "/" + name;
        String verb = switch (call.method()) {
            case "GET" -> "read";
            case "DELETE" -> "delete";
            default -> "write";
        };
        String action = ManagedIdentityEndpoint.TYPE + (credentials ? "/federatedIdentityCredentials/" : "/") + verb;
        Reply denied = authorize(caller, action, credentials && credentialName != null
                ? id + "/federatedIdentityCredentials/" + credentialName : id);
        if (denied != null) {
            return denied;
        }
        return credentials ? identities.credentials(call, subscription, group, name, credentialName)
                : identities.identity(call, subscription, group, name);
    }

    // ---- connected registries and Arc extensions (state and behaviour in ConnectedRegistryEndpoint)

    private Reply connectedRegistries(Call call, IssuedToken caller, String subscription, String group, String name,
                                      String connectedRegistry, String action) {
        Reply refused = unsupportedApiVersion(call, "Microsoft.ContainerRegistry", "registries/connectedRegistries");
        if (refused == null) {
            refused = missingGroup(subscription, group);
        }
        if (refused != null) {
            return refused;
        }
        String id = "/subscriptions/" + subscription + "/resourceGroups/" + group
                + "/providers/Microsoft.ContainerRegistry/registries/" + name;
        String verb = action != null ? action + "/action" : switch (call.method()) {
            case "GET" -> "read";
            case "DELETE" -> "delete";
            default -> "write";
        };
        Reply denied = authorize(caller, "Microsoft.ContainerRegistry/registries/connectedRegistries/" + verb,
                connectedRegistry == null ? id : id + "/connectedRegistries/" + connectedRegistry);
        if (denied != null) {
            return denied;
        }
        EmulatedRegistry registry = registries.get(key(id));
        if (registry == null) {
            return Reply.armError(404, "ParentResourceNotFound", "Failed to perform '" + call.method()
                    + "' on resource(s) of type 'registries/connectedRegistries', because the parent resource '" + id
                    + "' could not be found.");
        }
        return connected.connectedRegistries(call, registry, connectedRegistry, action);
    }

    private Reply extensions(Call call, IssuedToken caller, String subscription, String group, String clusterName,
                             String name, String operation) {
        Reply refused = unsupportedApiVersion(call, "Microsoft.KubernetesConfiguration", "extensions");
        if (refused == null) {
            refused = missingGroup(subscription, group);
        }
        if (refused != null) {
            return refused;
        }
        String clusterId = "/subscriptions/" + subscription + "/resourceGroups/" + group
                + "/providers/Microsoft.Kubernetes/connectedClusters/" + clusterName;
        String verb = switch (call.method()) {
            case "GET" -> operation != null ? "operations/read" : "read";
            case "DELETE" -> "delete";
            default -> "write";
        };
        Reply denied = authorize(caller, "Microsoft.KubernetesConfiguration/extensions/" + verb,
                clusterId + "/providers/Microsoft.KubernetesConfiguration/extensions"
                        + (name == null ? "" : "/" + name));
        if (denied != null) {
            return denied;
        }
        EmulatedConnectedCluster cluster = connectedClusters.get(key(clusterId));
        if (cluster == null) {
            return Reply.armError(404, "ParentResourceNotFound", "Failed to perform '" + call.method()
                    + "' on resource(s) of type 'extensions', because the parent resource '" + clusterId
                    + "' could not be found.");
        }
        return connected.extensions(call, cluster, name, operation, host -> registries.values().stream()
                .filter(r -> r.dataEndpointHostNames().stream().anyMatch(h -> h.equalsIgnoreCase(host)))
                .findFirst());
    }

    /** ACR refuses to delete a token that a connected registry syncs with. */
    private Reply syncTokenInUse(IssuedToken caller, String subscription, String group, String registry,
                                 String token) {
        String tokenId = "/subscriptions/" + subscription + "/resourceGroups/" + group
                + "/providers/Microsoft.ContainerRegistry/registries/" + registry + "/tokens/" + token;
        if (authorize(caller, "Microsoft.ContainerRegistry/registries/tokens/delete", tokenId) != null) {
            return null;
        }
        return connected.usingSyncToken(tokenId).map(c -> Reply.armError(409, "Conflict", "The token '" + token
                + "' is the sync token of connected registry '" + c.name() + "' and cannot be deleted before it."))
                .orElse(null);
    }

    /** ARM routes a resource type only at the api-versions its provider registered. */
    private static Reply unsupportedApiVersion(Call call, String namespace, String type) {
        List<String> versions = PROVIDERS.get(namespace).get(type);
        String apiVersion = call.query("api-version");
        if (versions.contains(apiVersion)) {
            return null;
        }
        return Reply.armError(400, "NoRegisteredProviderFound", "No registered resource provider found for location "
                + "'westeurope' and API version '" + apiVersion + "' for type '" + type.substring(type.lastIndexOf('/')
                + 1) + "'. The supported api-versions are '" + String.join(", ", versions) + "'.");
    }

    // ---- shared rules

    private Reply authorize(IssuedToken caller, String action, String resourceId) {
        if (routedAction != null && !routedAction.equalsIgnoreCase(action)) {
            throw new IllegalStateException("The emulator checks '" + action + "' where ArmActions names '"
                    + routedAction + "' for this route: make them agree");
        }
        for (Denial denial : denials) {
            boolean callerMatches = denial.clientId().equals("*") || denial.clientId().equalsIgnoreCase(
                    caller.clientId());
            boolean actionMatches = denial.action().equals("*") || denial.action().equalsIgnoreCase(action);
            if (callerMatches && actionMatches && within(resourceId, denial.scope())) {
                return authorizationFailed(caller, action, resourceId);
            }
        }
        return null;
    }

    private Reply authorizationFailed(IssuedToken caller, String action, String scope) {
        String objectId = directory.callerObjectId(caller.clientId());
        return Reply.armError(403, "AuthorizationFailed", "The client '" + caller.clientId()
                + "' with object id '" + objectId + "' does not have authorization to perform action '"
                + action + "' over scope '" + scope + "' or the scope is invalid. If access was recently "
                + "granted, please refresh your credentials.");
    }

    /** A scope under a subscription or resource group that ARM does not know is a 404 before anything else. */
    private Reply missingScope(String scope) {
        Matcher group = Pattern.compile("^/subscriptions/([^/]+)/resourceGroups/([^/]+)", Pattern.CASE_INSENSITIVE)
                .matcher(scope);
        if (group.find()) {
            return missingGroup(group.group(1), group.group(2));
        }
        String subscription = subscriptionOf(scope);
        return subscription == null ? null : missingSubscription(subscription);
    }

    private Reply missingSubscription(String subscription) {
        return subscriptions.contains(key(subscription)) ? null : Reply.armError(404, "SubscriptionNotFound",
                "The subscription '" + subscription + "' could not be found.");
    }

    private Reply missingGroup(String subscription, String group) {
        Reply missing = missingSubscription(subscription);
        if (missing != null) {
            return missing;
        }
        return resourceGroups.contains(key(subscription + "/" + group)) ? null : Reply.armError(404,
                "ResourceGroupNotFound", "Resource group '" + group + "' could not be found.");
    }

    private static Reply resourceNotFound(String typeAndName, String group) {
        return Reply.armError(404, "ResourceNotFound", "The Resource '" + typeAndName + "' under resource group '"
                + group + "' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix");
    }

    private static Reply methodNotAllowed(Call call) {
        return Reply.armError(405, "MethodNotAllowed", "The requested resource does not support http method '"
                + call.method() + "'.");
    }

    private static String assignmentId(String scope, String name) {
        return scope + AUTHORIZATION + "roleAssignments/" + name;
    }

    private static String subscriptionOf(String scope) {
        Matcher matcher = Pattern.compile("^/subscriptions/([^/]+)", Pattern.CASE_INSENSITIVE).matcher(scope);
        return matcher.find() ? matcher.group(1) : null;
    }

    /** Whether {@code id} is {@code scope} or lies under it (ARM compares ids without regard to case). */
    static boolean within(String id, String scope) {
        String child = key(id);
        String parent = key(scope);
        return parent.isEmpty() || parent.equals("/") || child.equals(parent) || child.startsWith(parent + "/");
    }

    static String normalizeScope(String scope) {
        String collapsed = scope == null ? "" : scope.replaceAll("/{2,}", "/");
        if (!collapsed.isEmpty() && !collapsed.startsWith("/")) {
            collapsed = "/" + collapsed;
        }
        return collapsed.endsWith("/") ? collapsed.substring(0, collapsed.length() - 1) : collapsed;
    }

    private static String key(String value) {
        return value.toLowerCase(Locale.ROOT);
    }

    /** A caller ({@code *} for any) lacking an action ({@code *} for all) at a scope and everything under it. */
    record Denial(String clientId, String action, String scope) {
    }
}
