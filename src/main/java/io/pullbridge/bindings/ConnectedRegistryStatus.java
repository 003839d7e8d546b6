package io.pullbridge.bindings;

import io.pullbridge.registries.RegistryTokenStore.PasswordSlot;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What a connected-registry binding's jobs last saw and keep between runs. Stored as JSON on the binding row; never
 * holds a password (the client token's is encrypted in its own columns, the sync token's is never stored).
 *
 * @param observed    the extension and the connected registry as Azure last reported them; null before the first pass
 * @param credentials which password slot of each token is current, and the one a rotation still has to retire
 * @param progress    when the extension's deployment or deletion began, and by which job (their waits are bounded)
 */
public record ConnectedRegistryStatus(Observed observed, Credentials credentials, Progress progress) {

    public static ConnectedRegistryStatus empty() {
        return new ConnectedRegistryStatus(null, Credentials.NONE, Progress.NONE);
    }

    public ConnectedRegistryStatus {
        credentials = credentials == null ? Credentials.NONE : credentials;
        progress = progress == null ? Progress.NONE : progress;
    }

    public ConnectedRegistryStatus with(Observed value) {
        return new ConnectedRegistryStatus(value, credentials, progress);
    }

    public ConnectedRegistryStatus with(Credentials value) {
        return new ConnectedRegistryStatus(observed, value, progress);
    }

    public ConnectedRegistryStatus with(Progress value) {
        return new ConnectedRegistryStatus(observed, credentials, value);
    }

    /**
     * @param extensionName              the Arc extension's name on the connected cluster
     * @param extensionProvisioningState {@code Creating}, {@code Updating}, {@code Succeeded}, {@code Failed},
     *                                   {@code Deleting}; null when the extension does not exist
     * @param extensionError             Azure's error for a failed extension
     * @param connectionState            {@code Online}, {@code Offline}, {@code Syncing} or {@code Unhealthy}
     * @param activationStatus           {@code Active} once the in-cluster instance connected with the sync token
     * @param statusDetails              the connected registry's own status lines ({@code code: description})
     */
    public record Observed(String extensionName, String extensionProvisioningState, String extensionVersion,
                    String extensionError, String provisioningState, String connectionState, String activationStatus,
                    String version, Instant lastSyncTime, Instant lastActivityTime, String syncSchedule,
                    String syncWindow, String loginServerHost, List<String> statusDetails, Instant observedAt) {

        public Observed {
            statusDetails = statusDetails == null ? List.of() : List.copyOf(statusDetails);
        }

        public boolean online() {
            return "Online".equalsIgnoreCase(connectionState);
        }
    }

    /**
     * @param syncSlot          the sync token's slot whose password the extension holds; null before the first deploy
     * @param syncRetiring      during a sync token rotation, the slot of the previous password (still valid)
     * @param clientSlot        the client token's slot whose password the pull secrets hold
     * @param clientRetiring    during a client token rotation, the slot of the previous password (still valid)
     * @param clientFingerprint the keyed fingerprint of the client token's current password
     */
    public record Credentials(PasswordSlot syncSlot, PasswordSlot syncRetiring, PasswordSlot clientSlot,
                       PasswordSlot clientRetiring, String clientFingerprint, Instant clientPasswordCreatedAt,
                       Instant syncPasswordCreatedAt) {

        public static final Credentials NONE = new Credentials(null, null, null, null, null, null, null);

        public Credentials sync(PasswordSlot slot, PasswordSlot retiring, Instant createdAt) {
            return new Credentials(slot, retiring, clientSlot, clientRetiring, clientFingerprint,
                    clientPasswordCreatedAt, createdAt == null ? syncPasswordCreatedAt : createdAt);
        }

        public Credentials client(PasswordSlot slot, PasswordSlot retiring, String fingerprint, Instant createdAt) {
            return new Credentials(syncSlot, syncRetiring, slot, retiring, fingerprint,
                    createdAt == null ? clientPasswordCreatedAt : createdAt, syncPasswordCreatedAt);
        }
    }

    /**
     * @param deployStartedAt when the last put of the extension was sent (its provisioning wait is bounded from there)
     * @param deployJobId     the job that sent it: that job reports the extension's failure, a later one retries it
     * @param deleteStartedAt when the delete job asked Azure to delete the extension
     */
    public record Progress(Instant deployStartedAt, UUID deployJobId, Instant deleteStartedAt) {

        public static final Progress NONE = new Progress(null, null, null);
    }
}
