package io.pullbridge.bench;

import io.pullbridge.support.kube.EmulatedCluster;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fan-out: one pull-secret binding to 1,000 namespaces of an emulated API server (fabric8's mock server in CRUD
 * mode), from the API call that creates it to the moment the API shows it {@code Ready} with every namespace ready,
 * and the API calls the server received; beside it, in the same run and against the same server, a loop of
 * {@code kubectl create secret docker-registry ... -n $ns} over the same namespaces.
 *
 * <p>Every measurement starts from the same server: after each, the secrets written are deleted again.
 *
 * <p>PullBridge runs twice: under the defaults (calls in flight bounded per cluster and backing off when the server
 * pushes back, no client-side rate limit), and with the opt-in rate limit of earlier defaults
 * ({@code pullbridge.kubernetes.qps=200}, {@code burst=1000}), which shows what such a ceiling costs. Each time it binds once
 * with the secret only (what the kubectl loop does) and once also giving it to each namespace's {@code default}
 * ServiceAccount.
 *
 * <p>Not part of the test suite (the class name matches no Surefire pattern); run it with {@code bench/fanout.sh}.
 */
class FanOutBenchmark {

    private static final int NAMESPACES = Integer.parseInt(System.getenv().getOrDefault("BENCH_NAMESPACES", "1000"));
    private static final String LABEL = "bench=fanout";
    /** Measured bindings per setting; the report gives their median (one run is at the mercy of a busy machine). */
    private static final Duration QUIET = Duration.ofSeconds(6);
    private static final int ROUNDS = Integer.parseInt(System.getenv().getOrDefault("BENCH_ROUNDS", "3"));

    private final List<String> lines = new ArrayList<>();

    @Test
    void oneBindingToEveryNamespaceBesideAKubectlLoop() throws Exception {
        BenchPlatform.quietMockServers();
        try (EmulatedCluster cluster = EmulatedCluster.start()) {
            long seeding = System.nanoTime();
            List<String> namespaces = new ArrayList<>();
            for (int i = 0; i < NAMESPACES; i++) {
                String name = String.format("team-%04d", i);
                cluster.addNamespace(name, Map.of("bench", "fanout"));
                namespaces.add(name);
            }
            for (int i = 0; i < 20; i++) {
                cluster.addNamespace("warm-" + i, Map.of("bench", "warm-up"));
            }
            cluster.clearRequests();
            System.out.printf("[bench] seeded %d namespaces with their default ServiceAccounts in %d ms%n",
                    NAMESPACES, Duration.ofNanos(System.nanoTime() - seeding).toMillis());

            Optional<Run> kubectl = kubectl(cluster, namespaces);
            removeSecrets(cluster);
            Map<String, Run> pullBridge = new LinkedHashMap<>();
            for (boolean limited : List.of(false, true)) {
                Map<String, Object> settings = limited
                        ? Map.of("pullbridge.kubernetes.qps", "200", "pullbridge.kubernetes.burst", "1000") : Map.of();
                try (BenchPlatform platform = BenchPlatform.start(limited ? "fanout_limited" : "fanout_unlimited",
                        settings)) {
                    UUID clusterId = platform.register("fanout-" + (limited ? "limited" : "unlimited"), cluster);
                    String suffix = limited ? "a" : "b";
                    // Warm-up: a small binding, then one to every namespace, through the same path, so the figures
                    // are those of a running service (JIT-compiled, pools filled), not of its first minute.
                    UUID warm = platform.bind(clusterId, """
                            {"credential": {"servicePrincipalId": "%s"}, "secretName": "warm-%s",
                             "namespaceSelector": "bench=warm-up", "serviceAccounts": ["default"]}"""
                            .formatted(platform.principalId, suffix));
                    platform.awaitReady(warm, 20);
                    measure(platform, cluster, clusterId, "warm-all-" + suffix, false);
                    String rate = limited ? "opt-in rate limit qps 200, burst 1000" : "defaults (no rate limit)";
                    List<Run> secretOnly = new ArrayList<>();
                    List<Run> withServiceAccount = new ArrayList<>();
                    for (int round = 1; round <= ROUNDS; round++) {
                        secretOnly.add(measure(platform, cluster, clusterId, "acr-" + suffix + round, false));
                        withServiceAccount.add(measure(platform, cluster, clusterId, "acr-sa-" + suffix + round,
                                true));
                    }
                    pullBridge.put("secret only, " + rate, Run.median(secretOnly));
                    pullBridge.put("secret + default SA, " + rate, Run.median(withServiceAccount));
                }
            }
            report(kubectl, pullBridge);
        }
    }

    private Run measure(BenchPlatform platform, EmulatedCluster cluster, UUID clusterId, String secretName,
                        boolean serviceAccounts) throws Exception {
        // A quiet spell first, as before a binding in real life: the rate limiter's bucket (burst / qps = 5 s under
        // the defaults) refills after the previous run and clean-up.
        Thread.sleep(QUIET.toMillis());
        cluster.clearRequests();
        long start = System.nanoTime();
        UUID binding = platform.bind(clusterId, """
                {"credential": {"servicePrincipalId": "%s"}, "secretName": "%s", "namespaceSelector": "%s"%s}"""
                .formatted(platform.principalId, secretName, LABEL,
                        serviceAccounts ? ", \"serviceAccounts\": [\"default\"]" : ", \"serviceAccounts\": []"));
        long ready = platform.awaitReady(binding, NAMESPACES);
        List<String> requests = cluster.requests();
        assertThat(cluster.client().secrets().inAnyNamespace().withLabel("pullbridge.io/binding", binding.toString())
                .list().getItems()).as("secrets the binding wrote").hasSize(NAMESPACES);
        Run run = new Run(Duration.ofNanos(ready - start), requests.size(), BenchPlatform.breakdown(requests));
        System.out.printf("[bench] PullBridge, %s: %s%n", secretName, run);
        removeSecrets(cluster);
        return run;
    }

    /**
     * Puts the server back as the kubectl loop found it, namespaces and ServiceAccounts but no secrets: the mock server
     * looks objects up by scanning them all, so every run would otherwise be slower than the one before it.
     */
    private static void removeSecrets(EmulatedCluster cluster) {
        cluster.client().secrets().inAnyNamespace().list().getItems().parallelStream().forEach(secret ->
                cluster.client().secrets().inNamespace(secret.getMetadata().getNamespace())
                        .withName(secret.getMetadata().getName()).delete());
        assertThat(cluster.client().secrets().inAnyNamespace().list().getItems()).as("secrets left").isEmpty();
    }

    /** The kubectl loop, or nothing when kubectl is not found. */
    private Optional<Run> kubectl(EmulatedCluster cluster, List<String> namespaces) throws Exception {
        Optional<String> kubectl = findKubectl();
        if (kubectl.isEmpty()) {
            lines.add("kubectl: NOT FOUND (neither $KUBECTL nor kubectl on PATH); the kubectl half was skipped");
            return Optional.empty();
        }
        Path dir = Files.createTempDirectory("bench-kubectl");
        Path kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, cluster.kubeconfig(), StandardCharsets.UTF_8);
        String version = run(List.of(kubectl.get(), "version", "--client"), dir).lines().findFirst().orElse("?");
        lines.add("kubectl: " + kubectl.get() + " (" + version.trim() + ")");
        // Warm-up: one call, so the page cache holds the binary and kubectl's cache directory exists.
        run(command(kubectl.get(), kubeconfig, dir, "default"), dir);
        cluster.clearRequests();
        long start = System.nanoTime();
        for (String namespace : namespaces) {
            run(command(kubectl.get(), kubeconfig, dir, namespace), dir);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        List<String> requests = cluster.requests();
        assertThat(cluster.client().secrets().inAnyNamespace().list().getItems().stream()
                .filter(secret -> secret.getMetadata().getName().equals("kubectl-pull")))
                .as("secrets kubectl wrote").hasSize(namespaces.size() + 1);
        Run run = new Run(took, requests.size(), BenchPlatform.breakdown(requests));
        System.out.printf("[bench] kubectl loop: %s%n", run);
        return Optional.of(run);
    }

    private static List<String> command(String kubectl, Path kubeconfig, Path dir, String namespace) {
        return List.of(kubectl, "--kubeconfig", kubeconfig.toString(), "--cache-dir", dir.resolve("cache").toString(),
                "create", "secret", "docker-registry", "kubectl-pull", "-n", namespace,
                "--docker-server=bench.azurecr.io", "--docker-username=00000000-0000-4000-8000-00000000beef",
                "--docker-password=bench-password");
    }

    private static String run(List<String> command, Path dir) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command.subList(0, 1)) + " failed: " + output);
        }
        return output;
    }

    static Optional<String> findKubectl() {
        String configured = System.getenv("KUBECTL");
        if (configured != null && !configured.isBlank()) {
            return new File(configured).canExecute() ? Optional.of(configured) : Optional.empty();
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File candidate = new File(dir, "kubectl");
            if (candidate.canExecute()) {
                return Optional.of(candidate.getPath());
            }
        }
        return Optional.empty();
    }

    private void report(Optional<Run> kubectl, Map<String, Run> pullBridge) {
        System.out.printf("%n== Fan-out benchmark (%d cores, %d namespaces, one emulated API server; PullBridge: "
                + "median of %d bindings, [fastest - slowest]) ==%n",
                Runtime.getRuntime().availableProcessors(), NAMESPACES, ROUNDS);
        lines.forEach(System.out::println);
        kubectl.ifPresent(run -> System.out.printf("%-48s %9.2f s  %6d API calls  %s%n", "kubectl loop",
                run.took().toMillis() / 1000.0, run.calls(), run.byKind()));
        pullBridge.forEach((label, run) -> System.out.printf("%-48s %9.2f s [%.2f - %.2f]  %6d API calls  %s%n",
                "PullBridge, " + label, run.took().toMillis() / 1000.0, run.fastest().toMillis() / 1000.0,
                run.slowest().toMillis() / 1000.0, run.calls(), run.byKind()));
        kubectl.ifPresent(loop -> pullBridge.forEach((label, run) -> System.out.printf(
                "kubectl loop / PullBridge (%s): %.1fx%n", label,
                (double) loop.took().toNanos() / run.took().toNanos())));
    }

    record Run(Duration took, int calls, Map<String, Integer> byKind, Duration fastest, Duration slowest) {

        Run(Duration took, int calls, Map<String, Integer> byKind) {
            this(took, calls, byKind, took, took);
        }

        /** The run of median time, with the spread of all. */
        static Run median(List<Run> runs) {
            List<Run> sorted = runs.stream().sorted(java.util.Comparator.comparing(Run::took)).toList();
            Run median = sorted.get(sorted.size() / 2);
            return new Run(median.took(), median.calls(), median.byKind(), sorted.get(0).took(),
                    sorted.get(sorted.size() - 1).took());
        }

        @Override
        public String toString() {
            return String.format("%d ms, %d API calls %s", took.toMillis(), calls, byKind);
        }
    }
}
