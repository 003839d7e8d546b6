package io.pullbridge.support.azure;

import java.util.UUID;

/** An Azure Arc-enabled Kubernetes cluster ({@code Microsoft.Kubernetes/connectedClusters}) in the emulated ARM. */
public final class EmulatedConnectedCluster {

    private final String subscriptionId;
    private final String resourceGroup;
    private final String name;
    private final String identityPrincipalId = UUID.randomUUID().toString();
    private volatile String location = "westeurope";
    private volatile String kubernetesVersion = "1.33.2";
    private volatile String distribution = "k3s";
    private volatile String connectivityStatus = "Connected";
    private volatile int totalNodeCount = 1;
    private volatile String oidcIssuerUrl;
    private volatile boolean workloadIdentity;

    EmulatedConnectedCluster(String subscriptionId, String resourceGroup, String name) {
        this.subscriptionId = subscriptionId;
        this.resourceGroup = resourceGroup;
        this.name = name;
    }

    public String id() {
        return "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroup
                + "/providers/Microsoft.Kubernetes/connectedClusters/" + name;
    }

    public String subscriptionId() {
        return subscriptionId;
    }

    public String resourceGroup() {
        return resourceGroup;
    }

    public String name() {
        return name;
    }

    public String location() {
        return location;
    }

    public EmulatedConnectedCluster location(String location) {
        this.location = location;
        return this;
    }

    public String kubernetesVersion() {
        return kubernetesVersion;
    }

    public EmulatedConnectedCluster kubernetesVersion(String kubernetesVersion) {
        this.kubernetesVersion = kubernetesVersion;
        return this;
    }

    public String distribution() {
        return distribution;
    }

    public EmulatedConnectedCluster distribution(String distribution) {
        this.distribution = distribution;
        return this;
    }

    /** {@code Connected}, {@code Offline}, {@code Expired} or {@code Connecting}. */
    public String connectivityStatus() {
        return connectivityStatus;
    }

    public EmulatedConnectedCluster connectivityStatus(String connectivityStatus) {
        this.connectivityStatus = connectivityStatus;
        return this;
    }

    public int totalNodeCount() {
        return totalNodeCount;
    }

    public EmulatedConnectedCluster totalNodeCount(int totalNodeCount) {
        this.totalNodeCount = totalNodeCount;
        return this;
    }

    /** The cluster's OIDC issuer URL, or null when its issuer is not enabled. */
    public String oidcIssuerUrl() {
        return oidcIssuerUrl;
    }

    public boolean workloadIdentity() {
        return workloadIdentity;
    }

    /**
     * Enables the cluster's OIDC issuer at {@code issuerUrl} and workload identity, as
     * {@code az connectedk8s update --enable-oidc-issuer --enable-workload-identity} does; null disables both.
     */
    public EmulatedConnectedCluster oidcIssuer(String issuerUrl) {
        this.oidcIssuerUrl = issuerUrl;
        this.workloadIdentity = issuerUrl != null;
        return this;
    }

    String identityPrincipalId() {
        return identityPrincipalId;
    }
}
