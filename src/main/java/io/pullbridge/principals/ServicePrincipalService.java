package io.pullbridge.principals;

import io.pullbridge.audit.AuditLog;
import io.pullbridge.common.EscalationProperties;
import io.pullbridge.common.Phase;
import io.pullbridge.common.PullCredential;
import io.pullbridge.common.ResourceKinds;
import io.pullbridge.crypto.SecretCipher;
import io.pullbridge.jobs.JobRef;
import io.pullbridge.jobs.JobRequest;
import io.pullbridge.jobs.JobService;
import io.pullbridge.lifecycle.ResourceLifecycle;
import io.pullbridge.registries.RegistryService;
import io.pullbridge.registries.RegistryView;
import io.pullbridge.web.ApiException;
import io.pullbridge.web.FieldViolation;
import io.pullbridge.web.Filters;
import io.pullbridge.web.PageQuery;
import io.pullbridge.web.PageResponse;
import io.pullbridge.web.ProblemType;
import io.pullbridge.web.RequestContext;
import io.pullbridge.web.Role;
import jakarta.persistence.criteria.Join;
import jakarta.persistence.criteria.Root;
import jakarta.persistence.criteria.Subquery;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.data.jpa.domain.Specification;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Service principals PullBridge created or adopted, with their grants on registries. Every change that needs Entra ID
 * or Azure RBAC commits with a job that makes it ({@link ServicePrincipalJobs}, {@link ServicePrincipalRotationJob}).
 * Passwords are stored only encrypted, shown only as "set", a key id, an expiry and a fingerprint, and handed to
 * other features only through {@link #pullCredential}.
 * <p>
 * What can turn PullBridge's Azure rights into the caller's own is reserved to Admin, checked here before anything is
 * stored: adopting a principal (its password is the caller's), and granting a role beyond
 * {@code pullbridge.security.operator-grantable-roles} (by default only {@code acrpull} is an Operator's to grant).
 */
@Service
public class ServicePrincipalService {

    private final ServicePrincipalRepository principals;
    private final ServicePrincipalRules rules;
    private final RegistryService registries;
    private final ResourceLifecycle lifecycle;
    private final JobService jobs;
    private final SecretCipher cipher;
    private final AuditLog audit;
    private final PrincipalsProperties properties;
    private final EscalationProperties escalation;
    private final Clock clock;

    ServicePrincipalService(ServicePrincipalRepository principals, ServicePrincipalRules rules,
                            RegistryService registries, ResourceLifecycle lifecycle, JobService jobs,
                            SecretCipher cipher, AuditLog audit,
                            PrincipalsProperties properties, EscalationProperties escalation, Clock clock) {
        this.principals = principals;
        this.rules = rules;
        this.registries = registries;
        this.lifecycle = lifecycle;
        this.jobs = jobs;
        this.cipher = cipher;
        this.audit = audit;
        this.properties = properties;
        this.escalation = escalation;
        this.clock = clock;
    }

    /**
     * The outcome of a PATCH: {@code job} is the job that applies the change in Azure when the grants changed (the
     * answer is then 202), null otherwise.
     */
    record Updated(ServicePrincipal principal, JobRef job) {

        boolean accepted() {
            return job != null;
        }
    }

    @Transactional
    ServicePrincipal create(CreateServicePrincipalRequest request) {
        ServicePrincipalRules.NewPrincipal spec = rules.checkCreate(request);
        if (spec.mode() == PrincipalMode.ADOPT) {
            RequestContext.require(Role.ADMIN, "adopting a service principal is reserved to Admin: PullBridge would "
                    + "grant roles with its own Azure rights to a principal whose password the caller holds");
        }
        requireGrantable(spec.grants());
        requireRegistries(spec.grants());
        if (spec.mode() == PrincipalMode.CREATE) {
            principals.findCreatedByDisplayName(spec.tenantId(), spec.displayName()).ifPresent(existing -> {
                throw ApiException.alreadyExists("displayName", "PullBridge already created a service principal "
                        + "named '" + existing.getDisplayName() + "' in tenant " + existing.getTenantId() + " (id "
                        + existing.getId() + "); display names must be unique, as 'az ad sp create-for-rbac' "
                        + "requires. To use a principal that already exists, register it with mode adopt and its "
                        + "appId, objectId and password.");
            });
        } else {
            Optional.ofNullable(spec.appId()).flatMap(appId -> principals.findByTenantIdAndAppId(spec.tenantId(), appId))
                    .ifPresent(existing -> {
                        throw ApiException.alreadyExists("appId", "The service principal with appId "
                                + existing.getAppId() + " in tenant " + existing.getTenantId() + " is already known to "
                                + "PullBridge as " + existing.getId() + "; change its grants there");
                    });
            Optional.ofNullable(spec.objectId())
                    .flatMap(objectId -> principals.findByTenantIdAndObjectId(spec.tenantId(), objectId))
                    .ifPresent(existing -> {
                        throw ApiException.alreadyExists("objectId", "The service principal with objectId "
                                + existing.getObjectId() + " in tenant " + existing.getTenantId() + " is already "
                                + "known to PullBridge as " + existing.getId() + "; change its grants there");
                    });
        }
        ServicePrincipal principal = new ServicePrincipal(UUID.randomUUID(), spec.mode(), spec.displayName(),
                spec.appId(), spec.objectId(), spec.tenantId(), spec.passwordLifetime(), clock.instant(),
                RequestContext.actor());
        principal.replaceGrants(spec.grants());
        if (spec.password() != null) {
            principal.setCredential(cipher.encrypt(spec.password(), principal.credentialContext()),
                    cipher.fingerprint(spec.password()), null, principal.getCreatedAt(), spec.passwordExpiresAt());
        }
        JobRef job = jobs.enqueue(JobRequest.of(spec.mode() == PrincipalMode.CREATE ? ServicePrincipalJobs.CREATE
                : ServicePrincipalJobs.ADOPT, ResourceKinds.SERVICE_PRINCIPAL, principal.getId()));
        principal.getStatus().trackJob(job.id());
        principal = principals.saveAndFlush(principal);
        audit.record("service-principal.create", ResourceKinds.SERVICE_PRINCIPAL, principal.getId(),
                describe(principal));
        return principal;
    }

    @Transactional(readOnly = true)
    ServicePrincipal get(UUID id) {
        return principals.findWithGrantsById(id)
                .orElseThrow(() -> ApiException.notFound(ResourceKinds.SERVICE_PRINCIPAL, id));
    }

    @Transactional(readOnly = true)
    PageResponse<ServicePrincipalResponse> list(String mode, String displayName, UUID appId, UUID registryId,
                                                Phase phase, PageQuery page) {
        PrincipalMode wanted = mode == null ? null : parseMode(mode);
        return page.fetch(principals, Specification.allOf(
                Filters.equal("mode", wanted),
                Filters.equalIgnoringCase("displayName", displayName),
                Filters.equal("appId", appId),
                holdingRoleOn(registryId),
                Filters.phase(phase)), this::response);
    }

    /** Principals with a grant on the registry. */
    private static Specification<ServicePrincipal> holdingRoleOn(UUID registryId) {
        if (registryId == null) {
            return Specification.unrestricted();
        }
        return (root, q, cb) -> {
            Subquery<UUID> granted = q.subquery(UUID.class);
            Root<ServicePrincipal> holder = granted.from(ServicePrincipal.class);
            Join<ServicePrincipal, ServicePrincipalGrant> grant = holder.join("grants");
            granted.select(holder.get("id")).where(cb.equal(grant.get("registryId"), registryId));
            return root.get("id").in(granted);
        };
    }

    @Transactional
    Updated update(UUID id, String ifMatch, UpdateServicePrincipalRequest request) {
        ServicePrincipal principal = get(id);
        lifecycle.checkChangeable(ResourceKinds.SERVICE_PRINCIPAL, principal, ifMatch);
        ServicePrincipalRules.Changes changes = rules.checkUpdate(request, principal.getMode());
        boolean changed = false;
        boolean accepted = false;
        List<String> what = new ArrayList<>();
        if (changes.grants() != null) {
            List<ServicePrincipalRules.GrantSpec> current = principal.wantedGrants().stream()
                    .map(ServicePrincipalGrant::spec).toList();
            // Grants kept as they are need no right; only those added do.
            requireGrantable(changes.grants().stream().filter(grant -> !current.contains(grant)).toList());
            requireRegistries(changes.grants());
            if (!current.equals(changes.grants())) {
                accepted = principal.replaceGrants(changes.grants());
                changed = true;
                what.add("grants=" + grants(principal));
            }
        }
        if (changes.passwordLifetime() != null
                && !changes.passwordLifetime().equals(principal.getPasswordLifetime())) {
            principal.setPasswordLifetime(changes.passwordLifetime());
            changed = true;
            what.add("passwordLifetime=" + changes.passwordLifetime());
        }
        JobRef job = null;
        if (accepted) {
            job = jobs.enqueue(JobRequest.of(ServicePrincipalJobs.GRANTS, ResourceKinds.SERVICE_PRINCIPAL, id));
            principal.getStatus().moveTo(Phase.Pending, "Waiting for PullBridge to apply the changed grants in Azure");
            principal.getStatus().trackJob(job.id());
        }
        if (changed) {
            principal.touched(clock.instant());
            principal = principals.saveAndFlush(principal);
            audit.record("service-principal.update", ResourceKinds.SERVICE_PRINCIPAL, id,
                    identity(principal) + " " + String.join(" ", what));
        }
        return new Updated(principal, job);
    }

    /**
     * {@code :rotate}. A principal PullBridge created gets its new password from the job; an adopted principal's new
     * password, given here, is kept pending: it becomes current (and {@link io.pullbridge.common.CredentialRotated} is
     * published) only once the job signed in with it, and the current one stays until then. The job then waits for the
     * users to switch.
     *
     * @throws ApiException 409 while the principal is being deleted or before it has a password to rotate
     */
    @Transactional
    Updated rotate(UUID id, RotateServicePrincipalRequest request) {
        ServicePrincipal principal = get(id);
        lifecycle.requireNotDeleting(ResourceKinds.SERVICE_PRINCIPAL, principal);
        ServicePrincipalRules.Rotation rotation = rules.checkRotate(request, principal.getMode());
        String detail;
        if (principal.getMode() == PrincipalMode.CREATE) {
            if (!principal.hasCredential() || principal.getApplicationObjectId() == null) {
                throw new ApiException(ProblemType.INVALID_STATE, "The service principal " + id + " has no password "
                        + "to rotate yet: its create job (status.jobId) has not made one; let it succeed, then rotate");
            }
            detail = "new password requested from Entra ID";
        } else {
            if (principal.getProvisionedAt() == null) {
                throw new ApiException(ProblemType.INVALID_STATE, "The adopted service principal " + id + " has not "
                        + "been provisioned: its adopt job (status.jobId) has not proven its password and granted its "
                        + "roles. If Entra ID refused the password, delete the principal and adopt it again with the "
                        + "right one");
            }
            String fingerprint = cipher.fingerprint(rotation.password());
            if (fingerprint.equals(principal.getCredentialFingerprint())) {
                throw ApiException.invalid("password", "is the current password; give the new one");
            }
            // Kept aside until the job signed in with it: nothing uses it before Entra ID accepted it.
            principal.setPendingCredential(cipher.encrypt(rotation.password(), principal.credentialContext()),
                    fingerprint, rotation.passwordExpiresAt(), clock.instant());
            detail = "new password " + fingerprint + " given, expires " + rotation.passwordExpiresAt()
                    + "; current once PullBridge signed in with it";
        }
        JobRef job = jobs.enqueue(new JobRequest(ServicePrincipalRotationJob.ROTATE, ResourceKinds.SERVICE_PRINCIPAL,
                id, Map.of(ServicePrincipalRotationJob.REASON, ServicePrincipalRotationJob.REQUESTED)));
        principal.getStatus().moveTo(Phase.Pending, "Waiting for PullBridge to rotate the password");
        principal.getStatus().trackJob(job.id());
        principal.touched(clock.instant());
        principal = principals.saveAndFlush(principal);
        audit.record("service-principal.rotate", ResourceKinds.SERVICE_PRINCIPAL, id,
                identity(principal) + " " + detail);
        return new Updated(principal, job);
    }

    /** Marks the principal Deleting and enqueues its delete job; refused while a binding uses it. */
    @Transactional
    ResourceLifecycle.Deletion<ServicePrincipal> delete(UUID id, String ifMatch) {
        principals.lockForDelete(id);
        return lifecycle.delete(ResourceKinds.SERVICE_PRINCIPAL, get(id), ifMatch, principals);
    }

    /** The principal with this id, for features that reference principals. */
    @Transactional(readOnly = true)
    public Optional<ServicePrincipalView> find(UUID id) {
        return principals.findById(id).map(ServicePrincipal::view);
    }

    /**
     * The service principal with this id, for a resource about to reference it: the row stays locked FOR SHARE until
     * the caller's transaction ends (see {@link ResourceLifecycle}). Call it before anything in the transaction loads
     * the service principal: a row already loaded is not read again.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Optional<ServicePrincipalView> findForUse(UUID id) {
        principals.lockForUse(id);
        return principals.findById(id).map(ServicePrincipal::view);
    }

    /**
     * The principal's current password with its application id as the username, decrypted for the moment a pull
     * secret is written. Nothing before the principal was provisioned (its create or adopt job has not succeeded yet),
     * for an adopted principal whose password PullBridge has not proven by signing in with it, or while it is being
     * deleted. During a rotation this is the new password: the old one stays valid until every
     * {@link io.pullbridge.common.CredentialUsers} reports that it holds the new one.
     */
    @Transactional(readOnly = true)
    public Optional<PullCredential> pullCredential(UUID principalId) {
        return principals.findById(principalId)
                .filter(principal -> principal.getProvisionedAt() != null && principal.hasCredential()
                        && principal.credentialProven() && principal.getAppId() != null
                        && principal.getStatus().phase() != Phase.Deleting)
                .map(principal -> new PullCredential(ServicePrincipalRotationJob.reference(principalId),
                        principal.getAppId().toString(),
                        cipher.decrypt(principal.getCredential(), principal.credentialContext()),
                        principal.getCredentialFingerprint(), principal.getCredentialExpiresAt()));
    }

    /** The principal as the API shows it, with its {@code CredentialExpiring} condition as of now. */
    ServicePrincipalResponse response(ServicePrincipal principal) {
        return ServicePrincipalResponse.of(principal, CredentialExpiry.of(principal, clock.instant(), properties));
    }

    /**
     * @throws ApiException 403 when a grant asks for a role beyond {@code pullbridge.security.operator-grantable-roles}
     *                      and the caller is not an Admin
     */
    private void requireGrantable(List<ServicePrincipalRules.GrantSpec> grants) {
        Set<String> reserved = grants.stream().map(grant -> grant.role().value())
                .filter(role -> !escalation.operatorGrantableRoles().contains(role))
                .collect(Collectors.toCollection(TreeSet::new));
        if (!reserved.isEmpty()) {
            RequestContext.require(Role.ADMIN, "granting " + String.join(" or ", reserved) + " on a registry is "
                    + "reserved to Admin; Operators may grant " + (escalation.operatorGrantableRoles().isEmpty()
                    ? "no role" : "only " + String.join(", ", new TreeSet<>(escalation.operatorGrantableRoles())))
                    + " (" + EscalationProperties.GRANTABLE_ROLES + ")");
        }
    }

    /** @throws ApiException 422 naming every grant whose registry PullBridge does not know */
    private void requireRegistries(List<ServicePrincipalRules.GrantSpec> grants) {
        Map<UUID, Boolean> known = new HashMap<>();
        List<FieldViolation> unknown = new ArrayList<>();
        for (int i = 0; i < grants.size(); i++) {
            UUID registryId = grants.get(i).registryId();
            // Locked until this transaction ends, so the registry's delete sees the grant or this sees it Deleting.
            if (registries.findForUse(registryId).map(RegistryView::deleting).orElse(false)) {
                throw ApiException.deleting("grants[" + i + "].registryId", ResourceKinds.REGISTRY, registryId);
            }
            if (!known.computeIfAbsent(registryId, key -> registries.find(key).isPresent())) {
                unknown.add(new FieldViolation("grants[" + i + "].registryId",
                        "no " + ResourceKinds.REGISTRY + " with id " + registryId));
            }
        }
        if (!unknown.isEmpty()) {
            String detail = unknown.size() == 1 ? unknown.get(0).field() + ": " + unknown.get(0).message()
                    : unknown.size() + " grants name registries that PullBridge does not know";
            throw new ApiException(ProblemType.UNKNOWN_REFERENCE, detail, unknown, List.of());
        }
    }

    private static PrincipalMode parseMode(String mode) {
        for (PrincipalMode candidate : PrincipalMode.values()) {
            if (candidate.value().equalsIgnoreCase(mode.strip())) {
                return candidate;
            }
        }
        throw ApiException.invalid("mode", "must be one of create, adopt");
    }

    /** For audit events: who the principal is and what it may do, never its password. */
    static String describe(ServicePrincipal principal) {
        return identity(principal) + " grants=" + grants(principal);
    }

    private static String identity(ServicePrincipal principal) {
        StringBuilder identity = new StringBuilder("mode=").append(principal.getMode());
        if (principal.getDisplayName() != null) {
            identity.append(" displayName='").append(principal.getDisplayName()).append('\'');
        }
        if (principal.getAppId() != null) {
            identity.append(" appId=").append(principal.getAppId());
        }
        return identity.toString();
    }

    private static String grants(ServicePrincipal principal) {
        return principal.wantedGrants().stream()
                .map(grant -> grant.getRole() + "@registry/" + grant.getRegistryId())
                .collect(Collectors.joining(", ", "[", "]"));
    }
}
