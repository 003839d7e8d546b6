package io.pullbridge.registries;

import io.pullbridge.common.StatusResponse;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A registry token as the API shows it: never its password, only whether one is set. */
public record RegistryTokenResponse(UUID id, UUID registryId, String name, Map<String, List<String>> repositories,
                                    String passwordLifetime, Credential credential, Instant createdAt,
                                    Instant updatedAt, String createdBy, StatusResponse status) {

    @Schema(name = "RegistryTokenCredential", description = "Whether a password is set, when it expires, and a "
            + "keyed fingerprint to tell passwords apart; never the password")
    public record Credential(boolean set, Instant expiresAt, String fingerprint) {
    }

    static RegistryTokenResponse of(RegistryToken token) {
        boolean set = token.getCredential() != null && token.getCredential().isSet();
        return new RegistryTokenResponse(token.getId(), token.getRegistryId(), token.getName(),
                token.getRepositories(), token.getPasswordLifetime(),
                new Credential(set, set ? token.getCredentialExpiresAt() : null,
                        set ? token.getCredentialFingerprint() : null),
                token.getCreatedAt(), token.getUpdatedAt(), token.getCreatedBy(), StatusResponse.of(token.getStatus()));
    }
}
