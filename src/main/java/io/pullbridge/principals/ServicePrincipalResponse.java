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
            + "password. During a rotation, previous describes the password being replaced; pending, a new password "
            + "given to :rotate for an adopted principal that PullBridge has yet to prove.")
    public record Credential(boolean set,
                             @Schema(description = "The password's keyId in Entra ID; unknown (null) for a password "
                                     + "given with an adopted principal")
                             UUID keyId, Instant createdAt, Instant expiresAt, String fingerprint,
                             @Schema(description = "When Entra ID last accepted this password in a sign-in by "
                                     + "PullBridge: an adopted principal's password is proven so before any grant or "
                                     + "binding uses it; null until then, and for passwords PullBridge created")
                             Instant verifiedAt,
                             PreviousPassword previous,
                             PendingPassword pending) {
    }

    @Schema(name = "ServicePrincipalPendingPassword", description = "A new password given to :rotate for an adopted "
            + "principal: its rotate job signs in with it first, and only a password Entra ID accepts becomes current; "
            + "one it refuses is dropped and the current password stays. PullBridge never shows its secret")
    public record PendingPassword(Instant expiresAt, String fingerprint,
                                  @Schema(description = "When it was given") Instant givenAt) {
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
        PendingPassword pending = principal.hasPendingCredential() ? new PendingPassword(
                principal.getPendingExpiresAt(), principal.getPendingFingerprint(), principal.getPendingGivenAt())
                : null;
        Credential credential = set
                ? new Credential(true, principal.getCredentialKeyId(), principal.getCredentialCreatedAt(),
                principal.getCredentialExpiresAt(), principal.getCredentialFingerprint(),
                principal.getCredentialVerifiedAt(), previous, pending)
                : new Credential(false, null, null, null, null, null, null, null);
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
