package io.pullbridge.audit;

import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.testhelper.ManualScheduler;
import com.github.kagkarlsson.scheduler.testhelper.SettableClock;
import io.pullbridge.support.IntegrationTest;
import io.pullbridge.support.ManualScheduling;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** The audit trail keeps {@code pullbridge.audit.retention} (400 days by default) of history, and no more. */
@IntegrationTest
@Import(ManualScheduling.class)
@TestPropertySource(properties = "pullbridge.audit.purge-batch-size=2")
class AuditRetentionIntegrationTests {

    private static final Duration RETENTION = Duration.ofDays(400);

    @Autowired
    ManualScheduler scheduler;

    @Autowired
    SettableClock clock;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    DataSource dataSource;

    @Autowired
    List<Task<?>> tasks;

    @Test
    void theRecurringPurgeDeletesInBatchesOnlyWhatIsOlderThanTheRetentionOnOneReplica() {
        String actor = "retention-" + UUID.randomUUID();
        Instant now = advancePastThePurgeInterval();
        for (int i = 0; i < 5; i++) {
            insert(actor, "old-" + i, now.minus(RETENTION).minusSeconds(1 + i * 86_400L));
        }
        insert(actor, "just-inside", now.minus(RETENTION).plus(Duration.ofDays(1)));
        insert(actor, "recent", now.minus(Duration.ofHours(1)));
        long purgesBefore = purges();

        scheduler.runAnyDueExecutions();
        ManualScheduling.replica(dataSource, tasks, clock).runAnyDueExecutions();

        assertThat(jdbc.sql("select action from audit_events where actor = ? order by occurred_at").param(actor)
                .query(String.class).list()).containsExactly("just-inside", "recent");
        assertThat(purges() - purgesBefore).as("purges run by two replicas").isEqualTo(1);
        assertThat(jdbc.sql("select detail from audit_events where action = 'audit.purge' order by seq desc limit 1")
                .query(String.class).single()).startsWith("deleted 5 events that occurred before ");
    }

    @Test
    void aPurgeThatFindsNothingOldDeletesNothingAndSaysNothing() {
        String actor = "retention-" + UUID.randomUUID();
        advancePastThePurgeInterval();
        scheduler.runAnyDueExecutions();
        Instant now = advancePastThePurgeInterval();
        insert(actor, "recent", now.minus(RETENTION).plus(Duration.ofDays(1)));
        long purgesBefore = purges();

        scheduler.runAnyDueExecutions();

        assertThat(jdbc.sql("select count(*) from audit_events where actor = ?").param(actor).query(Long.class)
                .single()).isEqualTo(1);
        assertThat(purges()).isEqualTo(purgesBefore);
    }

    /** The purge runs every hour: moving the clock past that makes it due, whatever ran before. */
    private Instant advancePastThePurgeInterval() {
        clock.set(clock.now().plus(Duration.ofHours(1)).plusSeconds(1));
        return clock.now();
    }

    private void insert(String actor, String action, Instant occurredAt) {
        jdbc.sql("insert into audit_events (id, occurred_at, actor, action, outcome) values (?, ?, ?, ?, 'success')")
                .param(UUID.randomUUID()).param(Timestamp.from(occurredAt)).param(actor).param(action).update();
    }

    private long purges() {
        return jdbc.sql("select count(*) from audit_events where action = 'audit.purge'").query(Long.class).single();
    }
}
