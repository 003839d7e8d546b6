package io.pullbridge.webhooks;

import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.JpaSpecificationExecutor;

interface WebhookSubscriptionRepository extends JpaRepository<WebhookSubscription, UUID>,
        JpaSpecificationExecutor<WebhookSubscription> {
}
