package io.pullbridge.bindings;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import java.util.UUID;

@Schema(description = "Cluster clusterId may pull from registry registryId, by method. pullSecret goes with method "
        + "pull-secret, connectedRegistry with method connected-registry; kubelet-identity takes neither.")
public record CreateBindingRequest(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) UUID registryId,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) UUID clusterId,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) BindingMethod method,
        @Valid PullSecretOptions pullSecret,
        @Valid ConnectedRegistryOptions connectedRegistry) {
}
