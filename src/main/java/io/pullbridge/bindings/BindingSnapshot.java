package io.pullbridge.bindings;

import io.pullbridge.crypto.EncryptedSecret;
import java.time.Instant;
import java.util.UUID;

/** The parts of a binding its jobs work from, read in one transaction so steps can run outside it. */
record BindingSnapshot(UUID id, UUID registryId, UUID clusterId, BindingMethod method, KubeletAssignment kubelet,
                       Binding.PullSecretSpec pullSecret, Instant reconciledAt, ConnectedRegistrySpec connectedRegistry,
                       ConnectedRegistryStatus connectedRegistryStatus, EncryptedSecret clientTokenPassword) {

    /**
     * @return for a connected-registry binding, {@link #pullSecret} is where the client token's pull secret goes (no
     *         service principal or token of the binding's own: the credential is the connected registry's client token)
     */
    static BindingSnapshot of(Binding binding) {
        return new BindingSnapshot(binding.getId(), binding.getRegistryId(), binding.getClusterId(),
                binding.getMethod(), binding.getKubeletAssignment(),
                binding.getMethod() != BindingMethod.KUBELET_IDENTITY ? binding.pullSecretSpec() : null,
                binding.getReconciledAt(), binding.getConnectedRegistry(), binding.getConnectedRegistryStatus(),
                binding.getClientTokenPassword());
    }

    UUID servicePrincipalId() {
        return pullSecret == null ? null : pullSecret.servicePrincipalId();
    }

    UUID tokenId() {
        return pullSecret == null ? null : pullSecret.tokenId();
    }
}
