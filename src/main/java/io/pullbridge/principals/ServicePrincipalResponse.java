package io.pullbridge.principals;

import io.pullbridge.common.Phase;
import io.pullbridge.common.StatusResponse;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A service principal as the API shows it: never its password, only whether one is set. */
public record ServicePrincipalResponse(UUID id, PrincipalMode mode, String displayName, UUID appId, UUID objectId,
                                       UUID tenantId, String passwordLifetime, Credential credential,
                                       List<Grant> grants, Instant createdAt, Instant updatedAt, String createdBy,
                                       StatusResponse status) {

    @Schema(name = "ServicePrincipalCredential", description = "Whether a password is set, when it expires, and a "
            + "keyed fingerprint to tell passwords apart; never the password")
    public record Credential(boolean set, Instant expiresAt, String fingerprint) {
    }

    @Schema(name = "ServicePrincipalGrant")
    public record Grant(UUID id, UUID registryId, AcrRole role, GrantStatus status) {
    }

    @Schema(name = "ServicePrincipalGrantStatus", description = "What was observed of the role assignment")
    public record GrantStatus(Phase phase, String message, String roleAssignmentId, Instant observedAt) {
    }

    static ServicePrincipalResponse of(ServicePrincipal principal) {
        boolean set = principal.getCredential() != null && principal.getCredential().isSet();
        return new ServicePrincipalResponse(principal.getId(), principal.getMode(), principal.getDisplayName(),
                principal.getAppId(), principal.getObjectId(), principal.getTenantId(), principal.getPasswordLifetime(),
                new Credential(set, set ? principal.getCredentialExpiresAt() : null,
                        set ? principal.getCredentialFingerprint() : null),
                principal.getGrants().stream().map(grant -> new Grant(grant.getId(), grant.getRegistryId(),
                        grant.getRole(), new GrantStatus(grant.getPhase(), grant.getStatusMessage(),
                        grant.getRoleAssignmentId(), grant.getObservedAt()))).toList(),
                principal.getCreatedAt(), principal.getUpdatedAt(), principal.getCreatedBy(),
                StatusResponse.of(principal.getStatus()));
    }
}
