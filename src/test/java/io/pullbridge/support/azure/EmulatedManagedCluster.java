package io.pullbridge.support.azure;

import io.pullbridge.support.kube.EmulatedCluster;
import java.util.Locale;
import java.util.UUID;

/**
 * An AKS managed cluster in the emulated ARM: with a managed kubelet identity (the default; registered in the
 * emulated directory as a managed-identity service principal) or, for service-principal clusters, the client id of
 * its service principal. Its user and admin kubeconfigs are what {@code listClusterUserCredential} and
 * {@code listClusterAdminCredential} return.
 */
public final class EmulatedManagedCluster {

    private final String subscriptionId;
    private final String resourceGroup;
    private final String name;
    private final Directory directory;
    private final String fqdnSuffix = UUID.randomUUID().toString().substring(0, 8);
    private volatile String location = "westeurope";
    private volatile String kubernetesVersion = "1.33.2";
    private volatile String serviceCidr = "10.0.0.0/16";
    private volatile String dnsServiceIp = "10.0.0.10";
    private volatile String kubeletClientId;
    private volatile String kubeletObjectId;
    private volatile String servicePrincipalClientId;
    private volatile String clusterIdentityPrincipalId = UUID.randomUUID().toString();
    private volatile String userKubeconfig;
    private volatile String adminKubeconfig;

    EmulatedManagedCluster(String subscriptionId, String resourceGroup, String name, Directory directory) {
        this.subscriptionId = subscriptionId;
        this.resourceGroup = resourceGroup;
        this.name = name;
        this.directory = directory;
        kubeletIdentity(UUID.randomUUID().toString(), UUID.randomUUID().toString());
    }

    public String id() {
        return "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroup
                + "/providers/Microsoft.ContainerService/managedClusters/" + name;
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

    public EmulatedManagedCluster location(String location) {
        this.location = location;
        return this;
    }

    public String kubernetesVersion() {
        return kubernetesVersion;
    }

    public EmulatedManagedCluster kubernetesVersion(String kubernetesVersion) {
        this.kubernetesVersion = kubernetesVersion;
        return this;
    }

    public String serviceCidr() {
        return serviceCidr;
    }

    public String dnsServiceIp() {
        return dnsServiceIp;
    }

    public EmulatedManagedCluster serviceCidr(String serviceCidr, String dnsServiceIp) {
        this.serviceCidr = serviceCidr;
        this.dnsServiceIp = dnsServiceIp;
        return this;
    }

    public String nodeResourceGroup() {
        return "MC_" + resourceGroup + "_" + name + "_" + location.toLowerCase(Locale.ROOT).replace(" ", "");
    }

    public String dnsPrefix() {
        return name + "-dns";
    }

    public String fqdn() {
        return dnsPrefix() + "-" + fqdnSuffix + ".hcp." + location.toLowerCase(Locale.ROOT).replace(" ", "")
                + ".azmk8s.io";
    }

    /**
     * Gives the cluster a managed kubelet identity with these ids (a cluster changes it when it is re-created or its
     * kubelet identity is updated), registered in the emulated directory as a managed-identity service principal.
     */
    public EmulatedManagedCluster kubeletIdentity(String clientId, String objectId) {
        this.kubeletClientId = clientId;
        this.kubeletObjectId = objectId;
        this.servicePrincipalClientId = null;
        directory.addManagedIdentity(objectId, clientId, name + "-agentpool");
        return this;
    }

    /** Makes it a service-principal cluster (no managed identity): {@code servicePrincipalProfile.clientId}. */
    public EmulatedManagedCluster servicePrincipal(String clientId) {
        this.servicePrincipalClientId = clientId;
        this.kubeletClientId = null;
        this.kubeletObjectId = null;
        return this;
    }

    public boolean usesManagedIdentity() {
        return servicePrincipalClientId == null;
    }

    /** The kubelet identity's client id, or null for a service-principal cluster. */
    public String kubeletClientId() {
        return kubeletClientId;
    }

    /** The kubelet identity's object id (what AcrPull is assigned to), or null for a service-principal cluster. */
    public String kubeletObjectId() {
        return kubeletObjectId;
    }

    /** The kubelet identity's ARM id (a user-assigned identity in the node resource group), or null. */
    public String kubeletResourceId() {
        return kubeletClientId == null ? null : "/subscriptions/" + subscriptionId + "/resourceGroups/"
                + nodeResourceGroup() + "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/" + name
                + "-agentpool";
    }

    /** The service principal's client id of a service-principal cluster, or null. */
    public String servicePrincipalClientId() {
        return servicePrincipalClientId;
    }

    String clusterIdentityPrincipalId() {
        return clusterIdentityPrincipalId;
    }

    /** The kubeconfig YAML that {@code listClusterUserCredential} returns (base64-encoded, as AKS does). */
    public String userKubeconfig() {
        return userKubeconfig != null ? userKubeconfig : defaultKubeconfig("clusterUser");
    }

    public EmulatedManagedCluster userKubeconfig(String kubeconfigYaml) {
        this.userKubeconfig = kubeconfigYaml;
        return this;
    }

    /** The kubeconfig YAML that {@code listClusterAdminCredential} returns. */
    public String adminKubeconfig() {
        return adminKubeconfig != null ? adminKubeconfig : defaultKubeconfig("clusterAdmin");
    }

    public EmulatedManagedCluster adminKubeconfig(String kubeconfigYaml) {
        this.adminKubeconfig = kubeconfigYaml;
        return this;
    }

    /**
     * The kubeconfig AKS would return, pointing at the JVM's shared emulated API server (see
     * {@link EmulatedCluster#shared()}), so that an AKS cluster registered in tests answers like a real one.
     */
    private String defaultKubeconfig(String user) {
        EmulatedCluster cluster = EmulatedCluster.shared();
        return EmulatedCluster.kubeconfig(cluster.url(), cluster.certificateAuthorityData(),
                "emulated-" + user + "-token-" + name);
    }
}
