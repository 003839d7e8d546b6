package io.pullbridge.principals;

import io.pullbridge.common.ResourceEntity;
import io.pullbridge.crypto.EncryptedSecret;
import jakarta.persistence.AttributeOverride;
import jakarta.persistence.AttributeOverrides;
import jakarta.persistence.CascadeType;
import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OrderBy;
import jakarta.persistence.PostLoad;
import jakarta.persistence.PostPersist;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.hibernate.annotations.BatchSize;
import org.hibernate.annotations.DynamicUpdate;
import org.springframework.data.domain.Persistable;

@Entity
@Table(name = "service_principals")
// Only changed columns are written: a job's status update must not put back what another transaction just recorded.
@DynamicUpdate
class ServicePrincipal extends ResourceEntity {

    @Enumerated(EnumType.STRING)
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

    @Column(name = "credential_password_key_id")
    private UUID credentialKeyId;

    @Column(name = "credential_created_at")
    private Instant credentialCreatedAt;

    @Column(name = "credential_verified_at")
    private Instant credentialVerifiedAt;

    @Embedded
    @AttributeOverrides({
            @AttributeOverride(name = "keyId", column = @Column(name = "pending_key_id")),
            @AttributeOverride(name = "ciphertext", column = @Column(name = "pending_ciphertext"))})
    private EncryptedSecret pending;

    @Column(name = "pending_fingerprint")
    private String pendingFingerprint;

    @Column(name = "pending_expires_at")
    private Instant pendingExpiresAt;

    @Column(name = "pending_given_at")
    private Instant pendingGivenAt;

    @Column(name = "application_object_id")
    private UUID applicationObjectId;

    @Column(name = "principal_created_at")
    private Instant principalCreatedAt;

    @Column(name = "looked_up_at")
    private Instant lookedUpAt;

    @Column(name = "provisioned_at")
    private Instant provisionedAt;

    @Column(name = "previous_password_key_id")
    private UUID previousKeyId;

    @Column(name = "previous_password_expires_at")
    private Instant previousExpiresAt;

    @Column(name = "previous_password_fingerprint")
    private String previousFingerprint;

    @Column(name = "rotation_started_at")
    private Instant rotationStartedAt;

    @Column(name = "rotation_deadline")
    private Instant rotationDeadline;

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

    /** Every grant row, those being revoked included. */
    List<ServicePrincipalGrant> getGrants() {
        return grants;
    }

    /** The grants the user asks for, in their order. */
    List<ServicePrincipalGrant> wantedGrants() {
        return grants.stream().filter(grant -> !grant.isRevoking()).toList();
    }

    /** Grants no longer wanted whose assignment a job has yet to remove. */
    List<ServicePrincipalGrant> revokingGrants() {
        return grants.stream().filter(ServicePrincipalGrant::isRevoking).toList();
    }

    UUID getCredentialKeyId() {
        return credentialKeyId;
    }

    Instant getCredentialCreatedAt() {
        return credentialCreatedAt;
    }

    /** When Entra ID last accepted the current password in a sign-in by PullBridge; null until then. */
    Instant getCredentialVerifiedAt() {
        return credentialVerifiedAt;
    }

    EncryptedSecret getPending() {
        return pending;
    }

    String getPendingFingerprint() {
        return pendingFingerprint;
    }

    Instant getPendingExpiresAt() {
        return pendingExpiresAt;
    }

    Instant getPendingGivenAt() {
        return pendingGivenAt;
    }

    /** A new password given to {@code :rotate} that its rotate job has yet to prove. */
    boolean hasPendingCredential() {
        return pending != null && pending.isSet();
    }

    UUID getApplicationObjectId() {
        return applicationObjectId;
    }

    Instant getPrincipalCreatedAt() {
        return principalCreatedAt;
    }

    Instant getLookedUpAt() {
        return lookedUpAt;
    }

    Instant getProvisionedAt() {
        return provisionedAt;
    }

    UUID getPreviousKeyId() {
        return previousKeyId;
    }

    Instant getPreviousExpiresAt() {
        return previousExpiresAt;
    }

    String getPreviousFingerprint() {
        return previousFingerprint;
    }

    Instant getRotationStartedAt() {
        return rotationStartedAt;
    }

    Instant getRotationDeadline() {
        return rotationDeadline;
    }

    boolean hasCredential() {
        return credential != null && credential.isSet();
    }

    /**
     * The current password may be handed to users (bindings): PullBridge made it (mode create), or Entra ID accepted it
     * in a sign-in by PullBridge (mode adopt). An adopted principal registered before passwords were proven (V11) has
     * none until its proof job ({@link ServicePrincipalProofs}) signed in with it.
     */
    boolean credentialProven() {
        return mode == PrincipalMode.CREATE || credentialVerifiedAt != null;
    }

    /** A new password is current and the one it replaces may still be in use. */
    boolean rotationInProgress() {
        return rotationStartedAt != null;
    }

    void setDisplayName(String displayName) {
        this.displayName = displayName;
    }

    void setPasswordLifetime(String passwordLifetime) {
        this.passwordLifetime = passwordLifetime;
    }

    /** The first password: given by the user (mode adopt) or added by PullBridge (mode create). */
    void setCredential(EncryptedSecret credential, String fingerprint, UUID keyId, Instant createdAt,
                       Instant expiresAt) {
        this.credential = credential;
        this.credentialFingerprint = fingerprint;
        this.credentialKeyId = keyId;
        this.credentialCreatedAt = micros(createdAt);
        this.credentialExpiresAt = micros(expiresAt);
        this.credentialVerifiedAt = null;
    }

    /** Entra ID accepted the current password (the one with this fingerprint) in a sign-in by PullBridge. */
    void credentialVerified(String fingerprint, Instant now) {
        if (fingerprint.equals(credentialFingerprint)) {
            this.credentialVerifiedAt = micros(now);
        }
    }

    /**
     * An adopted principal's new password, kept aside until its rotate job proved it: the current one stays current
     * (and in every pull secret) until then. A newer one given meanwhile replaces it.
     */
    void setPendingCredential(EncryptedSecret credential, String fingerprint, Instant expiresAt, Instant now) {
        this.pending = credential;
        this.pendingFingerprint = fingerprint;
        this.pendingExpiresAt = micros(expiresAt);
        this.pendingGivenAt = micros(now);
    }

    /**
     * The pending password, proven: it becomes current, as {@link #beginRotation} makes a new password current.
     *
     * @return false (and nothing changes) when the pending password is no longer the one proven
     */
    boolean promotePending(String provenFingerprint, Instant now) {
        if (!hasPendingCredential() || !provenFingerprint.equals(pendingFingerprint)) {
            return false;
        }
        beginRotation(pending, pendingFingerprint, null, now, pendingExpiresAt);
        this.credentialVerifiedAt = micros(now);
        dropPending();
        return true;
    }

    /** Forgets the pending password (Entra ID refused it), if it is still the one with this fingerprint. */
    void dropPending(String fingerprint) {
        if (fingerprint.equals(pendingFingerprint)) {
            dropPending();
        }
    }

    private void dropPending() {
        this.pending = null;
        this.pendingFingerprint = null;
        this.pendingExpiresAt = null;
        this.pendingGivenAt = null;
    }

    /**
     * Makes a new password current; the one it replaces is kept by key id, expiry and fingerprint only (never its
     * secret), until {@link #finishRotation}. A rotation begun while another is in progress replaces the newer one.
     */
    void beginRotation(EncryptedSecret credential, String fingerprint, UUID keyId, Instant now, Instant expiresAt) {
        this.previousKeyId = credentialKeyId;
        this.previousExpiresAt = credentialExpiresAt;
        this.previousFingerprint = credentialFingerprint;
        setCredential(credential, fingerprint, keyId, now, expiresAt);
        this.rotationStartedAt = micros(now);
        this.rotationDeadline = null;
    }

    void rotationDeadline(Instant deadline) {
        this.rotationDeadline = micros(deadline);
    }

    /** What PostgreSQL keeps of an instant, so a value reads back as it was set. */
    private static Instant micros(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS);
    }

    void finishRotation() {
        this.previousKeyId = null;
        this.previousExpiresAt = null;
        this.previousFingerprint = null;
        this.rotationStartedAt = null;
        this.rotationDeadline = null;
    }

    void recordApplication(UUID appId, UUID applicationObjectId) {
        this.appId = appId;
        this.applicationObjectId = applicationObjectId;
    }

    void recordServicePrincipal(UUID objectId, Instant createdAt) {
        this.objectId = objectId;
        this.principalCreatedAt = micros(createdAt);
    }

    /** Mode adopt: fills in what the user did not give, as Entra ID knows the principal. */
    void recordLookup(UUID appId, UUID objectId, UUID applicationObjectId, String directoryName, Instant now) {
        this.appId = appId;
        this.objectId = objectId;
        this.applicationObjectId = applicationObjectId;
        if (displayName == null) {
            this.displayName = directoryName;
        }
        this.lookedUpAt = now;
    }

    void provisioned(Instant now) {
        if (provisionedAt == null) {
            provisionedAt = now;
        }
    }

    ServicePrincipalGrant grant(UUID grantId) {
        return grants.stream().filter(grant -> grant.getId().equals(grantId)).findFirst().orElse(null);
    }

    /** Forgets a revoked grant once its assignment is gone; a grant wanted again meanwhile stays. */
    boolean dropRevoked(UUID grantId) {
        return grants.removeIf(grant -> grant.getId().equals(grantId) && grant.isRevoking());
    }

    /**
     * Makes the wanted grants exactly these, in this order. A grant already held keeps its id and observed status; a
     * new one starts Pending; one no longer listed is revoked (kept in phase Deleting until a job removed its
     * assignment), unless nothing can have been assigned yet (no service principal yet), when it just goes.
     *
     * @return true when a role on a registry was added or removed (work for Azure), false for a mere reordering
     */
    boolean replaceGrants(List<ServicePrincipalRules.GrantSpec> wanted) {
        Map<ServicePrincipalRules.GrantSpec, ServicePrincipalGrant> held = new LinkedHashMap<>();
        grants.forEach(grant -> held.put(grant.spec(), grant));
        Set<ServicePrincipalRules.GrantSpec> before = new HashSet<>();
        wantedGrants().forEach(grant -> before.add(grant.spec()));
        List<ServicePrincipalGrant> next = new ArrayList<>();
        for (ServicePrincipalRules.GrantSpec spec : wanted) {
            ServicePrincipalGrant grant = held.remove(spec);
            if (grant == null) {
                grant = new ServicePrincipalGrant(UUID.randomUUID(), spec.registryId(), spec.role(), next.size());
            } else if (grant.isRevoking()) {
                grant.reinstate();
            }
            grant.setPosition(next.size());
            next.add(grant);
        }
        for (ServicePrincipalGrant unwanted : held.values()) {
            if (objectId == null && unwanted.getRoleAssignmentId() == null) {
                continue;
            }
            if (!unwanted.isRevoking()) {
                unwanted.revoke();
            }
            unwanted.setPosition(next.size());
            next.add(unwanted);
        }
        grants.clear();
        grants.addAll(next);
        return !before.equals(new HashSet<>(wanted));
    }

    /** The context that binds this principal's password ciphertext to this row. */
    String credentialContext() {
        return credentialContext(getId());
    }

    static String credentialContext(UUID id) {
        return "service-principal/" + id + "/password";
    }

    ServicePrincipalView view() {
        return new ServicePrincipalView(getId(), mode, displayName, appId, tenantId, wantedGrants().stream()
                .map(grant -> new ServicePrincipalView.Grant(grant.getRegistryId(), grant.getRole()))
                .toList(), getStatus().phase());
    }
}
