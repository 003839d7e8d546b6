package io.pullbridge.bindings;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.pullbridge.common.StatusResponse;
import java.time.Instant;
import java.util.UUID;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record BindingResponse(UUID id, UUID registryId, UUID clusterId, BindingMethod method,
                              PullSecretOptions pullSecret, ConnectedRegistryOptions connectedRegistry,
                              Instant createdAt, Instant updatedAt, String createdBy, StatusResponse status) {

    static BindingResponse of(Binding binding) {
        PullSecretOptions pullSecret = null;
        if (binding.getMethod() == BindingMethod.PULL_SECRET) {
            Binding.PullSecretSpec spec = binding.pullSecretSpec();
            pullSecret = new PullSecretOptions(new CredentialReference(spec.servicePrincipalId(), spec.tokenId()),
                    spec.secretName(), spec.namespaces(), spec.namespaceSelector(), spec.excludeNamespaces(),
                    spec.serviceAccounts());
        }
        ConnectedRegistryOptions connected = binding.getConnectedRegistry() == null ? null
                : ConnectedRegistryOptions.of(binding.getConnectedRegistry());
        return new BindingResponse(binding.getId(), binding.getRegistryId(), binding.getClusterId(),
                binding.getMethod(), pullSecret, connected, binding.getCreatedAt(), binding.getUpdatedAt(),
                binding.getCreatedBy(), StatusResponse.of(binding.getStatus()));
    }
}
