package io.pullbridge.bench;

import io.pullbridge.jobs.JobRequest;
import io.pullbridge.jobs.JobService;
import io.pullbridge.jobs.ReconcileSource;
import io.pullbridge.support.kube.EmulatedCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Steady-state reconciliation: 10 emulated clusters (fabric8 mock API servers in CRUD mode) of 1,000 namespaces
 * each, one pull-secret binding per cluster targeting all of them (the secret, and the namespaces' {@code default}
 * ServiceAccounts). Once all are {@code Ready}, the request records are cleared and one reconcile pass runs: the
 * {@code binding.reconcile} jobs that {@code BindingReconciliation} asks for, enqueued as the recurring pass does and
 * run by the real job engine. It counts the API calls per cluster and in all, and the time until every job ended.
 * Nothing drifted, so the pass should read with a few list calls per cluster and write nothing.
 *
 * <p>Not part of the test suite (the class name matches no Surefire pattern); run it with {@code bench/reconcile.sh}.
 */
class ReconcileBenchmark {

    private static final int CLUSTERS = Integer.parseInt(System.getenv().getOrDefault("BENCH_CLUSTERS", "10"));
    private static final int NAMESPACES = Integer.parseInt(System.getenv().getOrDefault("BENCH_NAMESPACES", "1000"));
    private static final int PASSES = 3;

    @Test
    void oneReconcilePassOverInSyncNamespacesOfManyClusters() throws Exception {
        BenchPlatform.quietMockServers();
        List<EmulatedCluster> clusters = new ArrayList<>();
        try {
            long seeding = System.nanoTime();
            for (int c = 0; c < CLUSTERS; c++) {
                clusters.add(EmulatedCluster.start());
            }
            // Each cluster is seeded by its own thread; the mock servers answer on their own threads.
            clusters.parallelStream().forEach(cluster -> IntStream.range(0, NAMESPACES).forEach(i ->
                    cluster.addNamespace(String.format("team-%04d", i), Map.of("bench", "reconcile"))));
            clusters.forEach(EmulatedCluster::clearRequests);
            System.out.printf("[bench] seeded %d clusters x %d namespaces (with default ServiceAccounts) in %d ms%n",
                    CLUSTERS, NAMESPACES, Duration.ofNanos(System.nanoTime() - seeding).toMillis());

            try (BenchPlatform platform = BenchPlatform.start("reconcile", Map.of())) {
                List<UUID> bindings = new ArrayList<>();
                long start = System.nanoTime();
                for (int c = 0; c < CLUSTERS; c++) {
                    UUID clusterId = platform.register("reconcile-" + c, clusters.get(c));
                    bindings.add(platform.bind(clusterId, """
                            {"credential": {"servicePrincipalId": "%s"}, "secretName": "acr-pull",
                             "namespaceSelector": "bench=reconcile", "serviceAccounts": ["default"]}"""
                            .formatted(platform.principalId)));
                }
                for (UUID binding : bindings) {
                    platform.awaitReady(binding, NAMESPACES);
                }
                Duration fanOut = Duration.ofNanos(System.nanoTime() - start);
                System.out.printf("[bench] %d bindings Ready (%d namespaces in all) in %d ms%n", CLUSTERS,
                        CLUSTERS * NAMESPACES, fanOut.toMillis());

                List<Pass> passes = new ArrayList<>();
                for (int pass = 1; pass <= PASSES; pass++) {
                    passes.add(pass(platform, clusters, bindings));
                }
                report(fanOut, passes);
                for (UUID binding : bindings) {
                    JsonNode status = platform.binding(binding).path("status");
                    assertThat(status.path("drift").isEmpty()).as("drift found in an in-sync pass: %s", status)
                            .isTrue();
                    assertThat(status.path("namespaces").path("ready").asInt()).isEqualTo(NAMESPACES);
                }
            }
        } finally {
            clusters.forEach(EmulatedCluster::close);
        }
    }

    /** One reconcile pass: the binding jobs the reconcile sources ask for, enqueued at once, all awaited. */
    private Pass pass(BenchPlatform platform, List<EmulatedCluster> clusters, List<UUID> bindings) {
        JobService jobs = platform.context.getBean(JobService.class);
        TransactionTemplate tx = platform.context.getBean(TransactionTemplate.class);
        clusters.forEach(EmulatedCluster::clearRequests);
        long start = System.nanoTime();
        List<JobRequest> requests = platform.context.getBeansOfType(ReconcileSource.class).values().stream()
                .flatMap(source -> source.reconcileRequests().stream())
                .filter(request -> request.type().equals("binding.reconcile"))
                .toList();
        assertThat(requests).extracting(JobRequest::targetId).containsExactlyInAnyOrderElementsOf(bindings);
        List<UUID> enqueued = new ArrayList<>();
        for (JobRequest request : requests) {
            enqueued.add(tx.execute(status -> jobs.enqueue(request).id()));
        }
        long end = platform.awaitSucceeded(enqueued);
        Map<String, Integer> perCluster = new TreeMap<>();
        Map<String, Integer> byKind = new TreeMap<>();
        List<String> writes = new ArrayList<>();
        for (int c = 0; c < clusters.size(); c++) {
            List<String> received = clusters.get(c).requests();
            perCluster.put(String.format("cluster-%02d", c), received.size());
            BenchPlatform.breakdown(received).forEach((kind, count) -> byKind.merge(kind, count, Integer::sum));
            received.stream().filter(request -> !request.startsWith("GET")).forEach(writes::add);
        }
        Pass pass = new Pass(Duration.ofNanos(end - start), perCluster, byKind, writes.size(),
                clusters.get(0).requests());
        System.out.printf("[bench] pass: %d ms, %d calls, per cluster %s, by kind %s, writes %d%n",
                pass.took().toMillis(), pass.total(), perCluster, byKind, writes.size());
        return pass;
    }

    private void report(Duration fanOut, List<Pass> passes) {
        System.out.printf("%n== Reconcile benchmark (%d cores, %d clusters x %d namespaces = %d, one binding per "
                        + "cluster) ==%n", Runtime.getRuntime().availableProcessors(), CLUSTERS, NAMESPACES,
                CLUSTERS * NAMESPACES);
        System.out.printf("initial fan-out of the %d bindings to Ready: %.1f s%n", CLUSTERS, fanOut.toMillis() / 1000.0);
        for (int i = 0; i < passes.size(); i++) {
            Pass pass = passes.get(i);
            System.out.printf("pass %d: %6d ms  %4d API calls in all (%.1f per cluster, %d writes)  %s%n", i + 1,
                    pass.took().toMillis(), pass.total(), (double) pass.total() / CLUSTERS, pass.writes(),
                    pass.byKind());
        }
        System.out.printf("calls of the last pass per cluster: %s%n", passes.get(passes.size() - 1).perCluster());
        System.out.printf("requests cluster-00 received in the last pass: %s%n",
                passes.get(passes.size() - 1).sample());
    }

    record Pass(Duration took, Map<String, Integer> perCluster, Map<String, Integer> byKind, int writes,
                List<String> sample) {
        int total() {
            return perCluster.values().stream().mapToInt(Integer::intValue).sum();
        }
    }
}
