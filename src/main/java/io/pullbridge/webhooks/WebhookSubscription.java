package io.pullbridge.webhooks;

import io.pullbridge.common.VersionedEntity;
import io.pullbridge.crypto.EncryptedSecret;
import jakarta.persistence.AttributeOverride;
import jakarta.persistence.AttributeOverrides;
import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

@Entity
@Table(name = "webhook_subscriptions")
class WebhookSubscription extends VersionedEntity {

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

    protected WebhookSubscription() {
    }

    WebhookSubscription(UUID id, String url, List<String> eventTypes, String description, Instant now,
                        String createdBy) {
        super(id, now, createdBy);
        this.url = url;
        this.eventTypes = new ArrayList<>(eventTypes);
        this.description = description;
    }

    /** The associated data the signing secret is encrypted with: bound to this row. */
    static String secretContext(UUID id) {
        return "webhook-subscription/" + id + "/secret";
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
}
