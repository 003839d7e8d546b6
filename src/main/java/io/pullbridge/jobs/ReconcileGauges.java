package io.pullbridge.jobs;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pullbridge.metrics.RefreshedGauges;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * {@code pullbridge_reconcile_last_pass_timestamp_seconds}: when the recurring reconciliation pass last ended well,
 * as db-scheduler records it for the whole deployment (every replica reports the same time, whichever ran the pass);
 * until the first pass, when this replica started, so that a pass that never runs shows as overdue too.
 * {@code pullbridge_reconcile_interval_seconds}: how often it should run, so an alert can compare the two.
 */
@Component
class ReconcileGauges implements RefreshedGauges {

    private final JdbcClient jdbc;
    private final AtomicReference<Instant> lastPass;

    ReconcileGauges(JdbcClient jdbc, JobsProperties properties, MeterRegistry registry, Clock clock) {
        this.jdbc = jdbc;
        this.lastPass = new AtomicReference<>(clock.instant());
        Gauge.builder("pullbridge.reconcile.last.pass.timestamp", lastPass, last -> last.get().toEpochMilli() / 1000.0)
                .description("When the reconciliation pass last succeeded (before the first: when this replica "
                        + "started)")
                .baseUnit("seconds")
                .register(registry);
        Gauge.builder("pullbridge.reconcile.interval", properties, p -> p.reconcileInterval().toMillis() / 1000.0)
                .description("How often the reconciliation pass runs (pullbridge.jobs.reconcile-interval)")
                .baseUnit("seconds")
                .register(registry);
    }

    @Override
    public void refresh() {
        Timestamp last = jdbc.sql("select max(last_success) from scheduled_tasks where task_name = ?")
                .param(ReconcileTrigger.TASK_NAME).query(Timestamp.class).list().stream()
                .filter(Objects::nonNull).findFirst().orElse(null);
        if (last != null) {
            lastPass.set(last.toInstant());
        }
    }
}
