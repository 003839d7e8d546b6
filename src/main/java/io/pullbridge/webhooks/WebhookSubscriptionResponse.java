package io.pullbridge.webhooks;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A subscription as the API shows it: never its signing secret, only that one is set and its fingerprint. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WebhookSubscriptionResponse(UUID id, String url, List<String> eventTypes, String description,
                                          WebhookSecretSummary secret, Instant createdAt, Instant updatedAt,
                                          String createdBy) {

    /** @param fingerprint a keyed SHA-256 of the secret, to tell two secrets apart without seeing either */
    public record WebhookSecretSummary(boolean set, String fingerprint) {
    }

    static WebhookSubscriptionResponse of(WebhookSubscription subscription) {
        return new WebhookSubscriptionResponse(subscription.getId(), subscription.getUrl(),
                subscription.getEventTypes(), subscription.getDescription(),
                new WebhookSecretSummary(subscription.getSecret() != null && subscription.getSecret().isSet(),
                        subscription.getSecretFingerprint()),
                subscription.getCreatedAt(), subscription.getUpdatedAt(), subscription.getCreatedBy());
    }
}
