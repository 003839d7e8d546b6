package io.pullbridge.bindings;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import java.util.LinkedHashMap;
import java.util.Map;

@Schema(description = "Changes a binding's targets. pull-secret: credential, namespaces, namespaceSelector, "
        + "excludeNamespaces, serviceAccounts. connected-registry: repositories, syncSchedule, syncWindow, "
        + "namespaces. workload-identity: serviceAccounts, repositories. Absent fields stay as they are; the registry, cluster, method, secret name, connected "
        + "registry name, mode and clusterIP cannot change.")
public record UpdateBindingRequest(@Valid PullSecretOptions pullSecret,
                                   @Valid ConnectedRegistryOptions connectedRegistry,
                                   @Valid WorkloadIdentityOptions workloadIdentity) {

    /** Each method's options by their field's name (see {@link BindingMethodHandler#optionsField()}). */
    Map<String, Object> methodOptions() {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("pullSecret", pullSecret);
        options.put("connectedRegistry", connectedRegistry);
        options.put("workloadIdentity", workloadIdentity);
        return options;
    }
}
