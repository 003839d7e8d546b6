package io.pullbridge.bench;

import io.pullbridge.PullBridgeApplication;
import io.pullbridge.jobs.JobContext;
import io.pullbridge.jobs.JobHandler;
import io.pullbridge.jobs.JobRequest;
import io.pullbridge.jobs.JobResult;
import io.pullbridge.jobs.JobService;
import io.pullbridge.support.EmbeddedDatabase;
import io.pullbridge.support.TestPlatform;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job engine's throughput: no-op jobs through the whole path (job row and execution enqueued in a transaction,
 * claim, one recorded step, audit events, completion), first on one replica, then on two replicas sharing the
 * database. A counter of runs in flight per job proves that no job ever ran on both replicas at once.
 *
 * <p>Not part of the test suite (the class name matches no Surefire pattern); run it with {@code bench/jobs.sh}.
 */
class JobEngineBenchmark {

    private static final int JOBS = Integer.parseInt(System.getenv().getOrDefault("BENCH_JOBS", "5000"));
    private static final int BATCH = 100;
    private static final int CLIENTS = Integer.parseInt(System.getenv().getOrDefault("BENCH_CLIENTS", "4"));

    static final Map<UUID, AtomicInteger> IN_FLIGHT = new ConcurrentHashMap<>();
    static final Map<UUID, AtomicInteger> RUNS = new ConcurrentHashMap<>();
    static final AtomicInteger MAX_IN_FLIGHT_PER_JOB = new AtomicInteger();

    @Test
    void noOpJobsOnOneAndOnTwoReplicas() {
        String database = EmbeddedDatabase.newDatabase("bench");
        ConfigurableApplicationContext first = start(database, "replica-a");
        try {
            run(List.of(first), 500, "warm-up");
            Result one = run(List.of(first), JOBS, "1 replica");
            ConfigurableApplicationContext second = start(database, "replica-b");
            try {
                run(List.of(first, second), 500, "warm-up");
                Result two = run(List.of(first, second), JOBS, "2 replicas");
                report(one, two);
                assertThat(MAX_IN_FLIGHT_PER_JOB.get()).as("a job ran on two replicas at once").isEqualTo(1);
                assertThat(RUNS.values().stream().filter(runs -> runs.get() != 1).count())
                        .as("jobs that ran more or less than once").isZero();
            } finally {
                second.close();
            }
        } finally {
            first.close();
        }
    }

    private Result run(List<ConfigurableApplicationContext> replicas, int jobs, String label) {
        ConfigurableApplicationContext enqueuer = replicas.get(0);
        JobService service = enqueuer.getBean(JobService.class);
        TransactionTemplate tx = enqueuer.getBean(TransactionTemplate.class);
        JdbcClient jdbc = enqueuer.getBean(JdbcClient.class);
        String type = "bench.noop";
        long before = jdbc.sql("select count(*) from jobs where state = 'succeeded'").query(Long.class).single();
        long start = System.nanoTime();
        // Clients enqueue concurrently, as the API's request threads do.
        List<Callable<Void>> batches = new ArrayList<>();
        for (int sent = 0; sent < jobs; sent += BATCH) {
            int size = Math.min(BATCH, jobs - sent);
            batches.add(() -> {
                tx.executeWithoutResult(status -> {
                    for (int i = 0; i < size; i++) {
                        service.enqueue(JobRequest.of(type, "bench", UUID.randomUUID()));
                    }
                });
                return null;
            });
        }
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            for (Future<Void> batch : clients.invokeAll(batches)) {
                batch.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("enqueue failed", e.getCause());
        } finally {
            clients.shutdown();
        }
        long enqueued = System.nanoTime();
        long deadline = start + Duration.ofMinutes(10).toNanos();
        long done;
        do {
            done = jdbc.sql("select count(*) from jobs where state = 'succeeded'").query(Long.class).single() - before;
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(label + ": only " + done + " of " + jobs + " jobs finished in 10 min");
            }
            if (done < jobs) {
                Thread.onSpinWait();
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        } while (done < jobs);
        long end = System.nanoTime();
        Map<String, Long> perReplica = new HashMap<>();
        jdbc.sql("select runner, count(*) from jobs where state = 'succeeded' and finished_at > now() - interval '10 minutes' "
                        + "group by runner")
                .query((rs, row) -> perReplica.put(rs.getString(1), rs.getLong(2))).list();
        Result result = new Result(label, jobs, Duration.ofNanos(enqueued - start), Duration.ofNanos(end - start),
                perReplica);
        if (!label.equals("warm-up")) {
            System.out.println(result);
        }
        return result;
    }

    private void report(Result one, Result two) {
        System.out.printf("%n== Job engine benchmark (%d cores, %d jobs per batch) ==%n",
                Runtime.getRuntime().availableProcessors(), JOBS);
        for (Result result : List.of(one, two)) {
            System.out.printf("%-11s %8.0f jobs/s  (%d jobs in %d ms; enqueued in %d ms)%n", result.label(),
                    result.perSecond(), result.jobs(), result.total().toMillis(), result.enqueue().toMillis());
        }
        System.out.printf("two replicas / one replica: %.2fx%n", two.perSecond() / one.perSecond());
        System.out.printf("max runs in flight for one job: %d; jobs run other than exactly once: %d%n",
                MAX_IN_FLIGHT_PER_JOB.get(), RUNS.values().stream().filter(runs -> runs.get() != 1).count());
    }

    // Replicas of one service share its master key: a replica with another key is refused at start.
    private static final String MASTER_KEY = TestPlatform.randomKey();

    private static ConfigurableApplicationContext start(String database, String name) {
        Map<String, Object> properties = new HashMap<>(TestPlatform.properties("bench_unused"));
        properties.put("spring.datasource.url", database);
        properties.put("pullbridge.security.master-key", MASTER_KEY);
        properties.put("server.port", "0");
        properties.put("db-scheduler.scheduler-name", name);
        properties.put("logging.level.root", "WARN");
        properties.put("spring.main.banner-mode", "off");
        List<String> args = new ArrayList<>();
        properties.forEach((key, value) -> args.add("--" + key + "=" + value));
        return new SpringApplicationBuilder(PullBridgeApplication.class, NoOpJobs.class).run(args.toArray(String[]::new));
    }

    record Result(String label, int jobs, Duration enqueue, Duration total, Map<String, Long> perReplica) {
        double perSecond() {
            return jobs / (total.toNanos() / 1e9);
        }

        @Override
        public String toString() {
            return String.format("%s: %d jobs in %d ms = %.0f jobs/s (enqueue %d ms), finished per replica %s", label,
                    jobs, total.toMillis(), perSecond(), enqueue.toMillis(), perReplica);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class NoOpJobs {

        @Bean
        JobHandler noOpHandler() {
            return new JobHandler() {
                @Override
                public Set<String> types() {
                    return Set.of("bench.noop");
                }

                @Override
                public JobResult handle(JobContext context) throws Exception {
                    context.step("noop", () -> {
                        int inFlight = IN_FLIGHT.computeIfAbsent(context.jobId(), id -> new AtomicInteger()).incrementAndGet();
                        MAX_IN_FLIGHT_PER_JOB.accumulateAndGet(inFlight, Math::max);
                        RUNS.computeIfAbsent(context.jobId(), id -> new AtomicInteger()).incrementAndGet();
                        IN_FLIGHT.get(context.jobId()).decrementAndGet();
                        return null;
                    });
                    return JobResult.done();
                }
            };
        }
    }
}
