package io.pullbridge.webhooks;

import io.pullbridge.jobs.JobContext;
import io.pullbridge.jobs.JobHandler;
import io.pullbridge.jobs.JobRequest;
import io.pullbridge.jobs.JobResult;
import io.pullbridge.jobs.ReconcileSource;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Keeps events and their deliveries within {@code pullbridge.webhooks.retention}: a reconcile pass that finds older
 * ones asks for a {@code webhook.purge} job, which deletes them in bounded batches, each committed on its own. An
 * event with a delivery still pending stays until it is delivered or given up. An expired password nobody rotated is
 * told of again once its first {@code credential.expiring} event is gone.
 */
@Component
class WebhookRetention implements ReconcileSource, JobHandler {

    static final String TYPE = "webhook.purge";
    static final UUID TARGET = UUID.fromString("00000000-0000-4000-8000-00000000e0e2");

    private final JdbcClient jdbc;
    private final WebhooksProperties properties;
    private final Clock clock;

    WebhookRetention(JdbcClient jdbc, WebhooksProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.clock = clock;
    }

    @Override
    public List<JobRequest> reconcileRequests() {
        boolean due = jdbc.sql("select exists (select 1 from webhook_events where created_at < ?)")
                .param(Timestamp.from(cutoff())).query(Boolean.class).single();
        return due ? List.of(JobRequest.of(TYPE, CredentialExpiryCheck.KIND, TARGET)) : List.of();
    }

    @Override
    public Set<String> types() {
        return Set.of(TYPE);
    }

    @Override
    public JobResult handle(JobContext context) throws Exception {
        Instant cutoff = cutoff();
        long deleted = context.step("purge", () -> {
            long total = 0;
            int batch;
            do {
                batch = jdbc.sql("""
                                delete from webhook_events where id in (
                                  select e.id from webhook_events e
                                  where e.created_at < ? and not exists (
                                    select 1 from webhook_deliveries d where d.event_id = e.id and d.state = 'pending')
                                  order by e.created_at limit ?)""")
                        .param(Timestamp.from(cutoff))
                        .param(properties.purgeBatchSize())
                        .update();
                total += batch;
            } while (batch == properties.purgeBatchSize());
            return total;
        }, total -> total + " event(s) created before " + cutoff + " deleted with their deliveries");
        return JobResult.done(deleted + " event(s) deleted (retention " + properties.retention() + ")");
    }

    private Instant cutoff() {
        return clock.instant().minus(properties.retention());
    }
}
