package io.pullbridge.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.google.common.collect.Lists;
import io.pullbridge.PullBridgeApplication;
import io.pullbridge.jobs.JobRequest;
import io.pullbridge.jobs.JobsProperties;
import io.pullbridge.jobs.JobService;
import io.pullbridge.jobs.ReconcileSource;
import io.pullbridge.support.Api;
import io.pullbridge.support.Registries;
import io.pullbridge.support.TestPlatform;
import io.pullbridge.support.kube.EmulatedFleet;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * A fleet: {@code BENCH_CLUSTERS} (2,000) emulated clusters of {@code BENCH_NAMESPACES} (50) namespaces each, all
 * served by one {@link EmulatedFleet} (one HTTPS server, a fixed pool of threads), one pull-secret binding per cluster
 * selecting all its namespaces, and two PullBridge replicas (two application contexts in this JVM) on one embedded
 * PostgreSQL. Once every binding is {@code Ready}, it runs full reconcile sweeps: every job the replicas' reconcile
 * sources ask for (a binding reconcile and a cluster probe per cluster, and the credential checks), enqueued as the
 * recurring pass does and run by both replicas' job engines. It reports the time to the last job's end, the share of
 * jobs each replica ran, and, sampled during the sweep, the database connections, heap, live threads and open
 * connections to the clusters.
 *
 * <p>Not part of the test suite (the class name matches no Surefire pattern); run it with {@code bench/fleet.sh}.
 */
class FleetBenchmark {

    private static final int CLUSTERS = Integer.parseInt(System.getenv().getOrDefault("BENCH_CLUSTERS", "2000"));
    private static final int NAMESPACES = Integer.parseInt(System.getenv().getOrDefault("BENCH_NAMESPACES", "50"));
    private static final int SWEEPS = Integer.parseInt(System.getenv().getOrDefault("BENCH_SWEEPS", "2"));
    private static final int FLEET_THREADS = 8;
    private static final Duration TIMEOUT = Duration.ofMinutes(60);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String MASTER_KEY = TestPlatform.randomKey();

    @Test
    void fullReconcileSweepsOfAFleetByTwoReplicas() throws Exception {
        long startup = System.nanoTime();
        try (EmulatedFleet fleet = EmulatedFleet.start(CLUSTERS, FLEET_THREADS)) {
            for (int c = 0; c < CLUSTERS; c++) {
                for (int n = 0; n < NAMESPACES; n++) {
                    fleet.addNamespace(c, String.format("team-%03d", n), Map.of("bench", "fleet"));
                }
            }
            Map<String, Object> settings = Map.of("pullbridge.security.master-key", MASTER_KEY,
                    "db-scheduler.scheduler-name", "replica-a");
            try (BenchPlatform a = BenchPlatform.start("fleet", settings);
                 ConfigurableApplicationContext b = secondReplica(a)) {
                System.out.printf("[bench] fleet of %d clusters x %d namespaces and two replicas up in %d ms%n",
                        CLUSTERS, NAMESPACES, Duration.ofNanos(System.nanoTime() - startup).toMillis());

                long registering = System.nanoTime();
                List<UUID> clusterIds = new ArrayList<>();
                List<UUID> connectJobs = new ArrayList<>();
                for (int c = 0; c < CLUSTERS; c++) {
                    MockHttpServletResponse created = Api.admin(a.mvc).post("/api/v1/clusters",
                                    JSON.writeValueAsString(Map.of("name", "fleet-" + c, "kind", "kubeconfig",
                                            "kubeconfig", fleet.kubeconfig(c))))
                            .andExpect(status().isAccepted()).andReturn().getResponse();
                    String location = created.getHeader("Location");
                    clusterIds.add(UUID.fromString(location.substring(location.lastIndexOf('/') + 1)));
                    connectJobs.add(Registries.jobOf(created));
                }
                awaitSucceeded(a.jdbc, connectJobs);
                Duration registered = Duration.ofNanos(System.nanoTime() - registering);
                System.out.printf("[bench] %d clusters registered and connected in %d ms%n", CLUSTERS,
                        registered.toMillis());

                long binding = System.nanoTime();
                List<UUID> applyJobs = new ArrayList<>();
                for (UUID clusterId : clusterIds) {
                    MockHttpServletResponse created = Api.operator(a.mvc).post("/api/v1/bindings", """
                                    {"registryId": "%s", "clusterId": "%s", "method": "pull-secret",
                                     "pullSecret": {"credential": {"servicePrincipalId": "%s"}, "secretName": "acr-pull",
                                      "namespaceSelector": "bench=fleet", "serviceAccounts": []}}"""
                                    .formatted(a.registryId, clusterId, a.principalId))
                            .andExpect(status().isAccepted()).andReturn().getResponse();
                    applyJobs.add(Registries.jobOf(created));
                }
                awaitSucceeded(a.jdbc, applyJobs);
                Duration bound = Duration.ofNanos(System.nanoTime() - binding);
                long secrets = 0;
                for (int c = 0; c < CLUSTERS; c++) {
                    secrets += fleet.secretsLabelled(c, "app.kubernetes.io/managed-by", "pullbridge");
                }
                assertThat(secrets).isEqualTo((long) CLUSTERS * NAMESPACES);
                System.out.printf("[bench] %d bindings applied (%d secrets) in %d ms; by replica %s%n", CLUSTERS,
                        secrets, bound.toMillis(), byRunner(a.jdbc, applyJobs));

                List<Sweep> sweeps = new ArrayList<>();
                for (int s = 1; s <= SWEEPS; s++) {
                    sweeps.add(sweep(a, b, fleet));
                }
                report(registered, bound, sweeps, fleet);
            }
        }
    }

    private static ConfigurableApplicationContext secondReplica(BenchPlatform first) {
        Map<String, Object> properties = new HashMap<>(TestPlatform.properties("bench_unused"));
        properties.put("spring.datasource.url", first.context.getEnvironment().getProperty("spring.datasource.url"));
        properties.put("pullbridge.security.master-key", MASTER_KEY);
        properties.put("db-scheduler.scheduler-name", "replica-b");
        properties.put("pullbridge.clusters.allowed-hosts", "127.0.0.1");
        properties.put("pullbridge.jobs.reconcile-interval", "PT1H");
        properties.put("server.port", "0");
        properties.put("logging.level.root", "WARN");
        properties.put("spring.main.banner-mode", "off");
        List<String> args = new ArrayList<>();
        properties.forEach((key, value) -> args.add("--" + key + "=" + value));
        return new SpringApplicationBuilder(PullBridgeApplication.class).run(args.toArray(String[]::new));
    }

    /** One full sweep: every job the reconcile sources ask for, enqueued at once, run by both replicas. */
    private Sweep sweep(BenchPlatform a, ConfigurableApplicationContext b, EmulatedFleet fleet) throws Exception {
        JobService jobs = a.context.getBean(JobService.class);
        TransactionTemplate tx = a.context.getBean(TransactionTemplate.class);
        fleet.clearCalls();
        Sampler sampler = new Sampler(a.jdbc, fleet.port(), databasePort(a));
        sampler.start();
        long start = System.nanoTime();
        List<JobRequest> requests = a.context.getBeansOfType(ReconcileSource.class).values().stream()
                .flatMap(source -> source.reconcileRequests().stream()).toList();
        int batch = a.context.getBean(JobsProperties.class).reconcileBatch();
        List<UUID> enqueued = new ArrayList<>();
        for (List<JobRequest> part : Lists.partition(requests, batch)) {
            enqueued.addAll(tx.execute(status -> part.stream().map(request -> jobs.enqueue(request).id()).toList()));
        }
        long queued = System.nanoTime();
        awaitSucceeded(a.jdbc, enqueued);
        long end = System.nanoTime();
        sampler.stop();
        Map<String, Long> types = requests.stream().collect(Collectors.groupingBy(JobRequest::type, TreeMap::new,
                Collectors.counting()));
        Sweep sweep = new Sweep(Duration.ofNanos(end - start), Duration.ofNanos(queued - start), enqueued.size(),
                types, byRunner(a.jdbc, enqueued), fleet.calls(), fleet.totalCalls(), sampler);
        System.out.printf("[bench] sweep: %d jobs %s in %d ms (enqueued in %d ms), by replica %s, calls %d %s, "
                        + "peak db connections %d, peak heap %d MiB, peak threads %d, peak connections to clusters %d%n",
                sweep.jobs(), types, sweep.took().toMillis(), sweep.enqueue().toMillis(), sweep.byRunner(),
                sweep.totalCalls(), sweep.calls(), sampler.databaseConnections.get(), sampler.heap.get() >> 20,
                sampler.threads.get(), sampler.clusterConnections.get());
        return sweep;
    }

    private void report(Duration registered, Duration bound, List<Sweep> sweeps, EmulatedFleet fleet) {
        System.out.printf("%n== Fleet benchmark (%d cores, %d clusters x %d namespaces, one pull-secret binding per "
                        + "cluster, two replicas on one PostgreSQL, fleet served by %d threads) ==%n",
                Runtime.getRuntime().availableProcessors(), CLUSTERS, NAMESPACES, FLEET_THREADS);
        System.out.printf("register and connect %d clusters: %.1f s; apply %d bindings (%d secrets): %.1f s%n",
                CLUSTERS, registered.toMillis() / 1000.0, CLUSTERS, CLUSTERS * NAMESPACES, bound.toMillis() / 1000.0);
        for (int i = 0; i < sweeps.size(); i++) {
            Sweep sweep = sweeps.get(i);
            System.out.printf("sweep %d: %7.1f s  %5d jobs %s  by replica %s  calls %d (%.1f per cluster)%n", i + 1,
                    sweep.took().toMillis() / 1000.0, sweep.jobs(), sweep.types(), sweep.byRunner(),
                    sweep.totalCalls(), (double) sweep.totalCalls() / CLUSTERS);
            System.out.printf("         calls by kind %s%n", sweep.calls());
            System.out.printf("         peak: db connections %d (both replicas), heap used %d MiB, live threads %d "
                            + "(%d at the start), connections to the clusters %d (db %d)%n",
                    sweep.sampler().databaseConnections.get(), sweep.sampler().heap.get() >> 20,
                    sweep.sampler().threads.get(), sweep.sampler().threadsAtStart, sweep.sampler().clusterConnections
                            .get(), sweep.sampler().databaseSockets.get());
        }
        System.gc();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.out.printf("after the sweeps: heap used after GC %d MiB, live threads %d, connections to the "
                        + "clusters %d%n", memory.getHeapMemoryUsage().getUsed() >> 20,
                ManagementFactory.getThreadMXBean().getThreadCount(), Sampler.established(fleet.port()));
        System.out.printf("live threads by name: %s%n", threadsByName());
    }

    private static Map<String, Long> threadsByName() {
        return Thread.getAllStackTraces().keySet().stream()
                .collect(Collectors.groupingBy(thread -> thread.getName().replaceAll("[0-9]+", "#"), TreeMap::new,
                        Collectors.counting()))
                .entrySet().stream().filter(entry -> entry.getValue() > 2)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, Long::sum, TreeMap::new));
    }

    private static int databasePort(BenchPlatform platform) {
        String url = platform.context.getEnvironment().getProperty("spring.datasource.url");
        String hostPort = url.replaceFirst("^jdbc:postgresql://", "").replaceFirst("/.*$", "");
        return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
    }

    private static Map<String, Long> byRunner(JdbcClient jdbc, List<UUID> jobs) {
        Map<String, Long> byRunner = new TreeMap<>();
        for (int from = 0; from < jobs.size(); from += 1000) {
            List<UUID> batch = jobs.subList(from, Math.min(jobs.size(), from + 1000));
            jdbc.sql("select coalesce(runner, '?'), count(*) from jobs where id = any(?) group by runner")
                    .param(batch.toArray(UUID[]::new))
                    .query((rs, row) -> byRunner.merge(rs.getString(1), rs.getLong(2), Long::sum)).list();
        }
        return byRunner;
    }

    private static void awaitSucceeded(JdbcClient jdbc, List<UUID> jobs) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            Map<String, Long> states = new TreeMap<>();
            for (int from = 0; from < jobs.size(); from += 1000) {
                List<UUID> batch = jobs.subList(from, Math.min(jobs.size(), from + 1000));
                jdbc.sql("select state, count(*) from jobs where id = any(?) group by state")
                        .param(batch.toArray(UUID[]::new))
                        .query((rs, row) -> states.merge(rs.getString(1), rs.getLong(2), Long::sum)).list();
            }
            if (states.getOrDefault("succeeded", 0L) == jobs.size()) {
                return;
            }
            if (states.containsKey("failed") || states.containsKey("cancelled") || System.nanoTime() > deadline) {
                String failures = jdbc.sql("select type || ': ' || coalesce(last_error::text, '') from jobs "
                        + "where id = any(?) and state in ('failed', 'cancelled') limit 3")
                        .param(jobs.toArray(UUID[]::new)).query(String.class).list().toString();
                throw new IllegalStateException("jobs did not all succeed: " + states + " " + failures);
            }
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
    }

    record Sweep(Duration took, Duration enqueue, int jobs, Map<String, Long> types, Map<String, Long> byRunner,
                 Map<String, Long> calls, long totalCalls, Sampler sampler) {
    }

    /** Samples, every 100 ms while a sweep runs, what a fleet could make grow; keeps the peaks. */
    static final class Sampler {

        final AtomicLong databaseConnections = new AtomicLong();
        final AtomicLong heap = new AtomicLong();
        final AtomicLong threads = new AtomicLong();
        final AtomicLong clusterConnections = new AtomicLong();
        final AtomicLong databaseSockets = new AtomicLong();
        final int threadsAtStart;
        private final JdbcClient jdbc;
        private final int fleetPort;
        private final int databasePort;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        Sampler(JdbcClient jdbc, int fleetPort, int databasePort) {
            this.jdbc = jdbc;
            this.fleetPort = fleetPort;
            this.databasePort = databasePort;
            this.threadsAtStart = ManagementFactory.getThreadMXBean().getThreadCount();
            this.thread = new Thread(this::run, "fleet-bench-sampler");
            this.thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join();
        }

        private void run() {
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            ThreadMXBean threadBean = ManagementFactory.getThreadMXBean();
            while (running.get()) {
                databaseConnections.accumulateAndGet(jdbc.sql("select count(*) from pg_stat_activity "
                        + "where datname = current_database()").query(Long.class).single(), Math::max);
                heap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                threads.accumulateAndGet(threadBean.getThreadCount(), Math::max);
                clusterConnections.accumulateAndGet(established(fleetPort), Math::max);
                databaseSockets.accumulateAndGet(established(databasePort), Math::max);
                LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
            }
        }

        /** TCP connections of this process's clients to that port, established (Linux: /proc/self/net/tcp*). */
        static long established(int port) {
            String remote = String.format(Locale.ROOT, ":%04X", port);
            long count = 0;
            for (String table : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
                try {
                    for (String line : Files.readAllLines(Path.of(table)).stream().skip(1).toList()) {
                        String[] fields = line.trim().split("\\s+");
                        if (fields.length > 3 && fields[2].endsWith(remote) && fields[3].equals("01")) {
                            count++;
                        }
                    }
                } catch (IOException e) {
                    return -1;
                }
            }
            return count;
        }
    }
}
