package io.pullbridge.registries;

import io.pullbridge.common.Phase;
import java.util.UUID;

/**
 * What other features may know of a registry.
 *
 * @param abacEnabled the registry uses ABAC repository permissions, as its create job read it from Azure: AcrPull and
 *                    AcrPush are not honored there, so grants use the Container Registry Repository roles
 */
public record RegistryView(UUID id, String name, String resourceId, UUID subscriptionId, String loginServer,
                           UUID tenantId, Phase phase, boolean abacEnabled) {

    public boolean deleting() {
        return phase == Phase.Deleting;
    }
}
