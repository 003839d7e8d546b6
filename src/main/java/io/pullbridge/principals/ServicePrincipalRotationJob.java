package io.pullbridge.principals;

import io.pullbridge.audit.AuditLog;
import io.pullbridge.common.CredentialRotated;
import io.pullbridge.common.CredentialUsers;
import io.pullbridge.common.Phase;
import io.pullbridge.common.Reference;
import io.pullbridge.common.ResourceKinds;
import io.pullbridge.crypto.SecretCipher;
import io.pullbridge.jobs.FailureClass;
import io.pullbridge.jobs.JobContext;
import io.pullbridge.jobs.JobFailure;
import io.pullbridge.jobs.JobHandler;
import io.pullbridge.jobs.JobProblem;
import io.pullbridge.jobs.JobResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * {@code service-principal.rotate}: replaces a principal's password without a moment where pulls fail. A principal
 * PullBridge created gets a new password from Graph (any it added before but never recorded is removed first), stored
 * encrypted as the current one (the old one is kept by key id, expiry and fingerprint only); an adopted principal's
 * new password was given with the rotate request and becomes current only once PullBridge signed in with it. Then
 * {@link CredentialRotated} is published, and the job waits, polling without holding a worker, until every
 * {@link CredentialUsers} says its users hold the new password; only then does it remove the old password from the
 * application (for an adopted principal PullBridge cannot, and the job says that its owner must).
 */
@Component
class ServicePrincipalRotationJob implements JobHandler {

    static final String ROTATE = "service-principal.rotate";
    /** Job data: why the rotation runs, {@link #REQUESTED} or {@link #AUTOMATIC}. */
    static final String REASON = "reason";
    static final String REQUESTED = "requested";
    static final String AUTOMATIC = "automatic";

    private static final int LISTED_USERS = 5;

    private final ServicePrincipalRecords records;
    private final EntraDirectory directory;
    // Lazily and as a stream: the users (bindings) will themselves depend on the service principals.
    private final ObjectProvider<CredentialUsers> users;
    private final SecretCipher cipher;
    private final AuditLog audit;
    private final ApplicationEventPublisher events;
    private final PrincipalsProperties properties;
    private final Clock clock;

    ServicePrincipalRotationJob(ServicePrincipalRecords records, EntraDirectory directory,
                                ObjectProvider<CredentialUsers> users, SecretCipher cipher, AuditLog audit,
                                ApplicationEventPublisher events, PrincipalsProperties properties, Clock clock) {
        this.records = records;
        this.directory = directory;
        this.users = users;
        this.cipher = cipher;
        this.audit = audit;
        this.events = events;
        this.properties = properties;
        this.clock = clock;
    }

    @Override
    public Set<String> types() {
        return Set.of(ROTATE);
    }

    @Override
    public JobResult handle(JobContext context) throws Exception {
        UUID id = context.targetId();
        Optional<ServicePrincipal> found = records.load(id);
        if (found.isEmpty()) {
            return JobResult.done("the service principal was removed");
        }
        ServicePrincipal principal = found.get();
        if (principal.getStatus().phase() == Phase.Deleting) {
            return JobResult.done("the service principal is being deleted; its delete job cleans up");
        }
        boolean created = principal.getMode() == PrincipalMode.CREATE;
        if (!created && principal.hasPendingCredential()) {
            principal = provePending(context, principal);
        }
        if (!principal.rotationInProgress()) {
            if (!created) {
                return JobResult.done("no rotation to finish: the current password is the newest one given");
            }
            if (!principal.hasCredential() || principal.getApplicationObjectId() == null) {
                return JobResult.failed(JobProblem.of("service-principal-not-provisioned",
                        "The service principal has no password to rotate yet", 409, "PullBridge has not created the "
                                + "principal's password yet: let its create job succeed (retry it if it failed), "
                                + "then rotate", FailureClass.PERMANENT));
            }
            if (AUTOMATIC.equals(context.data().get(REASON)) && !autoRotationDue(principal, clock.instant())) {
                return JobResult.done("the password is not due for rotation any more");
            }
            addPassword(context, principal);
            principal = records.load(id).orElseThrow();
        }

        String fingerprint = principal.getCredentialFingerprint();
        List<String> holdouts = users.orderedStream()
                .flatMap(user -> user.notYetSwitched(reference(id), fingerprint).stream())
                .toList();
        if (!holdouts.isEmpty()) {
            return waitForUsers(context, principal, holdouts);
        }
        context.step("wait-for-users", () -> "every user of the credential holds the new password (" + fingerprint
                + ")");
        return created ? removeOldPassword(context, principal) : finishAdopted(context, principal);
    }

    private void addPassword(JobContext context, ServicePrincipal principal) throws Exception {
        UUID id = principal.getId();
        UUID applicationObjectId = principal.getApplicationObjectId();
        Duration lifetime = Duration.parse(principal.getPasswordLifetime());
        context.step("add-password", () -> {
            // An earlier run may have stopped after Graph added a password, before recording it: remove that one. What
            // the row records is read then, fenced: a runner taken over since the job began stops there.
            String removed = ServicePrincipalJobs.removeUnrecordedPasswords(context, directory, records, audit, id,
                    applicationObjectId);
            // Whole seconds, as Entra ID shows password dates.
            Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
            context.fenced(() -> { });
            EntraDirectory.NewPassword password = directory.addPassword(applicationObjectId,
                    ServicePrincipalJobs.passwordName(id, now), now.plus(lifetime));
            context.protect(password.secret());
            String fingerprint = cipher.fingerprint(password.secret());
            records.updateOrUndo(context, id, p -> {
                p.beginRotation(cipher.encrypt(password.secret(), p.credentialContext()), fingerprint,
                        password.keyId(), now, password.expiresAt());
                audit.recordBy(context.requestedBy(), "service-principal.password-added",
                        ResourceKinds.SERVICE_PRINCIPAL, id, AuditLog.SUCCESS, "keyId=" + password.keyId()
                                + " expiresAt=" + password.expiresAt() + " replacing keyId=" + p.getPreviousKeyId()
                                + " (" + context.data().getOrDefault(REASON, REQUESTED) + " rotation)");
                publishAfterCommit(events, id, fingerprint);
            }, ServicePrincipalJobs.passwordUndo(applicationObjectId, password),
                    () -> directory.removePassword(applicationObjectId, password.keyId()));
            return "password " + password.keyId() + " (" + fingerprint + "), expires " + password.expiresAt()
                    + "; the old password " + principal.getCredentialKeyId() + " stays until every user switched"
                    + removed;
        });
    }

    /**
     * An adopted principal's new password, given to {@code :rotate}: signs in with it first. Only a password Entra ID
     * accepts becomes current (and is announced to the users of the credential); one it refuses is dropped, the
     * current password stays everywhere, and the job fails with {@link EntraDirectory#PASSWORD_REJECTED}.
     */
    private ServicePrincipal provePending(JobContext context, ServicePrincipal principal) throws Exception {
        UUID id = principal.getId();
        String fingerprint = principal.getPendingFingerprint();
        context.step("prove-password", () -> {
            try {
                String pending = cipher.decrypt(principal.getPending(), principal.credentialContext());
                context.protect(pending);
                directory.provePossession(principal.getTenantId(), principal.getAppId(), pending);
            } catch (JobFailure failure) {
                if (!failure.isTransient()) {
                    records.update(context, id, p -> {
                        p.dropPending(fingerprint);
                        audit.recordBy(context.requestedBy(), "service-principal.password-rejected",
                                ResourceKinds.SERVICE_PRINCIPAL, id, AuditLog.FAILURE, "the new password " + fingerprint
                                        + " was refused; " + p.getCredentialFingerprint() + " stays current");
                    });
                }
                throw failure;
            }
            Instant now = clock.instant();
            boolean promoted = records.update(context, id, p -> {
                if (p.promotePending(fingerprint, now)) {
                    audit.recordBy(context.requestedBy(), "service-principal.password-proven",
                            ResourceKinds.SERVICE_PRINCIPAL, id, AuditLog.SUCCESS, "appId=" + p.getAppId()
                                    + " signed in with password " + fingerprint + ", now current, replacing "
                                    + p.getPreviousFingerprint());
                    publishAfterCommit(events, id, fingerprint);
                }
            }).getCredentialFingerprint().equals(fingerprint);
            return "Entra ID signed application " + principal.getAppId() + " in with the new password ("
                    + fingerprint + ")" + (promoted ? ", now current" : ", but a newer one was given meanwhile: its "
                    + "own rotation proves it") + "; the token was thrown away";
        });
        return records.load(id).orElseThrow();
    }

    private JobResult waitForUsers(JobContext context, ServicePrincipal principal, List<String> holdouts) {
        Instant now = clock.instant();
        Instant deadline = principal.getRotationDeadline();
        if (deadline == null) {
            Instant set = now.plus(properties.rotation().switchTimeout());
            records.update(context, principal.getId(), p -> p.rotationDeadline(set));
            deadline = set;
        }
        String who = holdouts.size() + " user(s) of the credential still hold the old password: "
                + String.join("; ", holdouts.subList(0, Math.min(LISTED_USERS, holdouts.size())))
                + (holdouts.size() > LISTED_USERS ? "; ..." : "");
        if (now.isAfter(deadline)) {
            // A retry of the job waits a whole timeout again.
            records.update(context, principal.getId(), p -> p.rotationDeadline(null));
            return JobResult.failed(JobProblem.of("credential-users-not-switched",
                    "The users of the credential did not switch to the new password in time", 504, who + ", "
                            + properties.rotation().switchTimeout() + " after the rotation began "
                            + "(pullbridge.principals.rotation.switch-timeout). The new password is current and the "
                            + "old one stays valid until they switched; retry this job to wait again.",
                    FailureClass.TRANSIENT));
        }
        return JobResult.retryAfter(properties.rotation().pollInterval(), who);
    }

    private JobResult removeOldPassword(JobContext context, ServicePrincipal principal) throws Exception {
        UUID id = principal.getId();
        UUID oldKeyId = principal.getPreviousKeyId();
        context.step("remove-old-password", () -> {
            if (oldKeyId != null) {
                context.fenced(() -> { });
                directory.removePassword(principal.getApplicationObjectId(), oldKeyId);
            }
            // And any password a runner presumed dead added after this rotation began, which nobody recorded.
            String removed = ServicePrincipalJobs.removeUnrecordedPasswords(context, directory, records, audit, id,
                    principal.getApplicationObjectId());
            records.update(context, id, p -> {
                p.finishRotation();
                if (oldKeyId != null) {
                    audit.recordBy(context.requestedBy(), "service-principal.password-removed",
                            ResourceKinds.SERVICE_PRINCIPAL, id, AuditLog.SUCCESS, "keyId=" + oldKeyId);
                }
            });
            return (oldKeyId == null ? "no old password is known" : "removed password " + oldKeyId) + removed;
        });
        return JobResult.done("password " + principal.getCredentialKeyId() + " is current (expires "
                + principal.getCredentialExpiresAt() + "); the old password " + oldKeyId + " is removed");
    }

    private JobResult finishAdopted(JobContext context, ServicePrincipal principal) throws Exception {
        Instant oldExpiry = principal.getPreviousExpiresAt();
        String old = "the old password (" + (principal.getPreviousFingerprint() == null ? "fingerprint unknown"
                : principal.getPreviousFingerprint()) + (oldExpiry == null ? "" : ", expires " + oldExpiry) + ")";
        String owner = "PullBridge does not manage the passwords of an adopted principal: its owner must remove "
                + old + " from the application in Entra ID";
        context.step("finish-rotation", () -> {
            records.update(context, principal.getId(), ServicePrincipal::finishRotation);
            return owner;
        });
        return JobResult.done("the new password is current and every user holds it; " + owner);
    }

    /** Due once {@code auto-rotate-at} of the password's lifetime has passed. */
    boolean autoRotationDue(ServicePrincipal principal, Instant now) {
        return autoRotationDue(principal.getCredentialCreatedAt(), principal.getCredentialExpiresAt(), now,
                properties.autoRotateAt());
    }

    static boolean autoRotationDue(Instant createdAt, Instant expiresAt, Instant now, double fraction) {
        if (createdAt == null || expiresAt == null || !expiresAt.isAfter(createdAt)) {
            return false;
        }
        return !now.isBefore(rotationTime(createdAt, expiresAt, fraction));
    }

    static Instant rotationTime(Instant createdAt, Instant expiresAt, double fraction) {
        long lifetimeMillis = Duration.between(createdAt, expiresAt).toMillis();
        return createdAt.plusMillis((long) (lifetimeMillis * fraction));
    }

    static Reference reference(UUID principalId) {
        return new Reference(ResourceKinds.SERVICE_PRINCIPAL, principalId);
    }

    /** Publishes {@link CredentialRotated} once the current transaction has committed the new password. */
    static void publishAfterCommit(ApplicationEventPublisher events, UUID principalId, String fingerprint) {
        CredentialRotated rotated = new CredentialRotated(reference(principalId), fingerprint);
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                events.publishEvent(rotated);
            }
        });
    }
}
