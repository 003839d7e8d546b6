package io.pullbridge.bindings.connected;

import io.pullbridge.audit.AuditLog;
import io.pullbridge.bindings.BindingRecords;
import io.pullbridge.bindings.BindingSnapshot;
import io.pullbridge.bindings.ConnectedRegistryStatus;
import io.pullbridge.common.PullCredential;
import io.pullbridge.common.Reference;
import io.pullbridge.common.ResourceKinds;
import io.pullbridge.crypto.SecretCipher;
import io.pullbridge.jobs.JobContext;
import io.pullbridge.registries.RegistryTokenStore;
import io.pullbridge.registries.RegistryTokenStore.GeneratedPassword;
import io.pullbridge.registries.RegistryTokenStore.PasswordSlot;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Component;

import static io.pullbridge.bindings.ConnectedRegistries.slotName;

/**
 * The connected registry client token's password, which the pull secrets hold: stored encrypted on the binding row
 * (reconciliation rewrites the secrets from it), generated again when Azure no longer has it.
 */
@Component
class ConnectedRegistryClientPassword {

    private final RegistryTokenStore tokens;
    private final SecretCipher cipher;
    private final BindingRecords bindings;
    private final ConnectedRegistryRecords records;
    private final AuditLog audit;
    private final Clock clock;

    ConnectedRegistryClientPassword(RegistryTokenStore tokens, SecretCipher cipher, BindingRecords bindings,
                                    ConnectedRegistryRecords records, AuditLog audit, Clock clock) {
        this.tokens = tokens;
        this.cipher = cipher;
        this.bindings = bindings;
        this.records = records;
        this.audit = audit;
        this.clock = clock;
    }

    /** A password in hand and what the job record says about it. */
    record Held(PullCredential credential, String detail) {
    }

    /**
     * The client token's password, in memory: the stored one, or a new one in the token's current slot when none is
     * stored or Azure no longer has it (the token was deleted or re-created: drift).
     *
     * @param drift where to say that Azure had lost it, or null when that is not drift (a first pass)
     */
    PullCredential current(JobContext job, ConnectedRegistryTarget target, boolean checkAzure, List<String> drift)
            throws Exception {
        return job.step("client-password", () -> {
            BindingSnapshot row = records.snapshot(target.binding().id());
            ConnectedRegistryStatus status = ConnectedRegistryRecords.status(row);
            PasswordSlot slot = status.credentials().clientSlot() == null ? PasswordSlot.PASSWORD1
                    : status.credentials().clientSlot();
            boolean stored = row.clientTokenPassword() != null && status.credentials().clientSlot() != null;
            if (stored && checkAzure) {
                Set<PasswordSlot> slots = tokens.readPasswordSlots(target.registryId(), target.clientToken())
                        .orElse(Set.of());
                if (!slots.contains(slot)) {
                    stored = false;
                    if (drift != null) {
                        drift.add("client token " + target.clientToken() + " had lost its " + slotName(slot)
                                + " (deleted or re-created outside PullBridge); generated a new one");
                    }
                }
            }
            if (stored) {
                return new Held(stored(job, target, row, status), slotName(slot) + " is stored ("
                        + status.credentials().clientFingerprint() + ")");
            }
            GeneratedPassword generated = tokens.generatePassword(target.registryId(), target.clientToken(), slot,
                    null);
            String fingerprint = store(job, target, generated, null);
            return new Held(credential(target, generated.value(), fingerprint), slotName(slot) + " generated ("
                    + fingerprint + ")");
        }, Held::detail).credential();
    }

    /** The stored password, decrypted. */
    PullCredential stored(JobContext job, ConnectedRegistryTarget target, BindingSnapshot row,
                          ConnectedRegistryStatus status) {
        String password = cipher.decrypt(row.clientTokenPassword(), BindingSnapshot.clientTokenContext(row.id()));
        job.protect(password);
        return credential(target, password, status.credentials().clientFingerprint());
    }

    /** Stores a new client token password, encrypted, as current; {@code retiring} is the previous slot, if any. */
    String store(JobContext job, ConnectedRegistryTarget target, GeneratedPassword generated, PasswordSlot retiring) {
        job.protect(generated.value());
        String fingerprint = cipher.fingerprint(generated.value());
        Instant now = clock.instant();
        bindings.update(job, target.binding().id(), row -> {
            row.setClientTokenPassword(cipher.encrypt(generated.value(), row.clientTokenContext()));
            ConnectedRegistryStatus current = ConnectedRegistryRecords.status(row.getConnectedRegistryStatus());
            row.setConnectedRegistryStatus(current.with(current.credentials().client(generated.slot(), retiring,
                    fingerprint, now)));
            audit.recordBy(job.requestedBy(), "binding.client-password-generated", ResourceKinds.BINDING,
                    row.getId(), AuditLog.SUCCESS, "client token " + target.clientToken() + ": "
                            + slotName(generated.slot()) + " generated (" + fingerprint + ")"
                            + (retiring == null ? "" : "; " + slotName(retiring) + " keeps working until every pull "
                            + "secret holds the new password"));
        });
        return fingerprint;
    }

    PullCredential credential(ConnectedRegistryTarget target, String password, String fingerprint) {
        return new PullCredential(new Reference(ResourceKinds.BINDING, target.binding().id()), target.clientToken(),
                password, fingerprint, null);
    }
}
