package io.pullbridge.webhooks;

import io.pullbridge.jobs.JobRef;
import io.pullbridge.jobs.JobRequest;
import io.pullbridge.jobs.JobService;
import io.pullbridge.web.PageQuery;
import io.pullbridge.web.PageResponse;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The events and their deliveries, stored in the transaction of what happened (an outbox): an event is committed
 * with the change it tells of and with one {@code webhook.deliver} job per subscription that wants it, or not at all.
 */
@Component
class WebhookOutbox {

    static final String DELIVER = "webhook.deliver";
    static final String DELIVERY_KIND = "webhook-delivery";
    static final String REDELIVERY = "redelivery";

    private final JdbcClient jdbc;
    private final JobService jobs;
    private final JsonMapper json;
    private final Clock clock;

    WebhookOutbox(JdbcClient jdbc, JobService jobs, JsonMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.jobs = jobs;
        this.json = json;
        this.clock = clock;
    }

    /** Whether any subscription wants events of this type: nothing is stored for events nobody asked for. */
    boolean wanted(WebhookEventType type) {
        return !subscribers(type).isEmpty();
    }

    /**
     * Stores the event as a CloudEvents 1.0 structured JSON document and enqueues its deliveries, in the caller's
     * transaction.
     *
     * @param source        the URI reference of what the event is about, e.g. {@code /api/v1/jobs/<id>}
     * @param correlationId the ticket the causing request carried, or null
     * @return the event's id, or empty when no subscription wants it
     */
    @Transactional(propagation = Propagation.MANDATORY)
    Optional<UUID> publish(WebhookEventType type, String source, String subject, String correlationId,
                           ObjectNode data) {
        return publish(type, source, subject, correlationId, data, null);
    }

    /**
     * {@link #publish}, once per {@code onceKey}: an event already stored under the same key is not stored again.
     *
     * @return the event's id, or empty when no subscription wants it or it was told before
     */
    @Transactional(propagation = Propagation.MANDATORY)
    Optional<UUID> publishOnce(String onceKey, WebhookEventType type, String source, String subject,
                               ObjectNode data) {
        return publish(type, source, subject, null, data, onceKey);
    }

    private Optional<UUID> publish(WebhookEventType type, String source, String subject, String correlationId,
                                   ObjectNode data, String onceKey) {
        List<UUID> subscriptions = subscribers(type);
        if (subscriptions.isEmpty()) {
            return Optional.empty();
        }
        UUID id = UUID.randomUUID();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        ObjectNode event = json.createObjectNode();
        event.put("specversion", "1.0");
        event.put("id", id.toString());
        event.put("source", source);
        event.put("type", type.value());
        event.put("subject", subject);
        event.put("time", now.toString());
        event.put("datacontenttype", "application/json");
        if (correlationId != null) {
            event.put("correlationid", correlationId);
        }
        event.set("data", data);
        int stored = jdbc.sql("""
                        insert into webhook_events (id, type, subject, body, correlation_id, once_key, created_at)
                        values (?, ?, ?, ?, ?, ?, ?) on conflict (once_key) do nothing""")
                .params(id, type.value(), subject, json.writeValueAsString(event), correlationId, onceKey,
                        Timestamp.from(now))
                .update();
        if (stored == 0) {
            return Optional.empty();
        }
        for (UUID subscription : subscriptions) {
            UUID delivery = UUID.randomUUID();
            jdbc.sql("""
                            insert into webhook_deliveries (id, subscription_id, event_id, state, created_at)
                            values (?, ?, ?, 'pending', ?)""")
                    .params(delivery, subscription, id, Timestamp.from(now)).update();
            JobRef job = jobs.enqueue(JobRequest.of(DELIVER, DELIVERY_KIND, delivery));
            jdbc.sql("update webhook_deliveries set job_id = ? where id = ?").params(job.id(), delivery).update();
        }
        return Optional.of(id);
    }

    /** A delivery with where it goes and what it sends. */
    record Pending(UUID id, UUID subscriptionId, String url, String state, String body) {
    }

    Optional<Pending> load(UUID deliveryId) {
        return jdbc.sql("""
                        select d.id, d.subscription_id, s.url, d.state, e.body
                        from webhook_deliveries d
                          join webhook_subscriptions s on s.id = d.subscription_id
                          join webhook_events e on e.id = d.event_id
                        where d.id = ?""")
                .param(deliveryId)
                .query((rs, row) -> new Pending(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        rs.getString(3), rs.getString(4), rs.getString(5)))
                .optional();
    }

    /** Records one attempt's outcome: the answer's status, or why there was none. */
    @Transactional(propagation = Propagation.MANDATORY)
    void attempted(UUID deliveryId, Integer status, String error) {
        jdbc.sql("""
                        update webhook_deliveries set attempts = attempts + 1, last_status_code = ?, last_error = ?,
                          last_attempt_at = ?
                        where id = ?""")
                .params(status, error, Timestamp.from(clock.instant()), deliveryId).update();
    }

    @Transactional(propagation = Propagation.MANDATORY)
    void delivered(UUID deliveryId) {
        jdbc.sql("update webhook_deliveries set state = 'delivered', delivered_at = ? where id = ?")
                .params(Timestamp.from(clock.instant()), deliveryId).update();
    }

    /** The delivery's job ended without delivering it (it gave up, failed for good or was cancelled). */
    @Transactional(propagation = Propagation.MANDATORY)
    void gaveUp(UUID deliveryId, UUID jobId) {
        jdbc.sql("update webhook_deliveries set state = 'failed' where id = ? and state = 'pending' and job_id = ?")
                .params(deliveryId, jobId).update();
    }

    /** Queues the delivery again, whatever its state: a new job sends it with the same {@code webhook-id}. */
    @Transactional(propagation = Propagation.MANDATORY)
    Optional<JobRef> redeliver(UUID subscriptionId, UUID deliveryId) {
        int found = jdbc.sql("""
                        update webhook_deliveries set state = 'pending'
                        where id = ? and subscription_id = ?""")
                .params(deliveryId, subscriptionId).update();
        if (found == 0) {
            return Optional.empty();
        }
        JobRef job = jobs.enqueue(new JobRequest(DELIVER, DELIVERY_KIND, deliveryId, Map.of(REDELIVERY, "true")));
        jdbc.sql("update webhook_deliveries set job_id = ? where id = ?").params(job.id(), deliveryId).update();
        return Optional.of(job);
    }

    /** A subscription's deliveries, newest first. */
    PageResponse<WebhookDeliveryResponse> deliveries(UUID subscriptionId, PageQuery page) {
        String after = page.isFirst() ? "" : " and (d.created_at, d.id) < (?, ?)";
        var query = jdbc.sql("""
                        select d.id, d.event_id, e.type, d.state, d.attempts, d.last_status_code, d.last_error,
                          d.last_attempt_at, d.delivered_at, d.job_id, d.created_at
                        from webhook_deliveries d join webhook_events e on e.id = d.event_id
                        where d.subscription_id = ?""" + after + " order by d.created_at desc, d.id desc limit ?")
                .param(subscriptionId);
        if (!page.isFirst()) {
            query = query.param(Timestamp.from(page.afterCreatedAt())).param(page.afterId());
        }
        List<WebhookDeliveryResponse> rows = query.param(page.fetchSize()).query((rs, row) -> delivery(rs)).list();
        return page.page(rows, WebhookDeliveryResponse::createdAt, WebhookDeliveryResponse::id, row -> row);
    }

    private static WebhookDeliveryResponse delivery(ResultSet rs) throws SQLException {
        UUID id = rs.getObject(1, UUID.class);
        return new WebhookDeliveryResponse(id, rs.getObject(2, UUID.class), rs.getString(3), webhookId(id),
                rs.getString(4), rs.getInt(5), (Integer) rs.getObject(6), rs.getString(7), instant(rs, 8),
                instant(rs, 9), rs.getObject(10, UUID.class), instant(rs, 11));
    }

    /** The {@code webhook-id} of a delivery: stable per event and subscription. */
    static String webhookId(UUID deliveryId) {
        return "msg_" + deliveryId;
    }

    /**
     * Records the phase (and reachability) webhooks last saw for a resource.
     *
     * @return what was recorded before, or empty the first time
     */
    @Transactional(propagation = Propagation.MANDATORY)
    Optional<Watched> watch(String kind, UUID resourceId, String phase, boolean unreachable) {
        Optional<Watched> before = jdbc.sql("""
                        select phase, unreachable from webhook_watched_resources where resource_id = ? for update""")
                .param(resourceId)
                .query((rs, row) -> new Watched(rs.getString(1), rs.getBoolean(2)))
                .optional();
        jdbc.sql("""
                        insert into webhook_watched_resources (resource_id, kind, phase, unreachable)
                        values (?, ?, ?, ?)
                        on conflict (resource_id) do update set phase = excluded.phase,
                          unreachable = excluded.unreachable""")
                .params(resourceId, kind, phase, unreachable).update();
        return before;
    }

    /** Forgets a resource that is gone; returns what was last seen of it, if anything. */
    @Transactional(propagation = Propagation.MANDATORY)
    Optional<Watched> forget(UUID resourceId) {
        return jdbc.sql("delete from webhook_watched_resources where resource_id = ? returning phase, unreachable")
                .param(resourceId)
                .query((rs, row) -> new Watched(rs.getString(1), rs.getBoolean(2)))
                .optional();
    }

    record Watched(String phase, boolean unreachable) {
    }

    private List<UUID> subscribers(WebhookEventType type) {
        return jdbc.sql("select id from webhook_subscriptions where event_types @> jsonb_build_array(?::text)")
                .param(type.value())
                .query(UUID.class)
                .list();
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp value = rs.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }
}
