package io.pullbridge.registries;

import java.util.UUID;

/** What other features may know of a registry token: never its password. */
public record RegistryTokenView(UUID id, UUID registryId, String name) {
}
