package io.pullbridge.clusters;

import io.pullbridge.common.ResourceEntity;
import io.pullbridge.crypto.EncryptedSecret;
import jakarta.persistence.AttributeOverride;
import jakarta.persistence.AttributeOverrides;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

@Entity
@Table(name = "clusters")
class Cluster extends ResourceEntity {

    @Column(nullable = false)
    private String name;

    @Convert(converter = ClusterKindConverter.class)
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

    /** The context that binds this cluster's kubeconfig ciphertext to this row. */
    String kubeconfigContext() {
        return "cluster/" + getId() + "/kubeconfig";
    }

    ClusterView view() {
        return new ClusterView(getId(), name, kind, resourceId, serviceCidr, getStatus().phase());
    }
}
