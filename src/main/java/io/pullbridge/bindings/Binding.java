package io.pullbridge.bindings;

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
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

@Entity
@Table(name = "bindings")
class Binding extends ResourceEntity implements BindingRow {

    @Column(name = "registry_id", nullable = false, updatable = false)
    private UUID registryId;

    @Column(name = "cluster_id", nullable = false, updatable = false)
    private UUID clusterId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, updatable = false)
    private BindingMethod method;

    @Column(name = "secret_name", updatable = false)
    private String secretName;

    @Column(name = "service_principal_id")
    private UUID servicePrincipalId;

    @Column(name = "token_id")
    private UUID tokenId;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    private List<String> namespaces = new ArrayList<>();

    @Column(name = "namespace_selector")
    private String namespaceSelector;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "exclude_namespaces", nullable = false)
    private List<String> excludeNamespaces = new ArrayList<>();

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "service_accounts", nullable = false)
    private List<String> serviceAccounts = new ArrayList<>();

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "connected_registry")
    private ConnectedRegistrySpec connectedRegistry;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "workload_identity")
    private WorkloadIdentitySpec workloadIdentity;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "workload_identity_status")
    private WorkloadIdentityStatus workloadIdentityStatus;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "kubelet_assignment")
    private KubeletAssignment kubeletAssignment;

    @Column(name = "reconciled_at")
    private Instant reconciledAt;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "pull_secret_status")
    private PullSecretStatus pullSecretStatus;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    private List<String> drift = new ArrayList<>();

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "connected_registry_status")
    private ConnectedRegistryStatus connectedRegistryStatus;

    @Embedded
    @AttributeOverrides({
            @AttributeOverride(name = "keyId", column = @Column(name = "client_token_key_id")),
            @AttributeOverride(name = "ciphertext", column = @Column(name = "client_token_ciphertext"))})
    private EncryptedSecret clientTokenPassword;

    @Embedded
    @AttributeOverrides({
            @AttributeOverride(name = "keyId", column = @Column(name = "sync_token_key_id")),
            @AttributeOverride(name = "ciphertext", column = @Column(name = "sync_token_ciphertext"))})
    private EncryptedSecret syncTokenPassword;

    protected Binding() {
    }

    private Binding(UUID id, UUID registryId, UUID clusterId, BindingMethod method, String secretName, Instant now,
                    String createdBy, String pendingMessage) {
        super(id, now, createdBy, pendingMessage);
        this.registryId = registryId;
        this.clusterId = clusterId;
        this.method = method;
        this.secretName = secretName;
    }

    /** A new binding, Pending with {@code pendingMessage} until its first job applies {@code spec}. */
    static Binding create(UUID registryId, UUID clusterId, BindingMethod method, BindingSpec spec,
                          String pendingMessage, Instant now, String createdBy) {
        Binding binding = new Binding(UUID.randomUUID(), registryId, clusterId, method, spec.secretName(), now,
                createdBy, pendingMessage);
        binding.respec(spec);
        return binding;
    }

    /** Takes the method's changed spec; its secret name never changes. */
    void respec(BindingSpec spec) {
        if (spec.pullSecret() != null) {
            this.servicePrincipalId = spec.pullSecret().servicePrincipalId();
            this.tokenId = spec.pullSecret().tokenId();
            applyTargets(spec.pullSecret());
        }
        if (spec.connectedRegistry() != null) {
            this.connectedRegistry = spec.connectedRegistry();
            this.namespaces = new ArrayList<>(spec.connectedRegistry().namespaces());
        }
        if (spec.workloadIdentity() != null) {
            this.workloadIdentity = spec.workloadIdentity();
        }
    }

    private void applyTargets(PullSecretSpec spec) {
        this.namespaces = new ArrayList<>(spec.namespaces());
        this.namespaceSelector = spec.namespaceSelector();
        this.excludeNamespaces = new ArrayList<>(spec.excludeNamespaces());
        this.serviceAccounts = new ArrayList<>(spec.serviceAccounts());
    }

    PullSecretSpec pullSecretSpec() {
        return new PullSecretSpec(servicePrincipalId, tokenId, secretName, List.copyOf(namespaces), namespaceSelector,
                List.copyOf(excludeNamespaces), List.copyOf(serviceAccounts));
    }

    UUID getRegistryId() {
        return registryId;
    }

    UUID getClusterId() {
        return clusterId;
    }

    BindingMethod getMethod() {
        return method;
    }

    String getSecretName() {
        return secretName;
    }

    UUID getServicePrincipalId() {
        return servicePrincipalId;
    }

    UUID getTokenId() {
        return tokenId;
    }

    ConnectedRegistrySpec getConnectedRegistry() {
        return connectedRegistry;
    }

    WorkloadIdentitySpec getWorkloadIdentity() {
        return workloadIdentity;
    }

    @Override
    public WorkloadIdentityStatus getWorkloadIdentityStatus() {
        return workloadIdentityStatus;
    }

    @Override
    public void setWorkloadIdentityStatus(WorkloadIdentityStatus workloadIdentityStatus) {
        this.workloadIdentityStatus = workloadIdentityStatus;
    }

    KubeletAssignment getKubeletAssignment() {
        return kubeletAssignment;
    }

    @Override
    public void setKubeletAssignment(KubeletAssignment kubeletAssignment) {
        this.kubeletAssignment = kubeletAssignment;
    }

    PullSecretStatus getPullSecretStatus() {
        return pullSecretStatus;
    }

    @Override
    public void setPullSecretStatus(PullSecretStatus pullSecretStatus) {
        this.pullSecretStatus = pullSecretStatus;
    }

    @Override
    public ConnectedRegistryStatus getConnectedRegistryStatus() {
        return connectedRegistryStatus;
    }

    @Override
    public void setConnectedRegistryStatus(ConnectedRegistryStatus connectedRegistryStatus) {
        this.connectedRegistryStatus = connectedRegistryStatus;
    }

    /** The connected registry client token's current password, encrypted under {@link #clientTokenContext()}. */
    EncryptedSecret getClientTokenPassword() {
        return clientTokenPassword != null && clientTokenPassword.isSet() ? clientTokenPassword : null;
    }

    @Override
    public void setClientTokenPassword(EncryptedSecret clientTokenPassword) {
        this.clientTokenPassword = clientTokenPassword;
    }

    /** What the client token's password is bound to: a ciphertext copied into another row does not decrypt. */
    @Override
    public String clientTokenContext() {
        return clientTokenContext(getId());
    }

    static String clientTokenContext(UUID id) {
        return "binding/" + id + "/client-token-password";
    }

    /** The sync token password an extension is being given, encrypted under {@link #syncTokenContext()}; or null. */
    EncryptedSecret getSyncTokenPassword() {
        return syncTokenPassword != null && syncTokenPassword.isSet() ? syncTokenPassword : null;
    }

    @Override
    public void setSyncTokenPassword(EncryptedSecret syncTokenPassword) {
        this.syncTokenPassword = syncTokenPassword;
    }

    @Override
    public String syncTokenContext() {
        return syncTokenContext(getId());
    }

    static String syncTokenContext(UUID id) {
        return "binding/" + id + "/sync-token-password";
    }

    Instant getReconciledAt() {
        return reconciledAt;
    }

    List<String> getDrift() {
        return List.copyOf(drift);
    }

    @Override
    public void drifted(List<String> found) {
        this.drift = new ArrayList<>(found);
    }

    @Override
    public void reconciled(Instant when, List<String> found) {
        this.reconciledAt = when;
        this.drift = new ArrayList<>(found);
    }
}
