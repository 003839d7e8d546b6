package io.pullbridge.jobs;

import io.pullbridge.support.ManualScheduling;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;

/**
 * The job engine under {@link ManualScheduling}, plus handlers whose behaviour each test scripts: {@code test.scripted}
 * does what the test put in {@link Script#behaviours}, {@code test.other} records that it ran, and a reconcile source
 * names {@link Script#reconcileTargets}, as {@code test.other} jobs unless {@link Script#reconcileTypes} says otherwise.
 */
@TestConfiguration(proxyBeanMethods = false)
@Import(ManualScheduling.class)
class ManualJobEngine {

    @Bean
    Script script() {
        return new Script();
    }

    @Bean
    JobHandler scriptedHandler(Script script) {
        return new JobHandler() {
            @Override
            public Set<String> types() {
                return Set.of("test.scripted");
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
            public Set<String> types() {
                return Set.of("test.other");
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
            return script.reconcileTargets.stream()
                    .map(id -> JobRequest.of(script.reconcileTypes.getOrDefault(id, "test.other"), "thing", id))
                    .toList();
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
        final Map<java.util.UUID, String> reconcileTypes = new ConcurrentHashMap<>();
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
