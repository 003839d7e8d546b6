package io.pullbridge.principals;

import io.pullbridge.common.Condition;
import io.pullbridge.common.Phase;
import io.pullbridge.common.StatusResponse;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** A service principal as the API shows it: never its password, only whether one is set. */
public record ServicePrincipalResponse(UUID id, PrincipalMode mode, String displayName, UUID appId, UUID objectId,
                                       UUID tenantId, String passwordLifetime, Credential credential,
                                       List<Grant> grants,
                                       @Schema(description = "Grants removed from the spec whose role assignment "
                                               + "PullBridge has yet to remove (phase Deleting); empty otherwise")
                                       List<Grant> revokingGrants,
                                       Instant createdAt, Instant updatedAt, String createdBy,
                                       StatusResponse status) {

    @Schema(name = "ServicePrincipalCredential", description = "Whether a password is set, its Graph key id, when "
            + "it became current and when it expires, and a keyed fingerprint to tell passwords apart; never the "
            + "password. During a rotation, previous describes the password being replaced.")
    public record Credential(boolean set,
                             @Schema(description = "The password's keyId in Entra ID; unknown (null) for a password "
                                     + "given with an adopted principal")
                             UUID keyId, Instant createdAt, Instant expiresAt, String fingerprint,
                             PreviousPassword previous) {
    }

    @Schema(name = "ServicePrincipalPreviousPassword", description = "The password a rotation replaces, kept valid "
            + "until every user of the credential holds the new one; PullBridge never stores its secret")
    public record PreviousPassword(UUID keyId, Instant expiresAt, String fingerprint,
                                   @Schema(description = "When the rotation made the new password current")
                                   Instant replacedAt) {
    }

    @Schema(name = "ServicePrincipalGrant")
    public record Grant(UUID id, UUID registryId, AcrRole role, GrantStatus status) {
    }

    @Schema(name = "ServicePrincipalGrantStatus", description = "What was observed of the role assignment")
    public record GrantStatus(Phase phase, String message, String roleAssignmentId,
                              @Schema(description = "true when PullBridge made the assignment (it removes it when the "
                                      + "grant or the principal goes), false when it adopted one that existed; null "
                                      + "until assigned")
                              Boolean createdByPullBridge,
                              Instant observedAt) {
    }

    /** @param credentialExpiring the read-time {@code CredentialExpiring} condition, or null when no password is set */
    static ServicePrincipalResponse of(ServicePrincipal principal, Condition credentialExpiring) {
        boolean set = principal.hasCredential();
        PreviousPassword previous = principal.rotationInProgress() ? new PreviousPassword(principal.getPreviousKeyId(),
                principal.getPreviousExpiresAt(), principal.getPreviousFingerprint(),
                principal.getRotationStartedAt()) : null;
        Credential credential = set
                ? new Credential(true, principal.getCredentialKeyId(), principal.getCredentialCreatedAt(),
                principal.getCredentialExpiresAt(), principal.getCredentialFingerprint(), previous)
                : new Credential(false, null, null, null, null, null);
        StatusResponse status = StatusResponse.of(principal.getStatus());
        if (credentialExpiring != null) {
            List<Condition> conditions = new ArrayList<>(status.conditions());
            conditions.removeIf(condition -> condition.type().equals(credentialExpiring.type()));
            conditions.add(credentialExpiring);
            status = new StatusResponse(status.phase(), List.copyOf(conditions), status.observedAt(),
                    status.message(), status.jobId());
        }
        return new ServicePrincipalResponse(principal.getId(), principal.getMode(), principal.getDisplayName(),
                principal.getAppId(), principal.getObjectId(), principal.getTenantId(), principal.getPasswordLifetime(),
                credential, grants(principal.wantedGrants()), grants(principal.revokingGrants()),
                principal.getCreatedAt(), principal.getUpdatedAt(), principal.getCreatedBy(), status);
    }

    private static List<Grant> grants(List<ServicePrincipalGrant> grants) {
        return grants.stream().map(grant -> new Grant(grant.getId(), grant.getRegistryId(), grant.getRole(),
                new GrantStatus(grant.getPhase(), grant.getStatusMessage(), grant.getRoleAssignmentId(),
                        grant.getCreatedByPullBridge(), grant.getObservedAt()))).toList();
    }
}
