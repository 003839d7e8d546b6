package io.pullbridge.webhooks;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.UUID;

/**
 * One event's delivery to one subscription.
 *
 * @param webhookId      the {@code webhook-id} header of every attempt: the same across retries and redeliveries, so
 *                       receivers de-duplicate on it
 * @param lastStatusCode the HTTP status of the last attempt's answer; absent when it got none
 * @param lastError      why the last attempt failed, when it did
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WebhookDeliveryResponse(UUID id, UUID eventId, String eventType, String webhookId,
                                      @Schema(allowableValues = {"pending", "delivered", "failed"}) String state,
                                      int attempts, Integer lastStatusCode, String lastError,
                                      Instant lastAttemptAt, Instant deliveredAt, UUID jobId, Instant createdAt) {
}
