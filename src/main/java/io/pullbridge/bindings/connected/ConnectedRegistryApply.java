package io.pullbridge.bindings.connected;

import io.pullbridge.bindings.BindingSnapshot;
import io.pullbridge.bindings.ConnectedRegistries;
import io.pullbridge.bindings.ConnectedRegistries.ExtensionFacts;
import io.pullbridge.bindings.ConnectedRegistryStatus;
import io.pullbridge.bindings.ConnectedRegistryStatus.Observed;
import io.pullbridge.bindings.ConnectedRegistryStatus.Progress;
import io.pullbridge.bindings.PullSecrets;
import io.pullbridge.bindings.BindingsProperties;
import io.pullbridge.common.PullCredential;
import io.pullbridge.jobs.JobContext;
import io.pullbridge.jobs.JobFailure;
import io.pullbridge.jobs.JobResult;
import io.pullbridge.registries.RegistryTokenStore;
import io.pullbridge.registries.RegistryTokenStore.PasswordSlot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;

import static io.pullbridge.bindings.ConnectedRegistries.CLIENT_ACTIONS;
import static io.pullbridge.bindings.ConnectedRegistries.slotName;

/**
 * {@code binding.apply} and {@code binding.reconcile} of a connected-registry binding: checks first, then the tokens,
 * the connected registry, the extension (waiting for it to install), the pull secrets; records what it found.
 * Level-triggered: a reconcile pass repairs a deleted extension, token or password.
 */
@Component
class ConnectedRegistryApply {

    private final ConnectedRegistries connected;
    private final RegistryTokenStore tokens;
    private final PullSecrets pullSecrets;
    private final ConnectedRegistryRecords records;
    private final ConnectedRegistryChecks checks;
    private final ConnectedRegistryExtension extensions;
    private final ConnectedRegistryClientPassword clientPassword;
    private final ConnectedRegistryObservation observation;
    private final BindingsProperties.ConnectedRegistry settings;

    ConnectedRegistryApply(ConnectedRegistries connected, RegistryTokenStore tokens, PullSecrets pullSecrets,
                           ConnectedRegistryRecords records, ConnectedRegistryChecks checks,
                           ConnectedRegistryExtension extensions, ConnectedRegistryClientPassword clientPassword,
                           ConnectedRegistryObservation observation, BindingsProperties properties) {
        this.connected = connected;
        this.tokens = tokens;
        this.pullSecrets = pullSecrets;
        this.records = records;
        this.checks = checks;
        this.extensions = extensions;
        this.clientPassword = clientPassword;
        this.observation = observation;
        this.settings = properties.connectedRegistry();
    }

    /** Where the extension stands after the pass's extension step: a wait, or the extension as Azure reports it. */
    private record ExtensionStep(JobResult pause, ExtensionFacts facts, String detail) {
    }

    JobResult run(JobContext job, BindingSnapshot binding) throws Exception {
        ConnectedRegistryTarget target = records.target(binding);
        ConnectedRegistryStatus start = ConnectedRegistryRecords.status(binding);
        boolean resuming = job.jobId().equals(start.progress().deployJobId());
        boolean firstPass = binding.reconciledAt() == null;
        List<String> drift = new ArrayList<>();
        extensions.protectHeld(job, binding);

        boolean syncPasswordLost = !resuming && putTokensAndConnectedRegistry(job, target, start, drift);

        ExtensionStep extension = job.step(resuming ? "await-extension" : "deploy-extension",
                () -> extension(job, target, firstPass, syncPasswordLost, drift), ExtensionStep::detail);
        if (extension.pause() != null) {
            if (!resuming) {
                records.recordDrift(job, target.binding().id(), drift);
            }
            return extension.pause();
        }
        if (resuming) {
            // What this job repaired before it waited for the extension.
            drift.addAll(0, records.drift(target.binding().id()));
        }
        PullCredential client = clientPassword.current(job, target, !resuming, firstPass ? null : drift);

        PullSecrets.Pass pass = pullSecrets.apply(job, target.binding(),
                new PullSecrets.Desired(target.spec().clusterIP(), client), firstPass);
        drift.addAll(pass.drift());
        Observed observed = observation.finish(job, target, extension.facts(), pass.status(), drift);
        return JobResult.done((drift.isEmpty() ? "" : "Repaired drift (" + drift.size() + "). ")
                + "Connected registry " + target.name() + " is " + observed.connectionState() + ", extension "
                + observed.extensionProvisioningState() + "; " + pass.status().ready() + " of "
                + pass.status().targeted() + " namespaces hold the pull secret for " + target.spec().clusterIP());
    }

    /**
     * The checks, the scope maps and tokens, and the connected registry.
     *
     * @return whether the sync token had lost the password the extension holds
     */
    private boolean putTokensAndConnectedRegistry(JobContext job, ConnectedRegistryTarget target,
                                                  ConnectedRegistryStatus start, List<String> drift)
            throws Exception {
        checks.check(job, target);
        job.step("put-sync-scope-map", () -> {
            connected.putSyncScopeMap(target.registryId(), target.name(), target.spec().mode(),
                    target.spec().repositories());
            return "scope map " + target.syncScopeMap() + ": " + ConnectedRegistries.syncScopeMapActions(
                    target.name(), target.spec().mode(), target.spec().repositories()).size() + " actions";
        });
        boolean syncPasswordLost = job.step("put-sync-token", () -> {
            tokens.putToken(target.registryId(), target.syncToken(), target.syncScopeMap());
            PasswordSlot slot = start.credentials().syncSlot();
            Set<PasswordSlot> slots = tokens.readPasswordSlots(target.registryId(), target.syncToken())
                    .orElse(Set.of());
            if (slot != null && !slots.contains(slot)) {
                drift.add("sync token " + target.syncToken() + " had lost its " + slotName(slot)
                        + " (deleted or re-created outside PullBridge); the extension gets a new password");
                return true;
            }
            return false;
        }, lost -> "token " + target.syncToken() + " enabled, bound to scope map " + target.syncScopeMap());
        job.step("put-client-scope-map", () -> {
            tokens.putScopeMap(target.registryId(), target.clientScopeMap(), clientRepositories(target));
            return "scope map " + target.clientScopeMap() + ": " + String.join(", ", CLIENT_ACTIONS)
                    + " on " + target.spec().repositories().size() + " repositor"
                    + (target.spec().repositories().size() == 1 ? "y" : "ies");
        });
        job.step("put-client-token", () -> {
            tokens.putToken(target.registryId(), target.clientToken(), target.clientScopeMap());
            return "token " + target.clientToken() + " enabled, bound to scope map " + target.clientScopeMap();
        });
        job.step("put-connected-registry", () -> {
            boolean existed = connected.read(target.registryId(), target.name()).isPresent();
            ConnectedRegistries.ConnectedRegistrySettings wanted = connectedRegistrySettings(target);
            connected.put(target.registryId(), wanted);
            if (!existed && start.observed() != null && start.observed().provisioningState() != null) {
                drift.add("connected registry " + target.name() + " was missing; created again");
            }
            return "connected registry " + target.name() + " (" + target.spec().mode() + ", "
                    + String.join(", ", target.spec().repositories()) + ", schedule '" + wanted.syncSchedule() + "'"
                    + (target.spec().syncWindow() == null ? "" : ", window " + target.spec().syncWindow())
                    + ") with client token " + target.clientToken();
        });
        return syncPasswordLost;
    }

    /** Deploys the extension when it is missing, failed or needs a new sync password; otherwise reads where it is. */
    private ExtensionStep extension(JobContext job, ConnectedRegistryTarget target, boolean firstPass,
                                    boolean syncPasswordLost, List<String> drift) {
        ConnectedRegistryStatus now = records.status(target.binding().id());
        Optional<ExtensionFacts> found = connected.readExtension(target.clusterResourceId(), target.extension());
        if (found.isEmpty()) {
            if (!firstPass && now.observed() != null && now.observed().extensionProvisioningState() != null) {
                drift.add("extension " + target.extension() + " was missing; deployed again with a new sync "
                        + "token password");
            }
            extensions.deploy(job, target);
            return new ExtensionStep(extensions.pollAgain("waiting for extension " + target.extension()
                    + " to install on " + target.cluster().name()), null, "extension " + target.extension()
                    + " deployed; waiting for it to install");
        }
        ExtensionFacts facts = found.get();
        if (facts.failed()) {
            if (job.jobId().equals(now.progress().deployJobId())) {
                // Forgotten, so that this job retried (or the next pass) deploys the extension again.
                records.record(job, target.binding().id(), status -> status.with(records.observed(job.mask(),
                        target, facts, null, status.observed())).with(Progress.NONE));
                extensions.release(job, target.binding().id());
                throw JobFailure.permanent(facts.problem().orElseThrow(), null);
            }
            extensions.deploy(job, target);
            return new ExtensionStep(extensions.pollAgain("waiting for extension " + target.extension()
                    + " to install again (it had " + facts.provisioningState() + ")"), facts, "extension "
                    + target.extension() + " had " + facts.provisioningState() + "; deployed again");
        }
        if (syncPasswordLost && facts.succeeded()) {
            extensions.deploy(job, target);
            return new ExtensionStep(extensions.pollAgain("waiting for extension " + target.extension()
                    + " to take the new sync token password"), facts, "extension " + target.extension()
                    + " given a new sync token password");
        }
        if (!facts.succeeded()) {
            return new ExtensionStep(extensions.waitFor(job, target, facts, now), facts, "extension "
                    + target.extension() + " is " + facts.provisioningState());
        }
        extensions.release(job, target.binding().id());
        return new ExtensionStep(null, facts, "extension " + target.extension() + " " + facts.provisioningState()
                + ", version " + facts.version());
    }

    private Map<String, List<String>> clientRepositories(ConnectedRegistryTarget target) {
        Map<String, List<String>> repositories = new LinkedHashMap<>();
        target.spec().repositories().forEach(repository -> repositories.put(repository.toLowerCase(Locale.ROOT),
                CLIENT_ACTIONS));
        return repositories;
    }

    private ConnectedRegistries.ConnectedRegistrySettings connectedRegistrySettings(ConnectedRegistryTarget target) {
        return new ConnectedRegistries.ConnectedRegistrySettings(target.name(), target.spec().mode(),
                target.tokenId(target.syncToken()), target.spec().syncSchedule(),
                target.spec().syncWindow() == null ? null : Duration.parse(target.spec().syncWindow()), null,
                settings.level(), List.of(target.tokenId(target.clientToken())), List.of());
    }
}
