package io.pullbridge.jobs;

import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.OnStartup;
import com.github.kagkarlsson.scheduler.testhelper.ManualScheduler;
import com.github.kagkarlsson.scheduler.testhelper.SettableClock;
import com.github.kagkarlsson.scheduler.testhelper.TestHelper;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;

/**
 * Runs the job engine under a manual db-scheduler: tests move time with {@link SettableClock} and run due work with
 * {@code runAnyDueExecutions()}, so nothing depends on timing. Also registers handlers whose behaviour tests script.
 */
@TestConfiguration(proxyBeanMethods = false)
class ManualJobEngine {

    @Bean
    SettableClock schedulerClock() {
        // Starts at the real time: db-scheduler stamps a revived dead execution with the wall clock.
        SettableClock clock = new SettableClock();
        clock.set(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        return clock;
    }

    @Bean
    @Primary
    Clock testClock(SettableClock schedulerClock) {
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return schedulerClock.now();
            }
        };
    }

    @Bean
    ManualScheduler scheduler(DataSource dataSource, List<Task<?>> tasks, SettableClock schedulerClock) {
        return replica(dataSource, tasks, schedulerClock);
    }

    /** Another scheduler on the same database: a second replica of the service. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static ManualScheduler replica(DataSource dataSource, List<Task<?>> tasks, SettableClock clock) {
        List<Task<?>> plain = tasks.stream().filter(task -> !(task instanceof OnStartup)).toList();
        List startup = tasks.stream().filter(task -> task instanceof OnStartup).toList();
        return TestHelper.createManualScheduler(new TransactionAwareDataSourceProxy(dataSource), plain)
                .startTasks(startup)
                .clock(clock)
                .build();
    }

    @Bean
    Script script() {
        return new Script();
    }

    @Bean
    JobHandler scriptedHandler(Script script) {
        return new JobHandler() {
            @Override
            public String type() {
                return "test.scripted";
            }

            @Override
            public JobResult handle(JobContext context) throws Exception {
                return script.run(context);
            }
        };
    }

    @Bean
    JobHandler otherHandler(Script script) {
        return new JobHandler() {
            @Override
            public String type() {
                return "test.other";
            }

            @Override
            public JobResult handle(JobContext context) throws Exception {
                context.step("other", () -> {
                    script.log.add("other:" + context.targetId());
                    return null;
                });
                return JobResult.done();
            }
        };
    }

    @Bean
    ReconcileSource countingSource(Script script) {
        return () -> {
            script.reconcilePasses.incrementAndGet();
            return script.reconcileTargets.stream().map(id -> JobRequest.of("test.other", "thing", id)).toList();
        };
    }

    /** What the scripted handler does, per job, set by each test. */
    static final class Script {

        interface Behaviour {
            JobResult run(JobContext context) throws Exception;
        }

        final Map<java.util.UUID, Behaviour> behaviours = new ConcurrentHashMap<>();
        final List<String> log = new CopyOnWriteArrayList<>();
        final List<JobStateChanged> events = new CopyOnWriteArrayList<>();
        final List<java.util.UUID> reconcileTargets = new CopyOnWriteArrayList<>();
        final AtomicInteger reconcilePasses = new AtomicInteger();

        JobResult run(JobContext context) throws Exception {
            Behaviour behaviour = behaviours.get(context.targetId());
            if (behaviour == null) {
                context.step("noop", () -> null);
                return JobResult.done();
            }
            return behaviour.run(context);
        }

        @EventListener
        void on(JobStateChanged event) {
            events.add(event);
        }

        static void await(CountDownLatch latch) throws InterruptedException {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("latch not released within 10 s");
            }
        }
    }
}
