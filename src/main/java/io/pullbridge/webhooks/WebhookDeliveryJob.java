package io.pullbridge.webhooks;

import io.pullbridge.crypto.SecretCipher;
import io.pullbridge.jobs.FailureClass;
import io.pullbridge.jobs.JobContext;
import io.pullbridge.jobs.JobFailure;
import io.pullbridge.jobs.JobHandler;
import io.pullbridge.jobs.JobProblem;
import io.pullbridge.jobs.JobResult;
import java.net.URI;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Runs {@code webhook.deliver}: posts the stored event to the subscription's URL, signed with its current secret,
 * and records the answer. Anything but a 2xx answer is a transient failure, retried with the engine's backoff (no
 * sooner than the receiver's {@code Retry-After}). The post and its record are two steps: a replica that stops in
 * between hands the job back, and the next run posts again with the same {@code webhook-id}, which is what lets a
 * receiver drop the duplicate.
 */
@Component
class WebhookDeliveryJob implements JobHandler {

    private final WebhookOutbox outbox;
    private final WebhookSubscriptionRepository subscriptions;
    private final WebhookSender sender;
    private final SecretCipher cipher;

    WebhookDeliveryJob(WebhookOutbox outbox, WebhookSubscriptionRepository subscriptions, WebhookSender sender,
                       SecretCipher cipher) {
        this.outbox = outbox;
        this.subscriptions = subscriptions;
        this.sender = sender;
        this.cipher = cipher;
    }

    @Override
    public Set<String> types() {
        return Set.of(WebhookOutbox.DELIVER);
    }

    @Override
    public JobResult handle(JobContext context) throws Exception {
        Optional<WebhookOutbox.Pending> found = outbox.load(context.targetId());
        Optional<WebhookSubscription> subscription = found.flatMap(delivery ->
                subscriptions.findById(delivery.subscriptionId()));
        if (found.isEmpty() || subscription.isEmpty()) {
            return JobResult.done("the subscription was removed; nothing to send");
        }
        WebhookOutbox.Pending delivery = found.get();
        if (delivery.state().equals("delivered") && !context.data().containsKey(WebhookOutbox.REDELIVERY)) {
            return JobResult.done("already delivered");
        }
        String secret = cipher.decrypt(subscription.get().getSecret(),
                WebhookSubscription.secretContext(subscription.get().getId()));
        context.protect(secret);
        String host = URI.create(delivery.url()).getHost();
        String webhookId = WebhookOutbox.webhookId(delivery.id());
        Integer status = context.step("post", () -> post(context, delivery, webhookId, secret, host),
                answered -> "HTTP " + answered + " from " + host);
        context.step("record", () -> {
            context.fenced(() -> outbox.delivered(delivery.id()));
            return "delivered as " + webhookId;
        });
        return JobResult.done("delivered to " + host + " (HTTP " + status + ")");
    }

    private Integer post(JobContext context, WebhookOutbox.Pending delivery, String webhookId, String secret,
                         String host) {
        WebhookSender.Outcome outcome;
        try {
            outcome = sender.send(delivery.url(), webhookId, delivery.body(), secret);
        } catch (IllegalArgumentException refused) {
            context.fenced(() -> outbox.attempted(delivery.id(), null, refused.getMessage()));
            throw JobFailure.permanent("webhook-receiver-refused", "The receiver's host is refused", 422,
                    "PullBridge does not send to " + host + ": " + refused.getMessage());
        }
        String error = outcome.error() != null ? outcome.error()
                : outcome.delivered() ? null : "HTTP " + outcome.status() + " from " + host;
        context.fenced(() -> outbox.attempted(delivery.id(), outcome.status(), error));
        if (!outcome.delivered()) {
            throw JobFailure.transientFailure(JobProblem.of("webhook-delivery-failed",
                    "The receiver did not accept the event", 502, error, FailureClass.TRANSIENT),
                    outcome.retryAfter(), null);
        }
        return outcome.status();
    }
}
