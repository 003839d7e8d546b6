package io.pullbridge.clusters;

import io.pullbridge.common.Condition;
import io.pullbridge.common.ResourceEntity;
import io.pullbridge.crypto.EncryptedSecret;
import jakarta.persistence.AttributeOverride;
import jakarta.persistence.AttributeOverrides;
import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

@Entity
@Table(name = "clusters")
class Cluster extends ResourceEntity {

    @Column(nullable = false)
    private String name;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, updatable = false)
    private ClusterKind kind;

    @Column(name = "resource_id", updatable = false)
    private String resourceId;

    @Column(name = "subscription_id", updatable = false)
    private UUID subscriptionId;

    @Column(name = "resource_group", updatable = false)
    private String resourceGroup;

    @Embedded
    @AttributeOverrides({
            @AttributeOverride(name = "keyId", column = @Column(name = "kubeconfig_key_id")),
            @AttributeOverride(name = "ciphertext", column = @Column(name = "kubeconfig_ciphertext"))})
    private EncryptedSecret kubeconfig;

    @Column(name = "kubeconfig_fingerprint")
    private String kubeconfigFingerprint;

    /** The API server URL from the kubeconfig's current context: not a secret, shown to users. */
    @Column(name = "kubeconfig_server")
    private String kubeconfigServer;

    @Column(name = "service_cidr")
    private String serviceCidr;

    @Column(name = "kubernetes_version")
    private String kubernetesVersion;

    private String location;

    @Column(name = "kubelet_object_id")
    private UUID kubeletObjectId;

    @Column(name = "kubelet_client_id")
    private UUID kubeletClientId;

    @Column(name = "kubelet_service_principal")
    private Boolean kubeletServicePrincipal;

    @Column(name = "connectivity_status")
    private String connectivityStatus;

    @Column(name = "server_version")
    private String serverVersion;

    @Column(name = "namespace_count")
    private Integer namespaceCount;

    /** Fingerprint of the AKS user credentials last fetched; never the credentials. */
    @Column(name = "credential_fingerprint")
    private String credentialFingerprint;

    @Column(name = "probed_at")
    private Instant probedAt;

    @Column(name = "entra_managed")
    private Boolean entraManaged;

    @Column(name = "entra_azure_rbac")
    private Boolean entraAzureRbac;

    @Column(name = "entra_tenant_id")
    private String entraTenantId;

    @Column(name = "local_accounts_disabled")
    private Boolean localAccountsDisabled;

    @Column(name = "access_mode")
    private String accessMode;

    @Column(name = "access_object_id")
    private UUID accessObjectId;

    @Column(name = "access_tenant_id")
    private String accessTenantId;

    protected Cluster() {
    }

    Cluster(UUID id, String name, ClusterKind kind, String resourceId, UUID subscriptionId, String resourceGroup,
            String serviceCidr, Instant now, String createdBy) {
        super(id, now, createdBy, "Waiting for PullBridge to connect to the cluster");
        this.name = name;
        this.kind = kind;
        this.resourceId = resourceId;
        this.subscriptionId = subscriptionId;
        this.resourceGroup = resourceGroup;
        this.serviceCidr = serviceCidr;
    }

    String getName() {
        return name;
    }

    ClusterKind getKind() {
        return kind;
    }

    String getResourceId() {
        return resourceId;
    }

    UUID getSubscriptionId() {
        return subscriptionId;
    }

    String getResourceGroup() {
        return resourceGroup;
    }

    EncryptedSecret getKubeconfig() {
        return kubeconfig;
    }

    String getKubeconfigFingerprint() {
        return kubeconfigFingerprint;
    }

    String getKubeconfigServer() {
        return kubeconfigServer;
    }

    String getServiceCidr() {
        return serviceCidr;
    }

    void setName(String name) {
        this.name = name;
    }

    void setServiceCidr(String serviceCidr) {
        this.serviceCidr = serviceCidr;
    }

    void setKubeconfig(EncryptedSecret kubeconfig, String fingerprint, String server) {
        this.kubeconfig = kubeconfig;
        this.kubeconfigFingerprint = fingerprint;
        this.kubeconfigServer = server;
    }

    /** Records what ARM says about an AKS cluster; the kubelet identity is what kubelet-identity bindings grant. */
    void observe(ManagedClusterDirectory.ManagedClusterFacts facts) {
        this.kubernetesVersion = facts.kubernetesVersion();
        this.location = facts.location();
        ManagedClusterDirectory.KubeletIdentity kubelet = facts.kubeletIdentity();
        this.kubeletObjectId = kubelet == null ? null : kubelet.objectId();
        this.kubeletClientId = kubelet == null ? null : kubelet.clientId();
        this.kubeletServicePrincipal = kubelet == null ? null : kubelet.servicePrincipal();
        this.entraManaged = facts.entra() != null;
        this.entraAzureRbac = facts.entra() == null ? null : facts.entra().azureRbac();
        this.entraTenantId = facts.entra() == null ? null : facts.entra().tenantId();
        this.localAccountsDisabled = facts.localAccountsDisabled();
    }

    /** How PullBridge reached the API server last, and as whom. */
    void accessed(ClusterAccess access) {
        this.accessMode = access.mode().value();
        this.accessObjectId = access.objectId();
        this.accessTenantId = access.tenantId();
    }

    /** What ARM said of the cluster's Entra integration; null until read, or when it has none. */
    ManagedClusterDirectory.EntraIntegration entraIntegration() {
        return Boolean.TRUE.equals(entraManaged) ? new ManagedClusterDirectory.EntraIntegration(
                Boolean.TRUE.equals(entraAzureRbac), entraTenantId) : null;
    }

    Boolean getLocalAccountsDisabled() {
        return localAccountsDisabled;
    }

    /** status.access: null until PullBridge has connected. */
    ClusterAccess access() {
        if (accessMode == null) {
            return null;
        }
        ClusterAccess.Mode mode = ClusterAccess.Mode.of(accessMode);
        return mode == ClusterAccess.Mode.ENTRA ? ClusterAccess.entra(accessObjectId, accessTenantId,
                kind == ClusterKind.AKS ? entraAzureRbac : null) : new ClusterAccess(mode, null, null, null);
    }

    void observe(ConnectedClusterDirectory.ConnectedClusterFacts facts) {
        this.kubernetesVersion = facts.kubernetesVersion();
        this.location = facts.location();
        this.connectivityStatus = facts.connectivityStatus();
    }

    void credentialFingerprint(String fingerprint) {
        this.credentialFingerprint = fingerprint;
    }

    /** A successful connection: the API server's version and how many namespaces it has. */
    void reached(String serverVersion, int namespaceCount, Instant now) {
        this.serverVersion = serverVersion;
        this.namespaceCount = namespaceCount;
        this.probedAt = now;
        getStatus().observed(now);
        condition(Conditions.REACHABLE, "True", "Connected", "Kubernetes " + serverVersion + ", " + namespaceCount
                + (namespaceCount == 1 ? " namespace" : " namespaces"), now);
    }

    /** A failed connection, and why. */
    void unreachable(String reason, String message, Instant now) {
        this.probedAt = now;
        getStatus().observed(now);
        condition(Conditions.REACHABLE, "False", reason, message, now);
    }

    /** Sets a condition, keeping its transition time while its status stays the same. */
    private void condition(String type, String status, String reason, String message, Instant now) {
        Instant since = getStatus().conditions().stream()
                .filter(existing -> existing.type().equals(type) && existing.status().equals(status))
                .map(Condition::lastTransitionTime)
                .findFirst().orElse(now);
        getStatus().setCondition(new Condition(type, status, reason, message, since));
    }

    Optional<Condition> condition(String type) {
        return getStatus().conditions().stream().filter(condition -> condition.type().equals(type)).findFirst();
    }

    String getKubernetesVersion() {
        return kubernetesVersion;
    }

    String getLocation() {
        return location;
    }

    UUID getKubeletObjectId() {
        return kubeletObjectId;
    }

    UUID getKubeletClientId() {
        return kubeletClientId;
    }

    Boolean getKubeletServicePrincipal() {
        return kubeletServicePrincipal;
    }

    String getConnectivityStatus() {
        return connectivityStatus;
    }

    String getServerVersion() {
        return serverVersion;
    }

    Integer getNamespaceCount() {
        return namespaceCount;
    }

    String getCredentialFingerprint() {
        return credentialFingerprint;
    }

    Instant getProbedAt() {
        return probedAt;
    }

    /** The context that binds this cluster's kubeconfig ciphertext to this row. */
    String kubeconfigContext() {
        return kubeconfigContext(getId());
    }

    static String kubeconfigContext(UUID id) {
        return "cluster/" + id + "/kubeconfig";
    }

    ClusterView view() {
        ManagedClusterDirectory.KubeletIdentity kubelet = kubeletObjectId == null ? null
                : new ManagedClusterDirectory.KubeletIdentity(kubeletObjectId, kubeletClientId,
                Boolean.TRUE.equals(kubeletServicePrincipal));
        return new ClusterView(getId(), name, kind, resourceId, serviceCidr, getStatus().phase(), kubelet,
                serverVersion);
    }
}
