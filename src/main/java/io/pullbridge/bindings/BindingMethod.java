package io.pullbridge.bindings;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.persistence.EnumeratedValue;

/** How a binding gives a cluster pull access to a registry. */
public enum BindingMethod {
    /** AcrPull for the AKS kubelet identity ({@code az aks update --attach-acr}). */
    @JsonProperty("kubelet-identity") KUBELET_IDENTITY("kubelet-identity"),
    /** A {@code kubernetes.io/dockerconfigjson} secret backed by a service principal or a registry token. */
    @JsonProperty("pull-secret") PULL_SECRET("pull-secret"),
    /** An ACR connected registry deployed on an Arc-enabled cluster. */
    @JsonProperty("connected-registry") CONNECTED_REGISTRY("connected-registry"),
    /** A user-assigned identity federated with the cluster's ServiceAccounts: no secret anywhere. */
    @JsonProperty("workload-identity") WORKLOAD_IDENTITY("workload-identity");

    @EnumeratedValue
    private final String value;

    BindingMethod(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    @Override
    public String toString() {
        return value;
    }
}
