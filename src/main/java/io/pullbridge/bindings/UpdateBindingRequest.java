package io.pullbridge.bindings;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import java.util.Map;

@Schema(description = "Changes a binding's targets. pull-secret: credential, namespaces, namespaceSelector, "
        + "excludeNamespaces, serviceAccounts. connected-registry: repositories, syncSchedule, syncWindow, "
        + "namespaces. workload-identity: serviceAccounts, repositories. Absent fields stay as they are; the "
        + "registry, cluster, method, secret name, connected registry name, mode and clusterIP, and the workload "
        + "identity's namespace, delivery and identity cannot change.")
public record UpdateBindingRequest(@Valid PullSecretOptions pullSecret,
                                   @Valid ConnectedRegistryOptions connectedRegistry,
                                   @Valid WorkloadIdentityOptions workloadIdentity) {

    /** Each method's options by their field's name (see {@link BindingMethodHandler.Requests#optionsField()}). */
    Map<String, Object> methodOptions() {
        return CreateBindingRequest.methodOptions(pullSecret, connectedRegistry, workloadIdentity);
    }
}
