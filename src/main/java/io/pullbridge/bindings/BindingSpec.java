package io.pullbridge.bindings;

/**
 * What a binding's method asks of it, checked by the method's handler: where its pull secret goes and with which
 * credential, and the connected registry it runs; each absent when the method has none.
 */
public record BindingSpec(PullSecretSpec pullSecret, ConnectedRegistrySpec connectedRegistry,
                          WorkloadIdentitySpec workloadIdentity) {

    /** A method that asks nothing beyond the registry and the cluster (kubelet-identity). */
    public static BindingSpec none() {
        return new BindingSpec(null, null, null);
    }

    public static BindingSpec of(PullSecretSpec pullSecret) {
        return new BindingSpec(pullSecret, null, null);
    }

    public static BindingSpec of(ConnectedRegistrySpec connectedRegistry) {
        return new BindingSpec(null, connectedRegistry, null);
    }

    public static BindingSpec of(WorkloadIdentitySpec workloadIdentity) {
        return new BindingSpec(null, null, workloadIdentity);
    }

    /** The name of the secret the binding writes into its namespaces, or null when it writes none. */
    String secretName() {
        return pullSecret != null ? pullSecret.secretName()
                : connectedRegistry != null ? connectedRegistry.secretName() : null;
    }
}
