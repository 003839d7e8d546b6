package io.pullbridge.bindings;

import io.pullbridge.common.Phase;
import io.pullbridge.crypto.EncryptedSecret;
import java.time.Instant;
import java.util.UUID;

/** The parts of a binding its jobs work from, read in one transaction so steps can run outside it. */
public record BindingSnapshot(UUID id, UUID registryId, UUID clusterId, BindingMethod method, KubeletAssignment kubelet,
                       PullSecretSpec pullSecret,
                              Instant reconciledAt, ConnectedRegistrySpec connectedRegistry,
                       ConnectedRegistryStatus connectedRegistryStatus, EncryptedSecret clientTokenPassword,
                              Phase phase, WorkloadIdentitySpec workloadIdentity,
                              WorkloadIdentityStatus workloadIdentityStatus, EncryptedSecret syncTokenPassword) {

    /**
     * @return for a connected-registry binding, {@link #pullSecret} is where the client token's pull secret goes (no
     *         service principal or token of the binding's own: the credential is the connected registry's client token)
     */
    static BindingSnapshot of(Binding binding) {
        return new BindingSnapshot(binding.getId(), binding.getRegistryId(), binding.getClusterId(),
                binding.getMethod(), binding.getKubeletAssignment(),
                binding.getSecretName() != null ? binding.pullSecretSpec() : null,
                binding.getReconciledAt(), binding.getConnectedRegistry(), binding.getConnectedRegistryStatus(),
                binding.getClientTokenPassword(), binding.getStatus().phase(), binding.getWorkloadIdentity(),
                binding.getWorkloadIdentityStatus(), binding.getSyncTokenPassword());
    }

    public UUID servicePrincipalId() {
        return pullSecret == null ? null : pullSecret.servicePrincipalId();
    }

    public UUID tokenId() {
        return pullSecret == null ? null : pullSecret.tokenId();
    }

    /** What a connected-registry binding's sync token password is encrypted under while it is held. */
    public static String syncTokenContext(UUID id) {
        return Binding.syncTokenContext(id);
    }

    /** What a connected-registry binding's client token password is encrypted under. */
    public static String clientTokenContext(UUID id) {
        return Binding.clientTokenContext(id);
    }
}
