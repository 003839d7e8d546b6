package io.pullbridge.webhooks;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** A change to a subscription: the fields given replace the current ones; a new secret signs the next attempts. */
public record UpdateWebhookSubscriptionRequest(
        @Schema(description = "An https URL on a host the host policy accepts") String url,
        @ArraySchema(schema = @Schema(allowableValues = {"job.succeeded", "job.failed", "binding.phase-changed",
                "credential.expiring", "credential.rotated", "cluster.unreachable"}), minItems = 1)
        List<String> eventTypes,
        @Schema(description = "Write-only signing secret: whsec_ followed by the base64 of 24 to 64 random bytes",
                accessMode = Schema.AccessMode.WRITE_ONLY) String secret,
        @Schema(description = "Free text, up to 200 characters") String description) {
}
