package io.pullbridge.principals;

import io.pullbridge.audit.AuditLog;
import io.pullbridge.common.AzureRole;
import io.pullbridge.common.Phase;
import io.pullbridge.common.ResourceKinds;
import io.pullbridge.common.RoleAssignments;
import io.pullbridge.crypto.SecretCipher;
import io.pullbridge.jobs.FailureClass;
import io.pullbridge.jobs.JobContext;
import io.pullbridge.jobs.JobFailure;
import io.pullbridge.jobs.JobHandler;
import io.pullbridge.jobs.JobProblem;
import io.pullbridge.jobs.JobResult;
import io.pullbridge.registries.RegistryService;
import io.pullbridge.registries.RegistryView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The jobs that make a service principal what its spec says, in Entra ID and Azure RBAC. All three types run the
 * same level-triggered flow, whose steps each do one Azure call and record its outcome at once, and are skipped when
 * a recorded outcome says they are done, so a rerun after any interruption makes nothing twice; what a run made but
 * could not record (it crashed, or Graph's answer was lost) is found again by PullBridge's marker on it:
 * <ul>
 * <li>{@code service-principal.create}: find the application an earlier run made (tagged {@code pullbridge:<id>}), or
 * refuse a display name the tenant already has and create the application, tagged; create its service principal;
 * remove any password an earlier run added but never recorded, add a password; then assign the grants;</li>
 * <li>{@code service-principal.adopt}: look the principal up by appId or objectId (checking that both name it when
 * both are given), prove the password given by signing in with it, then assign the grants;</li>
 * <li>{@code service-principal.grants} (after a PATCH): assign new grants, remove the assignments PullBridge made
 * for grants no longer wanted.</li>
 * </ul>
 * A role assignment that Azure Resource Manager refuses with {@code PrincipalNotFound} right after PullBridge created
 * the principal (Entra ID still replicating it) is tried again, with growing waits that hold no worker, until
 * {@code pullbridge.principals.propagation-window} after the principal's creation. The principal's delete job
 * ({@link #cleanUp}) removes the assignments PullBridge made, then the principal and application if it created them.
 */
@Component
class ServicePrincipalJobs implements JobHandler {

    static final String CREATE = "service-principal.create";
    static final String ADOPT = "service-principal.adopt";
    static final String GRANTS = "service-principal.grants";

    static final Duration FIRST_PROPAGATION_WAIT = Duration.ofSeconds(2);
    static final Duration LONGEST_PROPAGATION_WAIT = Duration.ofMinutes(1);
    private static final String NOT_PROPAGATED = JobProblem.BASE + "azure-principal-not-propagated";
    private static final String AZURE_NOT_FOUND = JobProblem.BASE + "azure-not-found";

    private final ServicePrincipalRecords records;
    private final ServicePrincipalRepository repository;
    private final EntraDirectory directory;
    private final RoleAssignments assignments;
    // Lazily: RegistryService needs the job engine, which needs this handler.
    private final ObjectProvider<RegistryService> registries;
    private final SecretCipher cipher;
    private final AuditLog audit;
    private final PrincipalsProperties properties;
    private final Clock clock;

    ServicePrincipalJobs(ServicePrincipalRecords records, ServicePrincipalRepository repository,
                         EntraDirectory directory, RoleAssignments assignments,
                         ObjectProvider<RegistryService> registries, SecretCipher cipher, AuditLog audit,
                         PrincipalsProperties properties, Clock clock) {
        this.records = records;
        this.repository = repository;
        this.directory = directory;
        this.assignments = assignments;
        this.registries = registries;
        this.cipher = cipher;
        this.audit = audit;
        this.properties = properties;
        this.clock = clock;
    }

    @Override
    public Set<String> types() {
        return Set.of(CREATE, ADOPT, GRANTS);
    }

    @Override
    public JobResult handle(JobContext context) throws Exception {
        UUID id = context.targetId();
        Optional<ServicePrincipal> found = records.load(id);
        if (found.isEmpty()) {
            return JobResult.done("the service principal was removed");
        }
        if (found.get().getStatus().phase() == Phase.Deleting) {
            return JobResult.done("the service principal is being deleted; its delete job cleans up");
        }
        ServicePrincipal principal = found.get();
        if (principal.hasCredential()) {
            // Held from the start: an adopted principal's password came from the caller, and a Graph, Entra or ARM
            // error answered before it is proven (the look-up comes first) may quote it.
            context.protect(cipher.decrypt(principal.getCredential(), principal.credentialContext()));
        }
        if (principal.getMode() == PrincipalMode.CREATE) {
            principal = createInEntra(context, principal);
        } else {
            if (principal.getLookedUpAt() == null) {
                principal = lookUp(context, principal);
            }
            if (principal.getCredentialVerifiedAt() == null) {
                principal = provePassword(context, principal);
            }
        }
        JobResult waiting = assignGrants(context, principal);
        if (waiting != null) {
            return waiting;
        }
        revokeGrants(context, principal);
        principal = records.update(context, id, p -> p.provisioned(clock.instant()));
        return JobResult.done(summary(principal));
    }

    // ---- Entra ID -------------------------------------------------------------------------------------------

    /*
     * A run can stop anywhere (a crash, a lost answer from Graph) between Graph making something and PullBridge
     * recording it. What it made carries a marker that names this principal, so the next run finds it again instead of
     * making another: the application a tag, each password its display name (see passwordName).
     */
    private ServicePrincipal createInEntra(JobContext context, ServicePrincipal given) throws Exception {
        ServicePrincipal principal = given;
        UUID id = principal.getId();
        UUID tenant = principal.getTenantId();
        String name = principal.getDisplayName();
        boolean applicationMadeNow = false;
        if (principal.getApplicationObjectId() == null) {
            String tag = marker(id);
            context.step("find-application", () -> {
                List<EntraDirectory.DirectoryApplication> tagged = directory.findApplicationsByTag(tag);
                if (tagged.isEmpty()) {
                    return "no application carries the tag " + tag + " yet";
                }
                // The oldest is kept; any other was made by a run whose answer was lost too.
                EntraDirectory.DirectoryApplication kept = tagged.get(0);
                List<EntraDirectory.DirectoryApplication> extra = tagged.subList(1, tagged.size());
                records.update(context, id, p -> {
                    p.recordApplication(kept.appId(), kept.objectId());
                    audit.recordBy(context.requestedBy(), "service-principal.application-found",
                            ResourceKinds.SERVICE_PRINCIPAL, id, AuditLog.SUCCESS, "application '" + kept.displayName()
                                    + "' appId=" + kept.appId() + " objectId=" + kept.objectId() + ", made by an "
                                    + "earlier run that did not record it");
                });
                for (EntraDirectory.DirectoryApplication other : extra) {
                    directory.deleteApplicationAndPrincipal(other.objectId(), null);
                    records.inTransaction(context, () -> audit.recordBy(context.requestedBy(),
                            "service-principal.application-deleted", ResourceKinds.SERVICE_PRINCIPAL, id,
                            AuditLog.SUCCESS, "appId=" + other.appId() + " objectId=" + other.objectId()
                                    + ": a second application tagged " + tag + " that no run recorded"));
                }
                return "found application " + kept.appId() + " (object id " + kept.objectId() + "), made by an earlier "
                        + "run that stopped before recording it" + (extra.isEmpty() ? ""
                        : "; deleted " + extra.size() + " more tagged " + tag);
            });
            principal = records.load(id).orElseThrow();
        }
        if (principal.getApplicationObjectId() == null) {
            applicationMadeNow = true;
            context.step("check-display-name", () -> {
                if (directory.applicationExists(name)) {
                    throw JobFailure.permanent("service-principal-name-taken",
                            "The display name is taken in the tenant", 409, "An application named '" + name
                                    + "' already exists in tenant " + tenant + ", and display names "
                                    + "must be unique, as 'az ad sp create-for-rbac' requires. To give PullBridge that "
                                    + "principal, delete this one and register it with mode adopt (its appId or "
                                    + "objectId, and its password); or create one with another display name.");
                }
                return "no application is named '" + name + "' in tenant " + tenant;
            });
            context.step("create-application", () -> {
                // Still this runner's job right before Graph makes anything (see takenOver).
                context.fenced(() -> { });
                EntraDirectory.DirectoryApplication application = directory.createApplication(name, marker(id));
                records.updateOrUndo(context, id, p -> {
                    p.recordApplication(application.appId(), application.objectId());
                    audit.recordBy(context.requestedBy(), "service-principal.application-created",
                            ResourceKinds.SERVICE_PRINCIPAL, id, AuditLog.SUCCESS, "application '" + name
                                    + "' appId=" + application.appId() + " objectId=" + application.objectId());
                }, "application " + application.appId() + " (object id " + application.objectId() + ")", () -> {
                    // The runner that took over may have found this application by its tag and recorded it: it
                    // stays then. Otherwise nobody will record it.
                    boolean kept = records.load(id).map(ServicePrincipal::getApplicationObjectId)
                            .filter(application.objectId()::equals).isPresent();
                    if (!kept) {
                        directory.deleteApplicationAndPrincipal(application.objectId(), null);
                    }
                });
                return "application " + application.appId() + " (object id " + application.objectId() + "), tagged "
                        + marker(id);
            });
            principal = records.load(id).orElseThrow();
        }
        if (principal.getObjectId() == null) {
            EntraDirectory.DirectoryApplication application = new EntraDirectory.DirectoryApplication(
                    principal.getApplicationObjectId(), principal.getAppId(), name);
            boolean lookFirst = !applicationMadeNow;
            context.step("create-service-principal", () -> {
                // An earlier run made the application: it may have stopped after Graph made the principal too, but
                // before recording it. Look before creating (a second principal of one application is refused).
                Optional<EntraDirectory.DirectoryPrincipal> made = lookFirst
                        ? directory.findByAppId(application.appId()) : Optional.empty();
                EntraDirectory.DirectoryPrincipal created = made.orElseGet(() ->
                        directory.createServicePrincipal(application));
                records.update(context, id, p -> {
                    p.recordServicePrincipal(created.servicePrincipalObjectId(), clock.instant());
                    audit.recordBy(context.requestedBy(), "service-principal.principal-created",
                            ResourceKinds.SERVICE_PRINCIPAL, id, AuditLog.SUCCESS, "appId=" + created.appId()
                                    + " objectId=" + created.servicePrincipalObjectId());
                });
                return (made.isPresent() ? "found the service principal made by an earlier run: "
                        : "service principal ") + created.servicePrincipalObjectId();
            });
            principal = records.load(id).orElseThrow();
        }
        if (!principal.hasCredential()) {
            UUID applicationObjectId = principal.getApplicationObjectId();
            Duration lifetime = Duration.parse(principal.getPasswordLifetime());
            context.step("add-password", () -> {
                // An earlier run may have stopped after Graph added a password, before recording it: remove that one.
                String removed = removeUnrecordedPasswords(context, directory, records, audit, id,
                        applicationObjectId);
                // Whole seconds, as Entra ID shows password dates.
                Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
                context.fenced(() -> { });
                EntraDirectory.NewPassword password = directory.addPassword(applicationObjectId,
                        passwordName(id, now), now.plus(lifetime));
                context.protect(password.secret());
                records.updateOrUndo(context, id, p -> {
                    p.setCredential(cipher.encrypt(password.secret(), p.credentialContext()),
                            cipher.fingerprint(password.secret()), password.keyId(), now, password.expiresAt());
                    audit.recordBy(context.requestedBy(), "service-principal.password-added",
                            ResourceKinds.SERVICE_PRINCIPAL, id, AuditLog.SUCCESS, "keyId=" + password.keyId()
                                    + " expiresAt=" + password.expiresAt());
                }, passwordUndo(applicationObjectId, password), () -> directory.removePassword(applicationObjectId,
                        password.keyId()));
                return "password " + password.keyId() + ", expires " + password.expiresAt() + removed;
            });
            principal = records.load(id).orElseThrow();
        }
        return principal;
    }

    /**
     * Mode adopt: signs in as the principal with the password given, before any grant (or, through
     * {@code provisioned}, any binding) uses it. A password Entra ID refuses fails the job with
     * {@link EntraDirectory#PASSWORD_REJECTED}, having changed nothing in Azure.
     */
    private ServicePrincipal provePassword(JobContext context, ServicePrincipal principal) throws Exception {
        UUID id = principal.getId();
        String fingerprint = principal.getCredentialFingerprint();
        context.step("prove-password", () -> {
            if (!principal.hasCredential()) {
                throw JobFailure.permanent(EntraDirectory.PASSWORD_REJECTED, "No password to prove",
                        422, "The adopted principal has no password stored; delete it and adopt it again with its "
                                + "client secret");
            }
            String password = cipher.decrypt(principal.getCredential(), principal.credentialContext());
            context.protect(password);
            directory.provePossession(principal.getTenantId(), principal.getAppId(), password);
            records.update(context, id, p -> {
                p.credentialVerified(fingerprint, clock.instant());
                audit.recordBy(context.requestedBy(), "service-principal.password-proven",
                        ResourceKinds.SERVICE_PRINCIPAL, id, AuditLog.SUCCESS, "appId=" + principal.getAppId()
                                + " signed in with password " + fingerprint);
            });
            return "Entra ID signed application " + principal.getAppId() + " in with the password given ("
                    + fingerprint + "); the token was thrown away";
        });
        return records.load(id).orElseThrow();
    }

    /**
     * Removes the application's passwords that carry this principal's marker (see {@link #passwordName}) but that the
     * row does not record: added by a run that stopped (or lost Graph's answer) before recording them, so valid and
     * known to nobody. Says what it removed, for the step's detail.
     * <p>
     * What the row records is read fresh and fenced ({@link ServicePrincipalRecords#recordedKeyIds}) before listing
     * and again before each removal, never taken from what the job loaded when it began: a runner presumed dead that
     * wakes up here stops, where it would otherwise remove the password the runner that took its job over recorded.
     */
    static String removeUnrecordedPasswords(JobContext context, EntraDirectory directory,
                                            ServicePrincipalRecords records, AuditLog audit, UUID principalId,
                                            UUID applicationObjectId) {
        String mark = marker(principalId);
        Set<UUID> recordedBefore = records.recordedKeyIds(context, principalId);
        List<UUID> candidates = directory.passwords(applicationObjectId).stream()
                .filter(password -> password.displayName() != null && password.displayName().startsWith(mark + " "))
                .map(EntraDirectory.PasswordInfo::keyId)
                .filter(keyId -> !recordedBefore.contains(keyId))
                .toList();
        List<UUID> unrecorded = new ArrayList<>();
        for (UUID keyId : candidates) {
            if (records.recordedKeyIds(context, principalId).contains(keyId)) {
                continue;
            }
            unrecorded.add(keyId);
            directory.removePassword(applicationObjectId, keyId);
            records.inTransaction(context, () -> audit.recordBy(context.requestedBy(),
                    "service-principal.password-removed", ResourceKinds.SERVICE_PRINCIPAL, principalId,
                    AuditLog.SUCCESS, "keyId=" + keyId + ": added by a run that stopped before recording it"));
        }
        return unrecorded.isEmpty() ? "" : "; removed " + unrecorded.size() + " password(s) an earlier run added but "
                + "never recorded: " + unrecorded.stream().map(UUID::toString).collect(Collectors.joining(", "));
    }

    private ServicePrincipal lookUp(JobContext context, ServicePrincipal principal) throws Exception {
        UUID id = principal.getId();
        UUID appId = principal.getAppId();
        UUID objectId = principal.getObjectId();
        context.step("look-up-principal", () -> {
            EntraDirectory.DirectoryPrincipal found = appId != null
                    ? directory.findByAppId(appId).orElseThrow(() -> notInEntra("appId " + appId))
                    : directory.findByObjectId(objectId).orElseThrow(() -> notInEntra("objectId " + objectId));
            if (objectId != null && !objectId.equals(found.servicePrincipalObjectId())) {
                throw JobFailure.permanent("service-principal-ids-mismatch",
                        "appId and objectId name different principals", 422, "The service principal of appId " + appId
                                + " has objectId " + found.servicePrincipalObjectId() + ", not " + objectId
                                + "; delete this principal and adopt it again with the right objectId (or only one "
                                + "of the two)");
            }
            Optional<ServicePrincipal> known = repository.findByTenantIdAndAppId(principal.getTenantId(), found.appId())
                    .or(() -> repository.findByTenantIdAndObjectId(principal.getTenantId(),
                            found.servicePrincipalObjectId()))
                    .filter(other -> !other.getId().equals(id));
            if (known.isPresent()) {
                throw JobFailure.permanent("service-principal-already-known",
                        "PullBridge already knows this principal", 409, "The service principal with appId "
                                + found.appId() + " is already known to PullBridge as " + known.get().getId()
                                + "; delete this one and change the grants there");
            }
            records.update(context, id, p -> p.recordLookup(found.appId(), found.servicePrincipalObjectId(),
                    found.applicationObjectId(), found.displayName(), clock.instant()));
            return "appId " + found.appId() + ", objectId " + found.servicePrincipalObjectId() + " ('"
                    + found.displayName() + "')";
        });
        return records.load(id).orElseThrow();
    }

    // ---- role assignments -----------------------------------------------------------------------------------

    /** @return a wait while the new principal replicates, or null when every grant was handled */
    private JobResult assignGrants(JobContext context, ServicePrincipal principal) throws Exception {
        UUID id = principal.getId();
        JobFailure firstFailure = null;
        for (ServicePrincipalGrant grant : principal.wantedGrants()) {
            if (grant.isAssigned()) {
                continue;
            }
            Optional<RegistryView> registry = registries.getObject().find(grant.getRegistryId());
            AcrRole role = grant.getRole();
            try {
                context.step("assign-" + role.value() + "-on-" + registryName(registry, grant), () -> {
                    RegistryView target = registry.orElseThrow(() -> registryNotKnown(grant));
                    AzureRole assigned = role.azureRole(target.abacEnabled());
                    String roleName = assigned.roleName() + (target.abacEnabled() ? " (the registry uses ABAC "
                            + "repository permissions, where " + role.builtInRoleName() + " is not honored)" : "");
                    RoleAssignments.Assignment assignment;
                    try {
                        assignment = assignments.assign(target.resourceId(), principal.getObjectId(),
                                RoleAssignments.PrincipalType.ServicePrincipal, assigned);
                    } catch (JobFailure failure) {
                        throw registryMissingInAzure(failure, target);
                    }
                    String message = assignment.createdByPullBridge()
                            ? roleName + " assigned on " + target.name()
                            : roleName + " on " + target.name() + " was already assigned: PullBridge "
                            + "adopted that assignment and will not remove it";
                    boolean kept = records.updateIfPresent(context, id, p -> {
                        ServicePrincipalGrant held = p.grant(grant.getId());
                        if (held != null) {
                            held.assigned(assignment, message, clock.instant());
                        }
                        audit.recordBy(context.requestedBy(), "service-principal.role-assigned",
                                ResourceKinds.SERVICE_PRINCIPAL, id, AuditLog.SUCCESS, assigned.roleName() + " at "
                                        + target.resourceId() + (assignment.createdByPullBridge() ? "" : " (adopted)"));
                    }).map(p -> p.grant(grant.getId()) != null).orElse(false);
                    if (!kept && assignment.createdByPullBridge()) {
                        assignments.remove(assignment.id());
                        return "the grant was removed meanwhile: removed " + assignment.id() + " again";
                    }
                    return (assignment.createdByPullBridge() ? "assigned " : "adopted the existing assignment ")
                            + assignment.id();
                });
            } catch (JobFailure failure) {
                JobResult wait = propagationWait(context, principal, grant, failure);
                if (wait != null) {
                    return wait;
                }
                records.updateIfPresent(context, id, p -> {
                    ServicePrincipalGrant held = p.grant(grant.getId());
                    if (held != null) {
                        if (failure.isTransient()) {
                            held.waiting("Retrying: " + failure.problem().detail(), clock.instant());
                        } else {
                            held.failed(failure.problem().detail(), clock.instant());
                        }
                    }
                });
                if (failure.isTransient()) {
                    throw failure;
                }
                if (firstFailure == null) {
                    firstFailure = failure;
                }
            }
        }
        if (firstFailure != null) {
            throw firstFailure;
        }
        return null;
    }

    /**
     * A principal PullBridge created that Azure Resource Manager does not see yet: wait (longer each time, never past
     * the window) while the window lasts, then fail for good saying so.
     */
    private JobResult propagationWait(JobContext context, ServicePrincipal principal, ServicePrincipalGrant grant,
                                     JobFailure failure) {
        if (!NOT_PROPAGATED.equals(failure.problem().type()) || principal.getPrincipalCreatedAt() == null) {
            return null;
        }
        Instant now = clock.instant();
        Duration window = properties.propagationWindow();
        Duration waited = Duration.between(principal.getPrincipalCreatedAt(), now);
        Duration left = window.minus(waited);
        if (left.isNegative() || left.isZero()) {
            JobProblem problem = JobProblem.of("service-principal-not-propagated",
                    "The new principal did not reach Azure Resource Manager in time", 504, "Azure Resource Manager "
                            + "still does not see service principal " + principal.getObjectId() + " " + window
                            + " after PullBridge created it (pullbridge.principals.propagation-window), so the "
                            + grant.getRole().builtInRoleName() + " role could not be assigned. Check that the principal "
                            + "still exists in Entra ID, then retry the job.", FailureClass.PERMANENT)
                    .withRemoteRequestId(failure.problem().remoteRequestId());
            records.updateIfPresent(context, principal.getId(), p -> {
                ServicePrincipalGrant held = p.grant(grant.getId());
                if (held != null) {
                    held.failed(problem.detail(), now);
                }
            });
            throw JobFailure.permanent(problem, failure);
        }
        Duration delay = waited.compareTo(FIRST_PROPAGATION_WAIT) < 0 ? FIRST_PROPAGATION_WAIT
                : waited.compareTo(LONGEST_PROPAGATION_WAIT) > 0 ? LONGEST_PROPAGATION_WAIT : waited;
        if (delay.compareTo(left) > 0) {
            delay = left.plusSeconds(1);
        }
        String reason = "Entra ID is still replicating the new service principal to Azure Resource Manager ("
                + waited.toSeconds() + "s of " + window + "): assigning " + grant.getRole().builtInRoleName()
                + " again in " + delay.toSeconds() + "s";
        records.updateIfPresent(context, principal.getId(), p -> {
            ServicePrincipalGrant held = p.grant(grant.getId());
            if (held != null) {
                held.waiting(reason, now);
            }
        });
        return JobResult.retryAfter(delay, reason);
    }

    private void revokeGrants(JobContext context, ServicePrincipal principal) throws Exception {
        for (ServicePrincipalGrant grant : principal.revokingGrants()) {
            Optional<RegistryView> registry = registries.getObject().find(grant.getRegistryId());
            context.step("revoke-" + grant.getRole().value() + "-on-" + registryName(registry, grant), () -> {
                String detail = removeAssignment(context, principal, grant, registry);
                records.updateIfPresent(context, principal.getId(), p -> p.dropRevoked(grant.getId()));
                return detail;
            });
        }
    }

    /** Removes the grant's assignment if PullBridge made it; says what it did. */
    private String removeAssignment(JobContext context, ServicePrincipal principal, ServicePrincipalGrant grant,
                                    Optional<RegistryView> registry) {
        AcrRole role = grant.getRole();
        String assignmentId = grant.getRoleAssignmentId();
        Boolean ours = grant.getCreatedByPullBridge();
        if (assignmentId == null && principal.getObjectId() != null && registry.isPresent()) {
            // Never recorded (the grant went before its assignment was): remove PullBridge's, should one exist.
            Optional<RoleAssignments.Assignment> made = assignments.list(registry.get().resourceId(),
                    principal.getObjectId()).stream()
                    .filter(a -> a.role() == role.azureRole(registry.get().abacEnabled())).findFirst();
            assignmentId = made.map(RoleAssignments.Assignment::id).orElse(null);
            ours = made.map(RoleAssignments.Assignment::createdByPullBridge).orElse(null);
        }
        if (assignmentId == null) {
            return "no " + role.builtInRoleName() + " assignment to remove";
        }
        if (!Boolean.TRUE.equals(ours)) {
            return "left " + assignmentId + " in place: PullBridge adopted it and did not create it";
        }
        assignments.remove(assignmentId);
        String removed = assignmentId;
        records.inTransaction(context, () -> audit.recordBy(context.requestedBy(), "service-principal.role-removed",
                ResourceKinds.SERVICE_PRINCIPAL, principal.getId(), AuditLog.SUCCESS, role.builtInRoleName() + " "
                        + removed));
        return "removed " + assignmentId;
    }

    // ---- delete ---------------------------------------------------------------------------------------------

    /**
     * The delete job's clean-up: removes the role assignments PullBridge made (adopted ones stay), then the service
     * principal and its application if PullBridge created them; an adopted principal is only un-granted. Each step
     * can run again: Azure's "already gone" is success.
     */
    void cleanUp(UUID id, JobContext context) throws Exception {
        Optional<ServicePrincipal> found = records.load(id);
        if (found.isEmpty()) {
            return;
        }
        ServicePrincipal principal = found.get();
        for (ServicePrincipalGrant grant : principal.getGrants()) {
            if (grant.getRoleAssignmentId() == null) {
                continue;
            }
            Optional<RegistryView> registry = registries.getObject().find(grant.getRegistryId());
            String action = Boolean.TRUE.equals(grant.getCreatedByPullBridge()) ? "remove-" : "keep-";
            context.step(action + grant.getRole().value() + "-on-" + registryName(registry, grant),
                    () -> removeAssignment(context, principal, grant, registry));
        }
        if (principal.getMode() == PrincipalMode.CREATE) {
            // Its create job may have stopped after Graph made the application, before recording it; or a runner
            // presumed dead made a second one after another runner had recorded the first. Every application
            // carrying the principal's tag goes, but the recorded one, which the next step deletes with its
            // principal.
            UUID recorded = principal.getApplicationObjectId();
            context.step("delete-unrecorded-application", () -> {
                List<EntraDirectory.DirectoryApplication> tagged = directory.findApplicationsByTag(marker(id))
                        .stream().filter(application -> !application.objectId().equals(recorded)).toList();
                for (EntraDirectory.DirectoryApplication application : tagged) {
                    directory.deleteApplicationAndPrincipal(application.objectId(), null);
                    records.inTransaction(context, () -> audit.recordBy(context.requestedBy(),
                            "service-principal.application-deleted", ResourceKinds.SERVICE_PRINCIPAL, id,
                            AuditLog.SUCCESS, "appId=" + application.appId() + " objectId="
                                    + application.objectId() + ": carried the principal's tag but was never recorded"));
                }
                return tagged.isEmpty() ? "no application " + (recorded == null ? "" : "but the recorded one ")
                        + "carries the tag " + marker(id)
                        : "deleted " + tagged.stream().map(a -> "application " + a.appId())
                        .collect(Collectors.joining(", ")) + ", tagged " + marker(id) + " but never recorded";
            });
            if (principal.getApplicationObjectId() != null || principal.getObjectId() != null) {
                context.step("delete-service-principal", () -> {
                    directory.deleteApplicationAndPrincipal(principal.getApplicationObjectId(),
                            principal.getObjectId());
                    records.inTransaction(context, () -> audit.recordBy(context.requestedBy(),
                            "service-principal.application-deleted", ResourceKinds.SERVICE_PRINCIPAL, id,
                            AuditLog.SUCCESS, "appId=" + principal.getAppId() + " objectId=" + principal.getObjectId()));
                    return "deleted service principal " + principal.getObjectId() + " and application "
                            + principal.getAppId();
                });
            }
        } else if (principal.getAppId() != null || principal.getObjectId() != null) {
            context.step("keep-adopted-principal", () -> "PullBridge adopted "
                    + (principal.getAppId() != null ? "appId " + principal.getAppId() : "objectId "
                    + principal.getObjectId()) + ": it stays in Entra ID, with its passwords; only the role "
                    + "assignments PullBridge made were removed");
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    /*
     * takenOver: a runner presumed dead (a long GC pause, a frozen VM) whose job another runner took over must not
     * change Entra ID after it wakes up. It checks ownership (context.fenced) right before each call that makes
     * something, reads what the row records fenced before it removes anything, and when recording what a make call
     * returned is refused because the job is no longer its own, undoes what it made: the owner never learns of it.
     */

    /** What {@link ServicePrincipalRecords#updateOrUndo} removes for a password it could not record, for the log. */
    static String passwordUndo(UUID applicationObjectId, EntraDirectory.NewPassword password) {
        return "password " + password.keyId() + " of application object " + applicationObjectId;
    }

    private static String summary(ServicePrincipal principal) {
        List<ServicePrincipalGrant> grants = principal.wantedGrants();
        return "appId " + principal.getAppId() + " holds " + grants.stream()
                .map(grant -> grant.getRole().builtInRoleName()).collect(Collectors.joining(", ")) + " ("
                + grants.size() + " grant" + (grants.size() == 1 ? "" : "s") + ")";
    }

    /** What PullBridge marks the application and passwords it makes for a principal with. */
    static String marker(UUID principalId) {
        return "pullbridge:" + principalId;
    }

    /** A password's display name: the principal's marker and the day it was added. */
    static String passwordName(UUID principalId, Instant now) {
        return marker(principalId) + " " + LocalDate.ofInstant(now, ZoneOffset.UTC);
    }

    private static String registryName(Optional<RegistryView> registry, ServicePrincipalGrant grant) {
        return registry.map(RegistryView::name).orElse(grant.getRegistryId().toString());
    }

    private static JobFailure registryNotKnown(ServicePrincipalGrant grant) {
        return JobFailure.permanent("registry-not-found", "The registry is not known to PullBridge", 404,
                "The grant names registry " + grant.getRegistryId() + ", which PullBridge does not know (any more); "
                        + "remove the grant with PATCH");
    }

    /** ARM's 404 at the registry's scope: the registry itself is gone from Azure. */
    private static JobFailure registryMissingInAzure(JobFailure failure, RegistryView registry) {
        if (!AZURE_NOT_FOUND.equals(failure.problem().type())) {
            return failure;
        }
        return JobFailure.permanent(JobProblem.of("azure-registry-not-found", "The registry does not exist", 404,
                "Azure does not know registry " + registry.name() + " (" + registry.resourceId() + ") or its resource "
                        + "group: " + failure.problem().detail(), FailureClass.PERMANENT)
                .withRemoteRequestId(failure.problem().remoteRequestId()), failure);
    }

    private static JobFailure notInEntra(String what) {
        return JobFailure.permanent("service-principal-not-found",
                "The service principal does not exist in Entra ID", 404, "Entra ID has no service principal with "
                        + what + " in the tenant PullBridge signs in to; check the id (the enterprise application's "
                        + "object id, not the app registration's), then delete this principal and adopt it again");
    }
}
