package io.pullbridge.registries;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.UUID;

@Schema(description = "Lists the registries of a subscription (or of one of its resource groups) in Azure and "
        + "registers those PullBridge does not know yet")
public record DiscoverRegistriesRequest(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "00000000-0000-0000-0000-000000000001")
        UUID subscriptionId,
        @Schema(description = "Only this resource group", example = "rg-shared")
        String resourceGroup,
        @Schema(description = "The tenant of the subscription; the configured default when absent")
        UUID tenantId) {
}
