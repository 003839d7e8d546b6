package io.pullbridge.registries;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.UUID;

@Schema(description = "Registers an Azure Container Registry with PullBridge")
public record CreateRegistryRequest(
        @Schema(description = "The registry's ARM resource id",
                example = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-shared/providers/Microsoft.ContainerRegistry/registries/contosoacr",
                requiredMode = Schema.RequiredMode.REQUIRED)
        String resourceId,
        @Schema(description = "The Entra tenant of the registry's subscription; the configured default when absent")
        UUID tenantId) {
}
