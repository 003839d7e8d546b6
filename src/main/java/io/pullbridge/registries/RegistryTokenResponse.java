package io.pullbridge.registries;

import io.pullbridge.common.Condition;
import io.pullbridge.common.StatusResponse;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A registry token as the API shows it: never its password, only whether one is set. */
public record RegistryTokenResponse(UUID id, UUID registryId, String name, Map<String, List<String>> repositories,
                                    String passwordLifetime, Credential credential, Instant createdAt,
                                    Instant updatedAt, String createdBy, StatusResponse status) {

    /**
     * @param slot         the token's password slot in ACR that holds the current password
     * @param retiringSlot while a rotation waits for every user to hold the new password, the slot of the previous
     *                     one, which still works until then; null otherwise
     */
    @Schema(name = "RegistryTokenCredential", description = "Whether a password is set, in which of the token's two "
            + "ACR slots, when it was generated and expires, and a keyed fingerprint to tell passwords apart; never "
            + "the password")
    public record Credential(boolean set,
                             @Schema(allowableValues = {"password1", "password2"}) String slot,
                             Instant createdAt, Instant expiresAt, String fingerprint,
                             @Schema(allowableValues = {"password1", "password2"}, description = "While a rotation "
                                     + "waits for every user of the token to hold the new password: the slot of the "
                                     + "previous password, which keeps working until then")
                             String retiringSlot) {
    }

    /** @param observed conditions computed when read (such as {@code CredentialExpiring}), after the stored ones */
    static RegistryTokenResponse of(RegistryToken token, List<Condition> observed) {
        boolean set = token.hasCredential();
        StatusResponse stored = StatusResponse.of(token.getStatus());
        List<Condition> conditions = new ArrayList<>(stored.conditions());
        for (Condition condition : observed) {
            conditions.removeIf(existing -> existing.type().equals(condition.type()));
            conditions.add(condition);
        }
        StatusResponse status = new StatusResponse(stored.phase(), List.copyOf(conditions), stored.observedAt(),
                stored.message(), stored.jobId());
        Credential credential = set
                ? new Credential(true, slot(token.getCredentialSlot()), token.getCredentialCreatedAt(),
                token.getCredentialExpiresAt(), token.getCredentialFingerprint(), slot(token.getRetiringSlot()))
                : new Credential(false, null, null, null, null, null);
        return new RegistryTokenResponse(token.getId(), token.getRegistryId(), token.getName(),
                token.getRepositories(), token.getPasswordLifetime(), credential, token.getCreatedAt(),
                token.getUpdatedAt(), token.getCreatedBy(), status);
    }

    private static String slot(RegistryTokenStore.PasswordSlot slot) {
        return slot == null ? null : RegistryToken.slotName(slot);
    }
}
