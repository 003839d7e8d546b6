package io.pullbridge.jobs;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.stereotype.Component;

/**
 * Job metrics for {@code /actuator/prometheus}: jobs finished by type and outcome, their durations, retries,
 * takeovers, the queue's depth and the age of its oldest job. Queue figures come from one query, cached briefly so
 * frequent scrapes cost the database nothing more.
 */
@Component
class JobMetrics {

    private static final Duration QUEUE_STATS_TTL = Duration.ofSeconds(5);

    private final MeterRegistry registry;
    private final JobStore store;
    private final Clock clock;
    private final AtomicReference<CachedStats> stats = new AtomicReference<>();

    private record CachedStats(Instant readAt, JobStore.QueueStats stats) {
    }

    JobMetrics(MeterRegistry registry, JobStore store, Clock clock) {
        this.registry = registry;
        this.store = store;
        this.clock = clock;
        Gauge.builder("pullbridge.jobs.queue.depth", this, metrics -> metrics.queueStats().queued())
                .description("Jobs waiting to run, including those waiting to retry")
                .register(registry);
        Gauge.builder("pullbridge.jobs.queue.oldest.age", this, JobMetrics::oldestAgeSeconds)
                .description("Age of the oldest queued job")
                .baseUnit("seconds")
                .register(registry);
    }

    void finished(String type, JobState state, Instant startedAt, Instant finishedAt) {
        Counter.builder("pullbridge.jobs.completed").description("Jobs that reached an end state")
                .tag("type", type).tag("outcome", state.value())
                .register(registry).increment();
        Timer.builder("pullbridge.jobs.duration").description("Time of a job's last run, from claim to end")
                .tag("type", type).tag("outcome", state.value())
                .register(registry).record(Duration.between(startedAt, finishedAt));
    }

    void retried(String type) {
        Counter.builder("pullbridge.jobs.retries").description("Failed runs that will be retried")
                .tag("type", type).register(registry).increment();
    }

    void lost(String type) {
        Counter.builder("pullbridge.jobs.takeovers").description("Runs abandoned because another replica took the job")
                .tag("type", type).register(registry).increment();
    }

    private double oldestAgeSeconds() {
        Instant oldest = queueStats().oldestQueuedAt();
        return oldest == null ? 0 : Math.max(0, Duration.between(oldest, clock.instant()).toMillis() / 1000.0);
    }

    private JobStore.QueueStats queueStats() {
        Instant now = clock.instant();
        CachedStats cached = stats.get();
        if (cached == null || cached.readAt().plus(QUEUE_STATS_TTL).isBefore(now)) {
            cached = new CachedStats(now, store.queueStats());
            stats.set(cached);
        }
        return cached.stats();
    }
}
