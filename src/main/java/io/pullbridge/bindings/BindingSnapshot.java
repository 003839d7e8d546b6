package io.pullbridge.bindings;

import java.util.UUID;

/** The parts of a binding its jobs work from, read in one transaction so steps can run outside it. */
record BindingSnapshot(UUID id, UUID registryId, UUID clusterId, BindingMethod method, KubeletAssignment kubelet) {

    static BindingSnapshot of(Binding binding) {
        return new BindingSnapshot(binding.getId(), binding.getRegistryId(), binding.getClusterId(),
                binding.getMethod(), binding.getKubeletAssignment());
    }
}
