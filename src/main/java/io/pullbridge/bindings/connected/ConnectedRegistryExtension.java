package io.pullbridge.bindings.connected;

import io.pullbridge.bindings.BindingRecords;
import io.pullbridge.bindings.BindingSnapshot;
import io.pullbridge.bindings.BindingsProperties;
import io.pullbridge.bindings.ConnectedRegistries;
import io.pullbridge.bindings.ConnectedRegistries.ConnectedRegistryFacts;
import io.pullbridge.bindings.ConnectedRegistries.ExtensionFacts;
import io.pullbridge.bindings.ConnectedRegistryStatus;
import io.pullbridge.bindings.ConnectedRegistryStatus.Progress;
import io.pullbridge.crypto.SecretCipher;
import io.pullbridge.jobs.FailureClass;
import io.pullbridge.jobs.JobContext;
import io.pullbridge.jobs.JobFailure;
import io.pullbridge.jobs.JobProblem;
import io.pullbridge.jobs.JobResult;
import io.pullbridge.registries.RegistryTokenStore;
import io.pullbridge.registries.RegistryTokenStore.GeneratedPassword;
import io.pullbridge.registries.RegistryTokenStore.PasswordSlot;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.springframework.stereotype.Component;

import static io.pullbridge.bindings.ConnectedRegistries.slotName;
import static io.pullbridge.bindings.connected.ConnectedRegistryChecks.PROBLEMS;

/**
 * The Arc extension that runs a connected registry: deployed with a connection string that holds a new sync token
 * password, and waited for without blocking a worker, within
 * {@code pullbridge.bindings.connected-registry.extension-timeout}.
 * <p>
 * The password is held encrypted on the binding's row only while the extension is being given it: a job that waits
 * resumes with nothing in memory, yet what Azure then reports (the extension's error, statuses and Helm output) may
 * quote the password, and must be masked for it. Once the extension has it (or failed to install with it) the row
 * drops it, and only the extension's protected settings hold it.
 */
@Component
class ConnectedRegistryExtension {

    private final ConnectedRegistries connected;
    private final RegistryTokenStore tokens;
    private final ConnectedRegistryRecords records;
    private final BindingRecords bindings;
    private final SecretCipher cipher;
    private final BindingsProperties.ConnectedRegistry settings;
    private final Clock clock;

    ConnectedRegistryExtension(ConnectedRegistries connected, RegistryTokenStore tokens,
                               ConnectedRegistryRecords records, BindingRecords bindings, SecretCipher cipher,
                               BindingsProperties properties, Clock clock) {
        this.connected = connected;
        this.tokens = tokens;
        this.records = records;
        this.bindings = bindings;
        this.cipher = cipher;
        this.settings = properties.connectedRegistry();
        this.clock = clock;
    }

    /**
     * Gives the extension a connection string with a new password of the sync token (in its current slot, so the
     * other slot, if a rotation still needs it, keeps working), and records that this job deployed it.
     */
    void deploy(JobContext job, ConnectedRegistryTarget target) {
        ConnectedRegistryStatus status = records.status(target.binding().id());
        PasswordSlot slot = status.credentials().syncSlot() == null ? PasswordSlot.PASSWORD1
                : status.credentials().syncSlot();
        deployWithNewPassword(job, target, slot, status.credentials().syncRetiring());
    }

    /** Gives the extension a new password of the sync token in {@code slot}; {@code retiring} still works. */
    void deployWithNewPassword(JobContext job, ConnectedRegistryTarget target, PasswordSlot slot,
                               PasswordSlot retiring) {
        ConnectedRegistryFacts facts = connected.read(target.registryId(), target.name()).orElseThrow(() ->
                JobFailure.transientFailure(JobProblem.of(PROBLEMS + "not-found", "The connected registry is not "
                        + "there yet", 409, "Connected registry " + target.name() + " is not readable yet",
                        FailureClass.TRANSIENT), settings.pollInterval(), null));
        if (facts.gatewayEndpoint() == null || facts.gatewayEndpoint().isBlank()) {
            throw JobFailure.permanent(PROBLEMS + "data-endpoint-disabled",
                    "The registry's dedicated data endpoint is disabled", 422, "Connected registry " + target.name()
                            + " has no parent gateway endpoint; enable the registry's dedicated data endpoint: az acr "
                            + "update -n " + target.registry().name() + " --data-endpoint-enabled");
        }
        Instant now = clock.instant();
        GeneratedPassword password = tokens.generatePassword(target.registryId(), target.syncToken(), slot, null);
        String connectionString = ConnectedRegistries.connectionString(target.name(), target.syncToken(),
                password.value(), facts.gatewayEndpoint());
        job.protect(password.value(), connectionString);
        bindings.update(job, target.binding().id(), row -> row.setSyncTokenPassword(cipher.encrypt(password.value(),
                row.syncTokenContext())));
        connected.putExtension(target.clusterResourceId(), target.extension(), extensionSettings(target,
                connectionString));
        records.record(job, target.binding().id(), status -> status
                .with(status.credentials().sync(slot, retiring, now))
                .with(new Progress(now, job.jobId(), null)));
        records.audit(job, "binding.extension-deployed", target.binding().id(), "extension " + target.extension()
                + " on " + target.cluster().name() + " given a connection string with a new " + slotName(slot)
                + " of sync token " + target.syncToken());
    }

    /**
     * Tells the job about the sync token password the binding's extension is being given, when the row holds one: a
     * job that resumes after waiting for the extension, or any pass that reads the extension meanwhile.
     */
    void protectHeld(JobContext job, BindingSnapshot binding) {
        if (binding.syncTokenPassword() != null) {
            job.protect(cipher.decrypt(binding.syncTokenPassword(), BindingSnapshot.syncTokenContext(binding.id())));
        }
    }

    /** Drops the held sync token password: the extension took it, or failed with it (the job keeps it masked). */
    void release(JobContext job, UUID bindingId) {
        if (records.snapshot(bindingId).syncTokenPassword() != null) {
            bindings.update(job, bindingId, row -> row.setSyncTokenPassword(null));
        }
    }

    /** A wait for the extension's operation, or a failure once it has taken longer than the timeout. */
    JobResult waitFor(JobContext job, ConnectedRegistryTarget target, ExtensionFacts facts,
                      ConnectedRegistryStatus status) {
        Instant now = clock.instant();
        Instant began = status.progress().deployStartedAt();
        if (began == null || !job.jobId().equals(status.progress().deployJobId())) {
            // An operation this job did not start (an upgrade, another job's deploy): this job's wait begins now.
            records.record(job, target.binding().id(), current -> current.with(new Progress(now, job.jobId(),
                    current.progress().deleteStartedAt())));
            began = now;
        }
        records.record(job, target.binding().id(), current -> current.with(records.observed(job.mask(), target,
                facts, null, current.observed())));
        if (!now.isBefore(began.plus(settings.extensionTimeout()))) {
            throw JobFailure.permanent(PROBLEMS + "extension-timeout",
                    "The Arc extension did not finish in time", 504, "Extension " + target.extension() + " on "
                            + target.cluster().name() + " is still " + facts.provisioningState() + " after "
                            + settings.extensionTimeout() + " (pullbridge.bindings.connected-registry."
                            + "extension-timeout); see az k8s-extension show, then retry the job");
        }
        return pollAgain("waiting for extension " + target.extension() + " (" + facts.provisioningState() + ") on "
                + target.cluster().name());
    }

    /** A wait of the poll interval. */
    JobResult.RetryAfter pollAgain(String why) {
        return new JobResult.RetryAfter(settings.pollInterval(), why);
    }

    private ConnectedRegistries.ExtensionSettings extensionSettings(ConnectedRegistryTarget target,
                                                                    String connectionString) {
        return new ConnectedRegistries.ExtensionSettings(target.spec().clusterIP(),
                blankToNull(settings.storageClassName()), blankToNull(settings.storageRequest()), null, null,
                settings.autoUpgradeMinorVersion(), blankToNull(settings.releaseTrain()), connectionString);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
