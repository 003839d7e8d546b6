package io.pullbridge.bindings.connected;

import io.pullbridge.bindings.BindingSnapshot;
import io.pullbridge.bindings.BindingsProperties;
import io.pullbridge.bindings.ConnectedRegistries;
import io.pullbridge.bindings.ConnectedRegistries.ExtensionFacts;
import io.pullbridge.bindings.ConnectedRegistryStatus.Progress;
import io.pullbridge.bindings.PullSecrets;
import io.pullbridge.jobs.JobContext;
import io.pullbridge.jobs.JobFailure;
import io.pullbridge.jobs.JobResult;
import io.pullbridge.registries.RegistryTokenStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.springframework.stereotype.Component;

import static io.pullbridge.bindings.connected.ConnectedRegistryChecks.PROBLEMS;

/**
 * The delete job's clean-up of a connected-registry binding, in reverse order: the pull secrets, the extension
 * (waiting until it is gone), the connected registry (deactivated first), the tokens and the scope maps. Every step
 * finds what is already gone and goes on, so a delete interrupted anywhere can be retried to the end.
 */
@Component
class ConnectedRegistryRemoval {

    private final ConnectedRegistries connected;
    private final RegistryTokenStore tokens;
    private final PullSecrets pullSecrets;
    private final ConnectedRegistryRecords records;
    private final ConnectedRegistryExtension extensions;
    private final BindingsProperties.ConnectedRegistry settings;
    private final Clock clock;

    ConnectedRegistryRemoval(ConnectedRegistries connected, RegistryTokenStore tokens, PullSecrets pullSecrets,
                             ConnectedRegistryRecords records, ConnectedRegistryExtension extensions,
                             BindingsProperties properties, Clock clock) {
        this.connected = connected;
        this.tokens = tokens;
        this.pullSecrets = pullSecrets;
        this.records = records;
        this.extensions = extensions;
        this.settings = properties.connectedRegistry();
        this.clock = clock;
    }

    /** What a deletion step left: a wait, or nothing to wait for, and what the step says. */
    private record Removed(Optional<JobResult.RetryAfter> pause, String detail) {

        static Removed done(String detail) {
            return new Removed(Optional.empty(), detail);
        }
    }

    Optional<JobResult.RetryAfter> run(JobContext job, BindingSnapshot binding) throws Exception {
        ConnectedRegistryTarget target = records.target(binding);
        extensions.protectHeld(job, binding);
        pullSecrets.remove(job, binding);
        Removed extension = job.step("delete-extension", () -> deleteExtension(job, target), Removed::detail);
        if (extension.pause().isPresent()) {
            return extension.pause();
        }
        job.step("deactivate-connected-registry", () -> {
            connected.deactivate(target.registryId(), target.name());
            return "connected registry " + target.name() + " deactivated (or already gone)";
        });
        Removed registry = job.step("delete-connected-registry", () -> {
            connected.delete(target.registryId(), target.name());
            if (connected.read(target.registryId(), target.name()).isPresent()) {
                return new Removed(Optional.of(new JobResult.RetryAfter(settings.pollInterval(),
                        "waiting for connected registry " + target.name() + " to be deleted")),
                        "connected registry " + target.name() + " is being deleted");
            }
            return Removed.done("connected registry " + target.name() + " deleted");
        }, Removed::detail);
        if (registry.pause().isPresent()) {
            return registry.pause();
        }
        job.step("delete-tokens", () -> {
            tokens.deleteToken(target.registryId(), target.clientToken());
            tokens.deleteToken(target.registryId(), target.syncToken());
            return "tokens " + target.clientToken() + " and " + target.syncToken() + " deleted";
        });
        job.step("delete-scope-maps", () -> {
            tokens.deleteScopeMap(target.registryId(), target.clientScopeMap());
            tokens.deleteScopeMap(target.registryId(), target.syncScopeMap());
            return "scope maps " + target.clientScopeMap() + " and " + target.syncScopeMap() + " deleted";
        });
        return Optional.empty();
    }

    private Removed deleteExtension(JobContext job, ConnectedRegistryTarget target) {
        Optional<ExtensionFacts> found = connected.readExtension(target.clusterResourceId(), target.extension());
        if (found.isEmpty()) {
            return Removed.done("extension " + target.extension() + " is gone");
        }
        Instant now = clock.instant();
        Instant began = records.status(target.binding().id()).progress().deleteStartedAt();
        if (began == null) {
            records.record(job, target.binding().id(), current -> current.with(new Progress(
                    current.progress().deployStartedAt(), current.progress().deployJobId(), now)));
            began = now;
        }
        if (!found.get().deleting()) {
            connected.deleteExtension(target.clusterResourceId(), target.extension());
        }
        if (!now.isBefore(began.plus(settings.extensionTimeout()))) {
            throw JobFailure.permanent(PROBLEMS + "extension-timeout",
                    "The Arc extension was not deleted in time", 504, "Extension " + target.extension() + " on "
                            + target.cluster().name() + " is still " + found.get().provisioningState()
                            + " after " + settings.extensionTimeout() + "; see az k8s-extension show, then retry "
                            + "the job");
        }
        return new Removed(Optional.of(new JobResult.RetryAfter(settings.pollInterval(), "waiting for extension "
                + target.extension() + " to be deleted from " + target.cluster().name())),
                "extension " + target.extension() + " is being deleted");
    }
}
