package io.pullbridge.webhooks;

import io.pullbridge.audit.AuditLog;
import io.pullbridge.clusters.ServerHostPolicy;
import io.pullbridge.crypto.SecretCipher;
import io.pullbridge.jobs.JobRef;
import io.pullbridge.web.ApiException;
import io.pullbridge.web.ETags;
import io.pullbridge.web.PageQuery;
import io.pullbridge.web.PageResponse;
import io.pullbridge.web.RequestContext;
import io.pullbridge.web.Violations;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.springframework.data.jpa.domain.Specification;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Webhook subscriptions: validated, their signing secret encrypted bound to the row, every change audited (the
 * receiver's host only: a URL's path or query may hold a receiver's own token).
 */
@Service
public class WebhookSubscriptionService {

    static final String KIND = "webhook-subscription";
    static final int MAX_URL_LENGTH = 2048;
    static final int MAX_DESCRIPTION_LENGTH = 200;

    private final WebhookSubscriptionRepository subscriptions;
    private final WebhookOutbox outbox;
    private final SecretCipher cipher;
    private final ServerHostPolicy hostPolicy;
    private final AuditLog audit;
    private final Clock clock;

    WebhookSubscriptionService(WebhookSubscriptionRepository subscriptions, WebhookOutbox outbox, SecretCipher cipher,
                               ServerHostPolicy hostPolicy, AuditLog audit, Clock clock) {
        this.subscriptions = subscriptions;
        this.outbox = outbox;
        this.cipher = cipher;
        this.hostPolicy = hostPolicy;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional
    WebhookSubscription create(CreateWebhookSubscriptionRequest request) {
        if (request == null) {
            throw ApiException.invalid("body", "is required");
        }
        Violations violations = new Violations();
        checkUrl(request.url(), violations);
        List<String> types = eventTypes(request.eventTypes(), violations);
        checkSecret(request.secret(), true, violations);
        checkDescription(request.description(), violations);
        violations.throwIfAny();
        WebhookSubscription subscription = new WebhookSubscription(UUID.randomUUID(), request.url().strip(), types,
                request.description(), clock.instant(), RequestContext.actor());
        storeSecret(subscription, request.secret());
        subscriptions.save(subscription);
        audit.record("webhook-subscription.create", KIND, subscription.getId(), describe(subscription));
        return subscription;
    }

    @Transactional(readOnly = true)
    WebhookSubscription get(UUID id) {
        return subscriptions.findById(id).orElseThrow(() -> ApiException.notFound(KIND, id));
    }

    @Transactional(readOnly = true)
    PageResponse<WebhookSubscriptionResponse> list(PageQuery page) {
        return page.fetch(subscriptions, Specification.unrestricted(), WebhookSubscriptionResponse::of);
    }

    @Transactional
    WebhookSubscription update(UUID id, UpdateWebhookSubscriptionRequest request, String ifMatch) {
        if (request == null) {
            throw ApiException.invalid("body", "is required");
        }
        WebhookSubscription subscription = get(id);
        ETags.checkIfMatch(ifMatch, subscription.getVersion());
        Violations violations = new Violations();
        if (request.url() != null) {
            checkUrl(request.url(), violations);
        }
        List<String> types = request.eventTypes() == null ? null : eventTypes(request.eventTypes(), violations);
        checkSecret(request.secret(), false, violations);
        checkDescription(request.description(), violations);
        violations.throwIfAny();
        boolean changed = false;
        if (request.url() != null && !request.url().strip().equals(subscription.getUrl())) {
            subscription.setUrl(request.url().strip());
            changed = true;
        }
        if (types != null && !types.equals(subscription.getEventTypes())) {
            subscription.setEventTypes(types);
            changed = true;
        }
        if (request.description() != null && !request.description().equals(subscription.getDescription())) {
            subscription.setDescription(request.description());
            changed = true;
        }
        if (request.secret() != null && !cipher.fingerprint(request.secret())
                .equals(subscription.getSecretFingerprint())) {
            storeSecret(subscription, request.secret());
            changed = true;
        }
        if (changed) {
            subscription.touched(clock.instant());
            subscriptions.saveAndFlush(subscription);
            audit.record("webhook-subscription.update", KIND, id, describe(subscription)
                    + (request.secret() != null ? "; new signing secret " + subscription.getSecretFingerprint() : ""));
        }
        return subscription;
    }

    /** Removes the subscription and its deliveries; queued deliveries find it gone and end. */
    @Transactional
    void delete(UUID id, String ifMatch) {
        WebhookSubscription subscription = get(id);
        ETags.checkIfMatch(ifMatch, subscription.getVersion());
        subscriptions.delete(subscription);
        audit.record("webhook-subscription.delete", KIND, id, describe(subscription));
    }

    @Transactional(readOnly = true)
    PageResponse<WebhookDeliveryResponse> deliveries(UUID id, PageQuery page) {
        get(id);
        return outbox.deliveries(id, page);
    }

    @Transactional
    JobRef redeliver(UUID id, UUID deliveryId) {
        get(id);
        JobRef job = outbox.redeliver(id, deliveryId)
                .orElseThrow(() -> ApiException.notFound("webhook delivery of subscription " + id, deliveryId));
        audit.record("webhook-subscription.redeliver", KIND, id, "delivery " + deliveryId);
        return job;
    }

    private void storeSecret(WebhookSubscription subscription, String secret) {
        subscription.setSecret(cipher.encrypt(secret, WebhookSubscription.secretContext(subscription.getId())),
                cipher.fingerprint(secret));
    }

    private void checkUrl(String url, Violations violations) {
        if (!violations.check(url != null && !url.isBlank(), "url", "is required")) {
            return;
        }
        String value = url.strip();
        if (!violations.check(value.length() <= MAX_URL_LENGTH, "url", "must be at most " + MAX_URL_LENGTH
                + " characters")) {
            return;
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            violations.add("url", "is not a valid URL");
            return;
        }
        if (!violations.check("https".equalsIgnoreCase(uri.getScheme()) && uri.isAbsolute() && uri.getHost() != null,
                "url", "must be an absolute https URL with a host")) {
            return;
        }
        if (!violations.check(uri.getRawUserInfo() == null, "url", "must not hold a user name or password")
                || !violations.check(uri.getRawFragment() == null, "url", "must not have a #fragment")) {
            return;
        }
        hostPolicy.refusal(uri.getHost()).ifPresent(reason -> violations.add("url", reason.replaceFirst(
                "^server host", "host")));
    }

    private static List<String> eventTypes(List<String> requested, Violations violations) {
        if (!violations.check(requested != null && !requested.isEmpty(), "eventTypes",
                "must name at least one of " + WebhookEventType.allowed())) {
            return List.of();
        }
        Set<String> types = new LinkedHashSet<>();
        for (int i = 0; i < requested.size(); i++) {
            String type = requested.get(i);
            if (type == null || WebhookEventType.fromValue(type).isEmpty()) {
                violations.add("eventTypes[" + i + "]", "must be one of " + WebhookEventType.allowed());
            } else if (!types.add(type)) {
                violations.add("eventTypes[" + i + "]", type + " is listed twice");
            }
        }
        return types.stream().sorted().toList();
    }

    private static void checkSecret(String secret, boolean required, Violations violations) {
        if (secret == null) {
            violations.check(!required, "secret", "is required: " + WebhookSignature.refusal(null).orElseThrow());
            return;
        }
        WebhookSignature.refusal(secret).ifPresent(reason -> violations.add("secret", reason));
    }

    private static void checkDescription(String description, Violations violations) {
        if (description != null) {
            violations.check(description.length() <= MAX_DESCRIPTION_LENGTH, "description",
                    "must be at most " + MAX_DESCRIPTION_LENGTH + " characters");
        }
    }

    /** The receiver's host and the event types: never the URL's path or query, nor the secret. */
    private static String describe(WebhookSubscription subscription) {
        String host = URI.create(subscription.getUrl()).getHost().toLowerCase(Locale.ROOT);
        return "to " + host + " for " + String.join(", ", subscription.getEventTypes());
    }
}
