package io.pullbridge.audit;

import io.pullbridge.web.RequestContext;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Keeps the audit trail within {@code pullbridge.audit.retention}: deletes older events in bounded batches, each
 * committed on its own, and records how many it deleted as an audit event of its own.
 */
@Component
class AuditRetention {

    static final String ACTION = "audit.purge";

    private static final Logger log = LoggerFactory.getLogger(AuditRetention.class);

    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final AuditProperties properties;
    private final Clock clock;

    AuditRetention(JdbcClient jdbc, AuditLog audit, AuditProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.properties = properties;
        this.clock = clock;
    }

    /** @return how many events were deleted */
    long purge() {
        Instant cutoff = clock.instant().minus(properties.retention());
        long deleted = 0;
        int batch;
        do {
            batch = jdbc.sql("""
                            delete from audit_events where id in (
                                select id from audit_events where occurred_at < ? order by occurred_at limit ?)""")
                    .param(Timestamp.from(cutoff))
                    .param(properties.purgeBatchSize())
                    .update();
            deleted += batch;
        } while (batch == properties.purgeBatchSize());
        if (deleted > 0) {
            log.info("Deleted {} audit events older than {} (pullbridge.audit.retention {})", deleted, cutoff,
                    properties.retention());
            audit.recordSeparately(RequestContext.SYSTEM_ACTOR, ACTION, null, null, AuditLog.SUCCESS,
                    "deleted " + deleted + " events that occurred before " + cutoff + " (retention "
                            + properties.retention() + ")");
        }
        return deleted;
    }
}
