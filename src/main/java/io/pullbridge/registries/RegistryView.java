package io.pullbridge.registries;

import io.pullbridge.common.Phase;
import java.util.UUID;

/** What other features may know of a registry. */
public record RegistryView(UUID id, String name, String resourceId, UUID subscriptionId, String loginServer,
                           UUID tenantId, Phase phase) {

    public boolean deleting() {
        return phase == Phase.Deleting;
    }
}
