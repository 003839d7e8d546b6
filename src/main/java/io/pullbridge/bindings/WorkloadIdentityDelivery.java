package io.pullbridge.bindings;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a workload-identity binding's pulls reach the registry, by what runs in the cluster. */
public enum WorkloadIdentityDelivery {
    /**
     * Azure's acrpull controller (msi-acrpull) exchanges the ServiceAccount's token for an ACR token and keeps a pull
     * secret on the ServiceAccount: PullBridge writes one {@code AcrPullBinding} (v1beta2) per ServiceAccount.
     */
    @JsonProperty("acr-pull-binding") ACR_PULL_BINDING("acr-pull-binding"),
    /**
     * The kubelet's credential provider asks for the pod's ServiceAccount token itself (KEP-4412, Kubernetes 1.34 and
     * later) and Azure's acr-credential-provider exchanges it: PullBridge annotates each ServiceAccount with the
     * identity's client and tenant ids.
     */
    @JsonProperty("credential-provider") CREDENTIAL_PROVIDER("credential-provider");

    private final String value;

    WorkloadIdentityDelivery(String value) {
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
