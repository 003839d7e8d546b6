package io.pullbridge.registries;

import io.pullbridge.common.ResourceEntity;
import io.pullbridge.crypto.EncryptedSecret;
import io.pullbridge.registries.RegistryTokenStore.PasswordSlot;
import jakarta.persistence.AttributeOverride;
import jakarta.persistence.AttributeOverrides;
import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A repository-scoped ACR token (scope map + token + generated password) that can back a pull secret. */
@Entity
@Table(name = "registry_tokens")
class RegistryToken extends ResourceEntity {

    @Column(name = "registry_id", nullable = false, updatable = false)
    private UUID registryId;

    @Column(nullable = false, updatable = false)
    private String name;

    /** Repository pattern to ACR actions, e.g. {@code team-a/*} to {@code [content/read, metadata/read]}. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    private Map<String, List<String>> repositories = new LinkedHashMap<>();

    @Column(name = "password_lifetime", nullable = false)
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

    /** The ACR password slot ({@code password1}, {@code password2}) of the current password. */
    @Column(name = "credential_slot")
    private String credentialSlot;

    @Column(name = "credential_created_at")
    private Instant credentialCreatedAt;

    /** While a rotation waits for every user to hold the new password: the slot of the old one, still working. */
    @Column(name = "retiring_slot")
    private String retiringSlot;

    /** When the current rotation's wait for the users began (or was asked again): its timeout counts from here. */
    @Column(name = "rotation_started_at")
    private Instant rotationStartedAt;

    protected RegistryToken() {
    }

    RegistryToken(UUID id, UUID registryId, String name, Map<String, List<String>> repositories,
                  String passwordLifetime, Instant now, String createdBy) {
        super(id, now, createdBy, "Waiting for PullBridge to create the scope map, token and password in the registry");
        this.registryId = registryId;
        this.name = name;
        this.repositories = new LinkedHashMap<>(repositories);
        this.passwordLifetime = passwordLifetime;
    }

    UUID getRegistryId() {
        return registryId;
    }

    String getName() {
        return name;
    }

    Map<String, List<String>> getRepositories() {
        return repositories;
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

    void setRepositories(Map<String, List<String>> repositories) {
        this.repositories = new LinkedHashMap<>(repositories);
    }

    void setPasswordLifetime(String passwordLifetime) {
        this.passwordLifetime = passwordLifetime;
    }

    boolean hasCredential() {
        return credential != null && credential.isSet();
    }

    PasswordSlot getCredentialSlot() {
        return slot(credentialSlot);
    }

    Instant getCredentialCreatedAt() {
        return credentialCreatedAt;
    }

    /** The slot of the previous password while a rotation waits to retire it; null otherwise. */
    PasswordSlot getRetiringSlot() {
        return slot(retiringSlot);
    }

    Instant getRotationStartedAt() {
        return rotationStartedAt;
    }

    /** Records the token's first password (or one generated again because none was stored). */
    void storeFirstPassword(EncryptedSecret credential, PasswordSlot slot, Instant createdAt, Instant expiresAt,
                            String fingerprint) {
        setCurrent(credential, slot, createdAt, expiresAt, fingerprint);
    }

    /**
     * Makes a rotation's new password current; the one it replaces keeps working, in its slot, until
     * {@link #retired()}.
     */
    void rotatedTo(EncryptedSecret credential, PasswordSlot slot, Instant createdAt, Instant expiresAt,
                   String fingerprint) {
        PasswordSlot previous = getCredentialSlot();
        setCurrent(credential, slot, createdAt, expiresAt, fingerprint);
        this.retiringSlot = previous == null ? null : slotName(previous);
        this.rotationStartedAt = createdAt;
    }

    /** Asked to rotate again while a rotation waits: wait for the users again, from now. */
    void rotationRequestedAgain(Instant now) {
        this.rotationStartedAt = now;
    }

    /** The previous password no longer works: the rotation is over. */
    void retired() {
        this.retiringSlot = null;
        this.rotationStartedAt = null;
    }

    private void setCurrent(EncryptedSecret credential, PasswordSlot slot, Instant createdAt, Instant expiresAt,
                            String fingerprint) {
        this.credential = credential;
        this.credentialSlot = slotName(slot);
        this.credentialCreatedAt = createdAt;
        this.credentialExpiresAt = expiresAt;
        this.credentialFingerprint = fingerprint;
    }

    /** ACR's name of the slot: {@code password1} or {@code password2}. */
    static String slotName(PasswordSlot slot) {
        return slot.name().toLowerCase(Locale.ROOT);
    }

    static PasswordSlot other(PasswordSlot slot) {
        return slot == PasswordSlot.PASSWORD1 ? PasswordSlot.PASSWORD2 : PasswordSlot.PASSWORD1;
    }

    private static PasswordSlot slot(String name) {
        return name == null ? null : PasswordSlot.valueOf(name.toUpperCase(Locale.ROOT));
    }

    String credentialContext() {
        return credentialContext(getId());
    }

    static String credentialContext(UUID id) {
        return "registry-token/" + id + "/password";
    }

    RegistryTokenView view() {
        return new RegistryTokenView(getId(), registryId, name, getStatus().phase());
    }
}
