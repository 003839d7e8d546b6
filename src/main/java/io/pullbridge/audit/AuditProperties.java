package io.pullbridge.audit;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long the audit trail is kept ({@code pullbridge.audit.*}).
 *
 * @param retention      events older than this are deleted; 400 days by default, so a year's trail is always there
 * @param purgeInterval  how often the purge looks for such events (once across all replicas)
 * @param purgeBatchSize how many events one delete statement removes: the purge deletes batch after batch, each in
 *                       a short transaction of its own, so it never holds locks on a large part of the table
 */
@ConfigurationProperties("pullbridge.audit")
public record AuditProperties(@DefaultValue("P400D") Duration retention,
                              @DefaultValue("PT1H") Duration purgeInterval,
                              @DefaultValue("1000") int purgeBatchSize) {

    @ConstructorBinding
    public AuditProperties {
        retention = retention == null ? Duration.ofDays(400) : retention;
        purgeInterval = purgeInterval == null ? Duration.ofHours(1) : purgeInterval;
        if (retention.compareTo(Duration.ofDays(1)) < 0) {
            throw new IllegalArgumentException("pullbridge.audit.retention must be at least one day (P1D), not "
                    + retention);
        }
        if (purgeInterval.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalArgumentException("pullbridge.audit.purge-interval must be at least a minute, not "
                    + purgeInterval);
        }
        if (purgeBatchSize < 1 || purgeBatchSize > 100_000) {
            throw new IllegalArgumentException("pullbridge.audit.purge-batch-size must be between 1 and 100000, not "
                    + purgeBatchSize);
        }
    }
}
