package io.pullbridge.webhooks;

import io.pullbridge.crypto.EncryptedSecret;
import jakarta.persistence.AttributeOverride;
import jakarta.persistence.AttributeOverrides;
import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.PostLoad;
import jakarta.persistence.PostPersist;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import jakarta.persistence.Version;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;
import org.springframework.data.domain.Persistable;

@Entity
@Table(name = "webhook_subscriptions")
class WebhookSubscription implements Persistable<UUID> {

    @Id
    private UUID id;

    @Column(nullable = false)
    private String url;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "event_types", nullable = false)
    private List<String> eventTypes = new ArrayList<>();

    private String description;

    @Embedded
    @AttributeOverrides({
            @AttributeOverride(name = "keyId", column = @Column(name = "secret_key_id")),
            @AttributeOverride(name = "ciphertext", column = @Column(name = "secret_ciphertext"))})
    private EncryptedSecret secret;

    @Column(name = "secret_fingerprint", nullable = false)
    private String secretFingerprint;

    @Version
    private long version;

    @Column(name = "created_at", nullable = false, updatable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    @Column(name = "created_by", nullable = false, updatable = false)
    private String createdBy;

    @Transient
    private boolean persisted;

    protected WebhookSubscription() {
    }

    WebhookSubscription(UUID id, String url, List<String> eventTypes, String description, Instant now,
                        String createdBy) {
        this.id = id;
        this.url = url;
        this.eventTypes = new ArrayList<>(eventTypes);
        this.description = description;
        this.createdAt = now.truncatedTo(ChronoUnit.MICROS);
        this.updatedAt = createdAt;
        this.createdBy = createdBy;
    }

    /** The associated data the signing secret is encrypted with: bound to this row. */
    static String secretContext(UUID id) {
        return "webhook-subscription/" + id + "/secret";
    }

    @Override
    public UUID getId() {
        return id;
    }

    @Override
    public boolean isNew() {
        return !persisted;
    }

    @PostLoad
    @PostPersist
    void markPersisted() {
        persisted = true;
    }

    String getUrl() {
        return url;
    }

    List<String> getEventTypes() {
        return List.copyOf(eventTypes);
    }

    String getDescription() {
        return description;
    }

    EncryptedSecret getSecret() {
        return secret;
    }

    String getSecretFingerprint() {
        return secretFingerprint;
    }

    long getVersion() {
        return version;
    }

    Instant getCreatedAt() {
        return createdAt;
    }

    Instant getUpdatedAt() {
        return updatedAt;
    }

    String getCreatedBy() {
        return createdBy;
    }

    void setUrl(String url) {
        this.url = url;
    }

    void setEventTypes(List<String> eventTypes) {
        this.eventTypes = new ArrayList<>(eventTypes);
    }

    void setDescription(String description) {
        this.description = description;
    }

    void setSecret(EncryptedSecret secret, String fingerprint) {
        this.secret = secret;
        this.secretFingerprint = fingerprint;
    }

    void touched(Instant now) {
        this.updatedAt = now.truncatedTo(ChronoUnit.MICROS);
    }
}
