package io.pullbridge.registries;

import java.util.UUID;

/** What other features may know of a registry. */
public record RegistryView(UUID id, String name, String resourceId, UUID subscriptionId, String loginServer,
                           UUID tenantId) {
}
