package io.pullbridge.registries;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.pullbridge.common.Condition;
import io.pullbridge.common.Phase;
import io.pullbridge.common.ResourceStatus;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

public record RegistryResponse(UUID id, String name, String resourceId, UUID subscriptionId, String resourceGroup,
                               String loginServer, UUID tenantId, Instant createdAt, Instant updatedAt,
                               String createdBy, Status status) {

    /**
     * The common status fields, plus what Azure said about the registry when PullBridge last read it (absent until
     * then).
     *
     * @param abacEnabled pulls need "Container Registry Repository Reader" instead of AcrPull
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Status(Phase phase, List<Condition> conditions, Instant observedAt, String message, UUID jobId,
                         String sku, String location, Boolean abacEnabled, Boolean dataEndpointEnabled) {
    }

    static RegistryResponse of(Registry registry) {
        ResourceStatus status = registry.getStatus();
        return new RegistryResponse(registry.getId(), registry.getName(), registry.getResourceId(),
                registry.getSubscriptionId(), registry.getResourceGroup(), registry.getLoginServer(),
                registry.getTenantId(), registry.getCreatedAt(), registry.getUpdatedAt(), registry.getCreatedBy(),
                new Status(status.phase(), status.conditions(), status.observedAt(), status.message(), status.jobId(),
                        registry.getSku(), registry.getLocation(), registry.getAbacEnabled(),
                        registry.getDataEndpointEnabled()));
    }
}
