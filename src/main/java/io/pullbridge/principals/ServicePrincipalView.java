package io.pullbridge.principals;

import io.pullbridge.common.Phase;
import java.util.List;
import java.util.UUID;

/** What other features may know of a service principal: never its password. */
public record ServicePrincipalView(UUID id, PrincipalMode mode, String displayName, UUID appId, UUID tenantId,
                                   List<Grant> grants, Phase phase) {

    public boolean deleting() {
        return phase == Phase.Deleting;
    }

    public record Grant(UUID registryId, AcrRole role) {
    }

    /** True when the principal holds any role on the registry (every role includes pull). */
    public boolean canPullFrom(UUID registryId) {
        return grants.stream().anyMatch(grant -> grant.registryId().equals(registryId));
    }
}
