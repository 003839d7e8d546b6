package io.pullbridge.webhooks;

import io.pullbridge.crypto.EncryptedColumn;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Webhook subscriptions' signing secrets, as the re-encryption under the current master key finds them. */
@Component
class StoredWebhookSecrets extends EncryptedColumn {

    StoredWebhookSecrets(JdbcClient jdbc) {
        super(jdbc, "webhook-signing-secret", "webhook_subscriptions", "secret", WebhookSubscription::secretContext);
    }
}
