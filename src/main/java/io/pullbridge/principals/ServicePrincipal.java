package io.pullbridge.principals;

import io.pullbridge.common.ResourceEntity;
import io.pullbridge.crypto.EncryptedSecret;
import jakarta.persistence.AttributeOverride;
import jakarta.persistence.AttributeOverrides;
import jakarta.persistence.CascadeType;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OrderBy;
import jakarta.persistence.PostLoad;
import jakarta.persistence.PostPersist;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.hibernate.annotations.BatchSize;
import org.springframework.data.domain.Persistable;

@Entity
@Table(name = "service_principals")
class ServicePrincipal extends ResourceEntity {

    @Convert(converter = PrincipalModeConverter.class)
    @Column(nullable = false)
    private PrincipalMode mode;

    @Column(name = "display_name")
    private String displayName;

    @Column(name = "app_id")
    private UUID appId;

    @Column(name = "object_id")
    private UUID objectId;

    @Column(name = "tenant_id", nullable = false)
    private UUID tenantId;

    /** ISO-8601 duration of each password PullBridge creates, e.g. {@code P365D}. */
    @Column(name = "password_lifetime")
    private String passwordLifetime;

    @Embedded
    @AttributeOverrides({
            @AttributeOverride(name = "keyId", column = @Column(name = "credential_key_id")),
            @AttributeOverride(name = "ciphertext", column = @Column(name = "credential_ciphertext"))})
    private EncryptedSecret credential;

    @Column(name = "credential_expires_at")
    private Instant credentialExpiresAt;

    @Column(name = "credential_fingerprint")
    private String credentialFingerprint;

    @OneToMany(cascade = CascadeType.ALL, orphanRemoval = true)
    @JoinColumn(name = "service_principal_id", nullable = false)
    @OrderBy("position")
    @BatchSize(size = 100)
    private List<ServicePrincipalGrant> grants = new ArrayList<>();

    /*
     * The id is assigned before saving, so Spring Data would take a new principal for a detached one and merge it;
     * merging copies the grants into a fresh collection, which Hibernate counts as a change and so a version.
     */
    @Transient
    private boolean persisted;

    protected ServicePrincipal() {
    }

    ServicePrincipal(UUID id, PrincipalMode mode, String displayName, UUID appId, UUID objectId, UUID tenantId,
                     String passwordLifetime, Instant now, String createdBy) {
        super(id, now, createdBy, mode == PrincipalMode.CREATE
                ? "Waiting for PullBridge to create the service principal in Entra ID"
                : "Waiting for PullBridge to look the service principal up and grant its roles");
        this.mode = mode;
        this.displayName = displayName;
        this.appId = appId;
        this.objectId = objectId;
        this.tenantId = tenantId;
        this.passwordLifetime = passwordLifetime;
    }

    PrincipalMode getMode() {
        return mode;
    }

    String getDisplayName() {
        return displayName;
    }

    UUID getAppId() {
        return appId;
    }

    UUID getObjectId() {
        return objectId;
    }

    UUID getTenantId() {
        return tenantId;
    }

    String getPasswordLifetime() {
        return passwordLifetime;
    }

    EncryptedSecret getCredential() {
        return credential;
    }

    Instant getCredentialExpiresAt() {
        return credentialExpiresAt;
    }

    String getCredentialFingerprint() {
        return credentialFingerprint;
    }

    List<ServicePrincipalGrant> getGrants() {
        return grants;
    }

    void setDisplayName(String displayName) {
        this.displayName = displayName;
    }

    void setPasswordLifetime(String passwordLifetime) {
        this.passwordLifetime = passwordLifetime;
    }

    void setCredential(EncryptedSecret credential, Instant expiresAt, String fingerprint) {
        this.credential = credential;
        this.credentialExpiresAt = expiresAt;
        this.credentialFingerprint = fingerprint;
    }

    /**
     * Makes the grants exactly these, in this order. A grant already held keeps its id and observed status; a new
     * one starts Pending; one no longer listed is removed.
     *
     * @return true when a role on a registry was added or removed (work for Azure), false for a mere reordering
     */
    boolean replaceGrants(List<ServicePrincipalRules.GrantSpec> wanted) {
        Map<ServicePrincipalRules.GrantSpec, ServicePrincipalGrant> held = new LinkedHashMap<>();
        grants.forEach(grant -> held.put(new ServicePrincipalRules.GrantSpec(grant.getRegistryId(), grant.getRole()),
                grant));
        Set<ServicePrincipalRules.GrantSpec> before = new HashSet<>(held.keySet());
        List<ServicePrincipalGrant> next = new ArrayList<>();
        for (ServicePrincipalRules.GrantSpec spec : wanted) {
            ServicePrincipalGrant grant = held.get(spec);
            if (grant == null) {
                grant = new ServicePrincipalGrant(UUID.randomUUID(), spec.registryId(), spec.role(), next.size());
            }
            grant.setPosition(next.size());
            next.add(grant);
        }
        grants.clear();
        grants.addAll(next);
        return !before.equals(new HashSet<>(wanted));
    }

    /** The context that binds this principal's password ciphertext to this row. */
    String credentialContext() {
        return "service-principal/" + getId() + "/password";
    }

    ServicePrincipalView view() {
        return new ServicePrincipalView(getId(), mode, displayName, appId, tenantId, grants.stream()
                .map(grant -> new ServicePrincipalView.Grant(grant.getRegistryId(), grant.getRole()))
                .toList(), getStatus().phase());
    }
}
