package io.pullbridge.registries;

import io.pullbridge.common.StatusResponse;
import java.time.Instant;
import java.util.UUID;

public record RegistryResponse(UUID id, String name, String resourceId, UUID subscriptionId, String resourceGroup,
                               String loginServer, UUID tenantId, Instant createdAt, Instant updatedAt,
                               String createdBy, StatusResponse status) {

    static RegistryResponse of(Registry registry) {
        return new RegistryResponse(registry.getId(), registry.getName(), registry.getResourceId(),
                registry.getSubscriptionId(), registry.getResourceGroup(), registry.getLoginServer(),
                registry.getTenantId(), registry.getCreatedAt(), registry.getUpdatedAt(), registry.getCreatedBy(),
                StatusResponse.of(registry.getStatus()));
    }
}
