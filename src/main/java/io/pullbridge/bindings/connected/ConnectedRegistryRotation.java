package io.pullbridge.bindings.connected;

import io.pullbridge.bindings.BindingRecords;
import io.pullbridge.bindings.BindingSnapshot;
import io.pullbridge.bindings.BindingsProperties;
import io.pullbridge.bindings.ConnectedRegistries;
import io.pullbridge.bindings.ConnectedRegistries.ExtensionFacts;
import io.pullbridge.bindings.ConnectedRegistryStatus;
import io.pullbridge.bindings.ConnectedRegistryStatus.Progress;
import io.pullbridge.bindings.PullSecrets;
import io.pullbridge.common.PullCredential;
import io.pullbridge.jobs.JobContext;
import io.pullbridge.jobs.JobFailure;
import io.pullbridge.jobs.JobProblem;
import io.pullbridge.jobs.JobResult;
import io.pullbridge.registries.RegistryTokenStore;
import io.pullbridge.registries.RegistryTokenStore.GeneratedPassword;
import io.pullbridge.registries.RegistryTokenStore.PasswordSlot;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

import static io.pullbridge.bindings.ConnectedRegistries.other;
import static io.pullbridge.bindings.ConnectedRegistries.slotName;
import static io.pullbridge.bindings.connected.ConnectedRegistryChecks.PROBLEMS;

/**
 * {@code binding.rotate} of a connected-registry binding: the sync token's password (a new one in the other slot,
 * given to the extension, then the previous one retired once the extension took it), then the client token's (a new
 * one in the other slot, written to every pull secret, then the previous one retired). ACR has no call that removes
 * one password of a token, so retiring generates the slot again and discards the value unread. A rotation that
 * stopped part way resumes without generating again what it already made.
 */
@Component
class ConnectedRegistryRotation {

    private final ConnectedRegistries connected;
    private final RegistryTokenStore tokens;
    private final PullSecrets pullSecrets;
    private final BindingRecords bindings;
    private final ConnectedRegistryRecords records;
    private final ConnectedRegistryExtension extensions;
    private final ConnectedRegistryClientPassword clientPassword;
    private final ConnectedRegistryObservation observation;
    private final BindingsProperties.ConnectedRegistry settings;
    private final Clock clock;

    ConnectedRegistryRotation(ConnectedRegistries connected, RegistryTokenStore tokens, PullSecrets pullSecrets,
                              BindingRecords bindings, ConnectedRegistryRecords records,
                              ConnectedRegistryExtension extensions, ConnectedRegistryClientPassword clientPassword,
                              ConnectedRegistryObservation observation, BindingsProperties properties, Clock clock) {
        this.connected = connected;
        this.tokens = tokens;
        this.pullSecrets = pullSecrets;
        this.bindings = bindings;
        this.records = records;
        this.extensions = extensions;
        this.clientPassword = clientPassword;
        this.observation = observation;
        this.settings = properties.connectedRegistry();
        this.clock = clock;
    }

    /** The extension after the await step: a wait, or none when it took the new password. */
    private record Awaited(JobResult pause, String detail) {
    }

    /** The client password the pull secrets are to hold, and what the step says about it. */
    private record ClientRotation(PullCredential credential, String detail) {
    }

    JobResult run(JobContext job, BindingSnapshot binding) throws Exception {
        ConnectedRegistryTarget target = records.target(binding);
        ConnectedRegistryStatus start = ConnectedRegistryRecords.status(binding);
        extensions.protectHeld(job, binding);
        if (start.credentials().syncSlot() == null || start.credentials().clientSlot() == null
                || binding.clientTokenPassword() == null) {
            throw JobFailure.permanent(PROBLEMS + "not-deployed", "Nothing to rotate yet", 409,
                    "The binding's connected registry has not been deployed yet (no sync or client token password); "
                            + "let its apply job finish, then rotate");
        }
        if (start.credentials().syncRetiring() == null) {
            PasswordSlot from = start.credentials().syncSlot();
            PasswordSlot to = other(from);
            job.step("rotate-sync-password", () -> {
                extensions.deployWithNewPassword(job, target, to, from);
                return "sync token " + target.syncToken() + ": " + slotName(to) + " generated and given to extension "
                        + target.extension() + "; " + slotName(from) + " keeps working until the extension took it";
            });
            return extensions.pollAgain("waiting for extension " + target.extension()
                    + " to take the new sync token password");
        }
        Awaited awaited = job.step("await-extension", () -> awaitExtension(job, target), Awaited::detail);
        if (awaited.pause() != null) {
            return awaited.pause();
        }
        job.step("retire-sync-password", () -> {
            PasswordSlot retiring = records.status(target.binding().id()).credentials().syncRetiring();
            if (retiring == null) {
                return "nothing to retire";
            }
            retire(target.registryId(), target.syncToken(), retiring);
            records.record(job, target.binding().id(), status -> status.with(status.credentials()
                    .sync(status.credentials().syncSlot(), null, null)));
            records.audit(job, "binding.sync-password-retired", target.binding().id(), "sync token "
                    + target.syncToken() + ": " + slotName(retiring) + " generated again and discarded: the previous "
                    + "password no longer works");
            return slotName(retiring) + " generated again and discarded: the previous password no longer works";
        });

        PullCredential client = job.step("rotate-client-password", () -> rotateClient(job, target),
                ClientRotation::detail).credential();
        PullSecrets.Pass pass = pullSecrets.apply(job, target.binding(),
                new PullSecrets.Desired(target.spec().clusterIP(), client), false);
        if (pass.status().failed() > 0) {
            bindings.update(job, target.binding().id(), row -> row.setPullSecretStatus(pass.status()));
            throw JobFailure.permanent("credential-users-not-switched",
                    "Pull secrets still hold the previous password", 409, pass.status().failed()
                            + " namespaces could not be given the new client token password: "
                            + pass.status().issues().stream().filter(i -> i.state().equals("failed")).limit(3)
                            .map(i -> i.namespace() + ": " + i.reason()).reduce((a, b) -> a + "; " + b).orElse("")
                            + ". The previous password keeps working; rotate again once they can be written (the "
                            + "rotation resumes without generating another password)");
        }
        job.step("retire-client-password", () -> {
            PasswordSlot retiring = records.status(target.binding().id()).credentials().clientRetiring();
            if (retiring == null) {
                return "nothing to retire";
            }
            retire(target.registryId(), target.clientToken(), retiring);
            records.record(job, target.binding().id(), status -> status.with(status.credentials().client(
                    status.credentials().clientSlot(), null, status.credentials().clientFingerprint(), null)));
            records.audit(job, "binding.client-password-retired", target.binding().id(), "client token "
                    + target.clientToken() + ": " + slotName(retiring) + " generated again and discarded: the "
                    + "previous password no longer works");
            return slotName(retiring) + " generated again and discarded: the previous password no longer works";
        });
        Optional<ExtensionFacts> extension = connected.readExtension(target.clusterResourceId(), target.extension());
        observation.finish(job, target, extension.orElse(null), pass.status(), List.of());
        ConnectedRegistryStatus end = records.status(target.binding().id());
        return JobResult.done("Sync token " + target.syncToken() + " now on " + slotName(end.credentials().syncSlot())
                + ", client token " + target.clientToken() + " on " + slotName(end.credentials().clientSlot())
                + " (" + end.credentials().clientFingerprint() + "); the previous passwords no longer work");
    }

    private Awaited awaitExtension(JobContext job, ConnectedRegistryTarget target) {
        ConnectedRegistryStatus now = records.status(target.binding().id());
        Optional<ExtensionFacts> found = connected.readExtension(target.clusterResourceId(), target.extension());
        if (found.isEmpty() || (found.get().failed() && !job.jobId().equals(now.progress().deployJobId()))) {
            extensions.deploy(job, target);
            return new Awaited(extensions.pollAgain("waiting for extension " + target.extension()
                    + " to take the new sync token password"), "extension " + target.extension()
                    + (found.isEmpty() ? " was missing" : " had " + found.get().provisioningState())
                    + "; deployed again with a new " + slotName(now.credentials().syncSlot()));
        }
        ExtensionFacts facts = found.get();
        if (facts.failed()) {
            records.record(job, target.binding().id(), status -> status.with(records.observed(job.mask(), target,
                    facts, null, status.observed())).with(Progress.NONE));
            extensions.release(job, target.binding().id());
            JobProblem problem = facts.problem().orElseThrow();
            throw JobFailure.permanent(ConnectedRegistries.EXTENSION_FAILED, problem.title(), problem.status(),
                    problem.detail() + ". The sync token's previous password ("
                            + slotName(now.credentials().syncRetiring()) + ") still works; rotate again once "
                            + "the extension is fixed");
        }
        if (!facts.succeeded()) {
            return new Awaited(extensions.waitFor(job, target, facts, now), "extension " + target.extension()
                    + " is " + facts.provisioningState());
        }
        extensions.release(job, target.binding().id());
        return new Awaited(null, "extension " + target.extension() + " took the new sync token password");
    }

    private ClientRotation rotateClient(JobContext job, ConnectedRegistryTarget target) {
        BindingSnapshot row = records.snapshot(target.binding().id());
        ConnectedRegistryStatus now = ConnectedRegistryRecords.status(row);
        if (now.credentials().clientRetiring() != null) {
            return new ClientRotation(clientPassword.stored(job, target, row, now),
                    slotName(now.credentials().clientSlot()) + " (" + now.credentials().clientFingerprint()
                            + ") was generated by this rotation already; not generated again");
        }
        PasswordSlot from = now.credentials().clientSlot();
        GeneratedPassword generated = tokens.generatePassword(target.registryId(), target.clientToken(),
                other(from), null);
        String fingerprint = clientPassword.store(job, target, generated, from);
        return new ClientRotation(clientPassword.credential(target, generated.value(), fingerprint),
                "client token " + target.clientToken() + ": " + slotName(generated.slot()) + " generated ("
                        + fingerprint + "); " + slotName(from) + " keeps working until every pull secret holds it");
    }

    /** ACR has no call that removes one password: generate it again, discard it unread, let it expire. */
    private void retire(String registryId, String token, PasswordSlot slot) {
        tokens.generatePassword(registryId, token, slot, clock.instant().plus(settings.retiredPasswordLifetime()));
    }
}
