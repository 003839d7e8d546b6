package io.pullbridge.bindings;

import io.pullbridge.common.ResourceEntity;
import io.pullbridge.crypto.EncryptedSecret;
import jakarta.persistence.AttributeOverride;
import jakarta.persistence.AttributeOverrides;
import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
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

    @Convert(converter = BindingMethodConverter.class)
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

    static Binding kubeletIdentity(UUID registryId, UUID clusterId, Instant now, String createdBy) {
        return new Binding(UUID.randomUUID(), registryId, clusterId, BindingMethod.KUBELET_IDENTITY, null, now,
                createdBy, "Waiting for PullBridge to grant AcrPull to the cluster's kubelet identity");
    }

    static Binding pullSecret(UUID registryId, UUID clusterId, PullSecretSpec spec, Instant now, String createdBy) {
        Binding binding = new Binding(UUID.randomUUID(), registryId, clusterId, BindingMethod.PULL_SECRET,
                spec.secretName(), now, createdBy, "Waiting for PullBridge to write the pull secret into the cluster");
        binding.servicePrincipalId = spec.servicePrincipalId();
        binding.tokenId = spec.tokenId();
        binding.applyTargets(spec);
        return binding;
    }

    static Binding connectedRegistry(UUID registryId, UUID clusterId, ConnectedRegistrySpec spec, Instant now,
                                     String createdBy) {
        Binding binding = new Binding(UUID.randomUUID(), registryId, clusterId, BindingMethod.CONNECTED_REGISTRY,
                spec.secretName(), now, createdBy,
                "Waiting for PullBridge to create the connected registry and deploy it to the cluster");
        binding.connectedRegistry = spec;
        binding.namespaces = new ArrayList<>(spec.namespaces());
        return binding;
    }

    void applyTargets(PullSecretSpec spec) {
        this.namespaces = new ArrayList<>(spec.namespaces());
        this.namespaceSelector = spec.namespaceSelector();
        this.excludeNamespaces = new ArrayList<>(spec.excludeNamespaces());
        this.serviceAccounts = new ArrayList<>(spec.serviceAccounts());
    }

    void applyConnectedRegistry(ConnectedRegistrySpec spec) {
        this.connectedRegistry = spec;
        this.namespaces = new ArrayList<>(spec.namespaces());
    }

    void changeCredential(UUID servicePrincipalId, UUID tokenId) {
        this.servicePrincipalId = servicePrincipalId;
        this.tokenId = tokenId;
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
