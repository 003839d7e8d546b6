package io.pullbridge.principals;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.UUID;

@Schema(description = "A role the service principal should hold on a registry")
public record GrantRequest(
        @Schema(description = "The id of a registry registered with PullBridge", requiredMode = Schema.RequiredMode.REQUIRED)
        UUID registryId,
        @Schema(description = "The role on the registry", example = "acrpull", requiredMode = Schema.RequiredMode.REQUIRED)
        AcrRole role) {
}
