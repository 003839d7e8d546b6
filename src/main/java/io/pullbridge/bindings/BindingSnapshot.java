package io.pullbridge.bindings;

import java.time.Instant;
import java.util.UUID;

/** The parts of a binding its jobs work from, read in one transaction so steps can run outside it. */
record BindingSnapshot(UUID id, UUID registryId, UUID clusterId, BindingMethod method, KubeletAssignment kubelet,
                       Binding.PullSecretSpec pullSecret, Instant reconciledAt) {

    static BindingSnapshot of(Binding binding) {
        return new BindingSnapshot(binding.getId(), binding.getRegistryId(), binding.getClusterId(),
                binding.getMethod(), binding.getKubeletAssignment(),
                binding.getMethod() == BindingMethod.PULL_SECRET ? binding.pullSecretSpec() : null,
                binding.getReconciledAt());
    }

    UUID servicePrincipalId() {
        return pullSecret == null ? null : pullSecret.servicePrincipalId();
    }

    UUID tokenId() {
        return pullSecret == null ? null : pullSecret.tokenId();
    }
}
