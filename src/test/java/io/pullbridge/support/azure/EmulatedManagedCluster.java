package io.pullbridge.support.azure;

import io.pullbridge.support.kube.EmulatedCluster;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * An AKS managed cluster in the emulated ARM: with a managed kubelet identity (the default; registered in the
 * emulated directory as a managed-identity service principal) or, for service-principal clusters, the client id of
 * its service principal. Its user and admin kubeconfigs are what {@code listClusterUserCredential} and
 * {@code listClusterAdminCredential} return.
 */
public final class EmulatedManagedCluster {

    /** The AKS server application: the audience of the tokens an Entra-integrated cluster's API server accepts. */
    public static final String AKS_SERVER_ID = "6dae42f8-4368-4678-94ff-3960e28e3630";

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
    private volatile boolean entraManaged;
    private volatile boolean azureRbac;
    private volatile String entraTenantId;
    private volatile String trustedTenantId;
    private volatile boolean localAccountsDisabled;
    private volatile String oidcIssuerUrl;
    private volatile boolean workloadIdentity;
    private volatile EmulatedCluster apiServer;

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

    /**
     * Makes it a cluster with managed Microsoft Entra integration and no local accounts, as enterprises run them: its
     * {@code aadProfile} says so, its user kubeconfig runs kubelogin, {@code listClusterAdminCredential} is refused,
     * and its API server ({@code apiServer}) accepts only bearer tokens the emulator's token endpoint issued for the
     * AKS server application in this tenant and that have not expired (401 for anything else), as the user named by
     * the caller's object id.
     *
     * @param azureRbac whether Azure RBAC for Kubernetes authorizes (denials are worded as Azure words them)
     */
    public EmulatedManagedCluster entraOnly(EmulatedCluster apiServer, boolean azureRbac) {
        this.entraManaged = true;
        this.azureRbac = azureRbac;
        this.entraTenantId = directory.tenantId();
        this.trustedTenantId = directory.tenantId();
        this.localAccountsDisabled = true;
        this.apiServer = apiServer;
        apiServer.azureRbac(azureRbac).authenticate(this::user);
        this.userKubeconfig = apiServer.kubeloginKubeconfig(AKS_SERVER_ID, directory.tenantId());
        return this;
    }

    /**
     * Puts the Entra-only cluster ({@link #entraOnly}) in another tenant than the emulator's own, as a cluster whose
     * subscription belongs to another directory is: the emulator's token endpoint then serves that tenant too,
     * {@code aadProfile.tenantID} names it, the user kubeconfig's kubelogin gets {@code --tenant-id} of it, and the API
     * server accepts only tokens issued in it.
     */
    public EmulatedManagedCluster entraTenant(String tenantId) {
        if (apiServer == null) {
            throw new IllegalStateException("entraTenant applies to a cluster made entraOnly first");
        }
        directory.addTenant(tenantId);
        this.entraTenantId = tenantId;
        this.trustedTenantId = tenantId;
        this.userKubeconfig = apiServer.kubeloginKubeconfig(AKS_SERVER_ID, tenantId);
        return this;
    }

    /**
     * Makes the API server trust another tenant than the one {@code aadProfile} names: every token PullBridge gets is
     * then the wrong tenant's.
     */
    public EmulatedManagedCluster trustOnlyTenant(String tenantId) {
        this.trustedTenantId = tenantId;
        return this;
    }

    /** Who a bearer token names for this cluster's API server, if it accepts the token at all. */
    private Optional<String> user(String accessToken) {
        return directory.token(accessToken)
                .filter(token -> isAksScope(token.scope()))
                .filter(token -> token.tenantId().equalsIgnoreCase(trustedTenantId))
                .filter(token -> token.expiresAt().isAfter(directory.now()))
                .map(token -> directory.callerObjectId(token.clientId()));
    }

    /** Whether a token request's scopes ask for the AKS server application (MSAL may add OpenID scopes). */
    static boolean isAksScope(String scope) {
        return scope != null && Arrays.stream(scope.split(" "))
                .anyMatch(one -> one.equalsIgnoreCase(AKS_SERVER_ID + "/.default"));
    }

    public boolean entraManaged() {
        return entraManaged;
    }

    public boolean azureRbac() {
        return azureRbac;
    }

    public String entraTenantId() {
        return entraTenantId;
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
     * {@code az aks update --enable-oidc-issuer --enable-workload-identity} does (AKS issues
     * {@code https://<region>.oic.prod-aks.azure.com/<tenant>/<guid>/}; a re-created cluster gets a new one); null
     * disables both.
     */
    public EmulatedManagedCluster oidcIssuer(String issuerUrl) {
        this.oidcIssuerUrl = issuerUrl;
        this.workloadIdentity = issuerUrl != null;
        return this;
    }

    public boolean localAccountsDisabled() {
        return localAccountsDisabled;
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
