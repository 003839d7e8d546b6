package io.pullbridge.registries;

import io.pullbridge.common.Phase;
import java.util.UUID;

/** What other features may know of a registry token: never its password. */
public record RegistryTokenView(UUID id, UUID registryId, String name, Phase phase) {

    public boolean deleting() {
        return phase == Phase.Deleting;
    }
}
