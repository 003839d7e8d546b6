package io.pullbridge.webhooks;

import io.pullbridge.common.CredentialExpiries;
import io.pullbridge.jobs.JobContext;
import io.pullbridge.jobs.JobHandler;
import io.pullbridge.jobs.JobRequest;
import io.pullbridge.jobs.JobResult;
import io.pullbridge.jobs.ReconcileSource;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code credential.expiring}: once per reconcile interval, while a subscription wants it, a
 * {@code webhook.credential-expiry} job asks every feature that holds passwords which ones are within their expiry
 * warning (or past it), and tells of each password's expiry once: a password is known by its credential and its
 * expiry, so a rotated password that comes close to expiring in turn is told of again.
 */
@Component
class CredentialExpiryCheck implements ReconcileSource, JobHandler {

    static final String TYPE = "webhook.credential-expiry";
    static final String KIND = "webhooks";
    // One target, so at most one check is queued or running at a time, across replicas.
    static final UUID TARGET = UUID.fromString("00000000-0000-4000-8000-00000000e0e1");

    private final List<CredentialExpiries> credentials;
    private final WebhookOutbox outbox;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final Clock clock;

    CredentialExpiryCheck(List<CredentialExpiries> credentials, WebhookOutbox outbox, TransactionTemplate tx,
                          JsonMapper json, Clock clock) {
        this.credentials = credentials;
        this.outbox = outbox;
        this.tx = tx;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public List<JobRequest> reconcileRequests() {
        return outbox.wanted(WebhookEventType.CREDENTIAL_EXPIRING) ? List.of(JobRequest.of(TYPE, KIND, TARGET))
                : List.of();
    }

    @Override
    public Set<String> types() {
        return Set.of(TYPE);
    }

    @Override
    public JobResult handle(JobContext context) throws Exception {
        Instant now = clock.instant();
        int told = 0;
        for (CredentialExpiries source : credentials) {
            Integer count = context.step("check-" + source.kind(), () -> tx.execute(status -> {
                int published = 0;
                for (CredentialExpiries.Expiring expiring : source.expiring(now)) {
                    if (tell(source.kind(), expiring, now)) {
                        published++;
                    }
                }
                return published;
            }), published -> published + " newly expiring");
            told += count;
        }
        return JobResult.done(told + " credential expiry event(s)");
    }

    private boolean tell(String kind, CredentialExpiries.Expiring expiring, Instant now) {
        ObjectNode data = json.createObjectNode();
        ObjectNode credential = data.putObject("credential");
        credential.put("kind", kind);
        credential.put("id", expiring.id().toString());
        credential.put("expiresAt", expiring.expiresAt().toString());
        credential.put("expired", !now.isBefore(expiring.expiresAt()));
        String subject = kind + "/" + expiring.id();
        return outbox.publishOnce(subject + "@" + expiring.expiresAt(), WebhookEventType.CREDENTIAL_EXPIRING,
                expiring.location(), subject, data).isPresent();
    }
}
