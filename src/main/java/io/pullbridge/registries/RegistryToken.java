package io.pullbridge.registries;

import io.pullbridge.common.ResourceEntity;
import io.pullbridge.crypto.EncryptedSecret;
import jakarta.persistence.AttributeOverride;
import jakarta.persistence.AttributeOverrides;
import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
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

    void setCredential(EncryptedSecret credential, Instant expiresAt, String fingerprint) {
        this.credential = credential;
        this.credentialExpiresAt = expiresAt;
        this.credentialFingerprint = fingerprint;
    }

    String credentialContext() {
        return "registry-token/" + getId() + "/password";
    }

    RegistryTokenView view() {
        return new RegistryTokenView(getId(), registryId, name, getStatus().phase());
    }
}
