package io.pullbridge.bindings;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

@Schema(description = "Cluster clusterId may pull from registry registryId, by method. pullSecret goes with method "
        + "pull-secret, connectedRegistry with method connected-registry, workloadIdentity with method "
        + "workload-identity; kubelet-identity takes none.")
public record CreateBindingRequest(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) UUID registryId,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) UUID clusterId,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) BindingMethod method,
        @Valid PullSecretOptions pullSecret,
        @Valid ConnectedRegistryOptions connectedRegistry,
        @Valid WorkloadIdentityOptions workloadIdentity) {

    /** Each method's options by their field's name (see {@link BindingMethodHandler.Requests#optionsField()}). */
    Map<String, Object> methodOptions() {
        return methodOptions(pullSecret, connectedRegistry, workloadIdentity);
    }

    /** The options of a create or an update request, by their field's name. */
    static Map<String, Object> methodOptions(PullSecretOptions pullSecret, ConnectedRegistryOptions connectedRegistry,
                                             WorkloadIdentityOptions workloadIdentity) {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("pullSecret", pullSecret);
        options.put("connectedRegistry", connectedRegistry);
        options.put("workloadIdentity", workloadIdentity);
        return options;
    }
}
