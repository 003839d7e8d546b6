package io.pullbridge.webhooks;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * A new subscription.
 *
 * @param secret write-only: the Standard Webhooks signing secret, {@code whsec_} and the base64 of 24 to 64 random
 *               bytes
 */
public record CreateWebhookSubscriptionRequest(
        @Schema(description = "An https URL on a host the host policy accepts", example = "https://portal.example.com/hooks/pullbridge",
                requiredMode = Schema.RequiredMode.REQUIRED) String url,
        @ArraySchema(schema = @Schema(allowableValues = {"job.succeeded", "job.failed", "binding.phase-changed",
                "credential.expiring", "credential.rotated", "cluster.unreachable"}), minItems = 1,
                arraySchema = @Schema(requiredMode = Schema.RequiredMode.REQUIRED)) List<String> eventTypes,
        @Schema(description = "Write-only signing secret: whsec_ followed by the base64 of 24 to 64 random bytes",
                accessMode = Schema.AccessMode.WRITE_ONLY, requiredMode = Schema.RequiredMode.REQUIRED,
                example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") String secret,
        @Schema(description = "Free text, up to 200 characters") String description) {
}
