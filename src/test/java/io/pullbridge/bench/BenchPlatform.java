package io.pullbridge.bench;

import io.pullbridge.PullBridgeApplication;
import io.pullbridge.support.Api;
import io.pullbridge.support.Clusters;
import io.pullbridge.support.Principals;
import io.pullbridge.support.Registries;
import io.pullbridge.support.TestPlatform;
import io.pullbridge.support.azure.AzureEmulator;
import io.pullbridge.support.azure.GraphServicePrincipal;
import io.pullbridge.support.kube.EmulatedCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.springframework.security.test.web.servlet.setup.SecurityMockMvcConfigurers.springSecurity;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * One PullBridge for a benchmark: the whole application on its own embedded database, the shared Azure emulator,
 * driven through the API (MockMvc with the security filters and real bearer tokens, as the integration tests do),
 * with one registry and one adopted service principal granted pull on it.
 */
final class BenchPlatform implements AutoCloseable {

    static final Duration READY_TIMEOUT = Duration.ofMinutes(15);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** The mock API servers log every request at INFO, which would cost the benchmarks CPU; held, JUL keeps weak refs. */
    private static final java.util.logging.Logger MOCK_LOG = quiet("io.fabric8.mockwebserver");

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
        logger.setLevel(java.util.logging.Level.WARNING);
        return logger;
    }

    /** Turns the mock API servers' request logging down; call before starting them. */
    static void quietMockServers() {
        MOCK_LOG.getName();
    }

    final ConfigurableApplicationContext context;
    final MockMvc mvc;
    final JdbcClient jdbc;
    final UUID registryId;
    final UUID principalId;

    private BenchPlatform(ConfigurableApplicationContext context) throws Exception {
        this.context = context;
        this.mvc = MockMvcBuilders.webAppContextSetup((WebApplicationContext) context).apply(springSecurity()).build();
        this.jdbc = context.getBean(JdbcClient.class);
        this.registryId = Registries.registered(mvc, jdbc).id();
        GraphServicePrincipal principal = AzureEmulator.shared().addServicePrincipal("bench-" + UUID.randomUUID());
        // Adopting signs in with the password: it must be one the emulated application holds.
        String password = AzureEmulator.shared().addPassword(principal, "bench-password-" + UUID.randomUUID(),
                Instant.now().plus(Duration.ofDays(30))).secretText();
        this.principalId = Principals.created(Api.admin(mvc), jdbc, JSON.writeValueAsString(Map.of(
                "mode", "adopt", "appId", principal.appId(), "password", password,
                "grants", List.of(Map.of("registryId", registryId.toString(), "role", "acrpull")))),
                "succeeded").id();
    }

    /**
     * Starts PullBridge with the test platform's settings and these on top. The recurring reconcile pass is pushed
     * an hour out so that it never runs in the middle of a measurement; benchmarks start passes themselves.
     */
    static BenchPlatform start(String name, Map<String, Object> settings) throws Exception {
        Map<String, Object> properties = new HashMap<>(TestPlatform.properties("bench_" + name));
        properties.put("pullbridge.clusters.allowed-hosts", "127.0.0.1");
        properties.put("pullbridge.jobs.reconcile-interval", "PT1H");
        properties.put("server.port", "0");
        properties.put("logging.level.root", "WARN");
        properties.put("spring.main.banner-mode", "off");
        properties.putAll(settings);
        List<String> args = new ArrayList<>();
        properties.forEach((key, value) -> args.add("--" + key + "=" + value));
        return new BenchPlatform(new SpringApplicationBuilder(PullBridgeApplication.class)
                .run(args.toArray(String[]::new)));
    }

    /** Registers a kubeconfig cluster for the emulated cluster and waits for its connect job to succeed. */
    UUID register(String name, EmulatedCluster cluster) throws Exception {
        return Clusters.registered(mvc, jdbc, name, cluster.kubeconfig()).id();
    }

    /** Creates a pull-secret binding through the API (202) and returns its id; its apply job runs on its own. */
    UUID bind(UUID clusterId, String pullSecret) throws Exception {
        String body = Api.operator(mvc).post("/api/v1/bindings", """
                        {"registryId": "%s", "clusterId": "%s", "method": "pull-secret", "pullSecret": %s}"""
                        .formatted(registryId, clusterId, pullSecret))
                .andExpect(status().isAccepted())
                .andReturn().getResponse().getContentAsString();
        return UUID.fromString(JSON.readTree(body).get("id").asText());
    }

    /** The binding as {@code GET /api/v1/bindings/{id}} answers. */
    JsonNode binding(UUID id) throws Exception {
        return JSON.readTree(Api.reader(mvc).get("/api/v1/bindings/" + id).andReturn().getResponse()
                .getContentAsString());
    }

    /**
     * Polls the API every 20 ms until the binding is {@code Ready} with {@code namespaces} ready namespaces.
     *
     * @return when it was seen so, {@link System#nanoTime()}
     */
    long awaitReady(UUID id, int namespaces) throws Exception {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (true) {
            JsonNode binding = binding(id);
            JsonNode status = binding.path("status");
            if (status.path("phase").asText().equals("Ready") && status.path("namespaces").path("ready").asInt()
                    == namespaces) {
                return System.nanoTime();
            }
            if (List.of("Failed", "Degraded").contains(status.path("phase").asText())) {
                throw new IllegalStateException("binding " + id + " ended " + status);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("binding " + id + " not Ready after " + READY_TIMEOUT + ": " + status);
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
    }

    /** Waits for every one of these jobs to end, and fails unless all succeeded; returns when, {@code nanoTime}. */
    long awaitSucceeded(List<UUID> jobs) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (true) {
            List<String> states = jobs.stream().map(job -> jdbc.sql("select state from jobs where id = ?").param(job)
                    .query(String.class).single()).toList();
            if (states.stream().allMatch("succeeded"::equals)) {
                return System.nanoTime();
            }
            if (states.stream().anyMatch(state -> state.equals("failed") || state.equals("cancelled"))
                    || System.nanoTime() > deadline) {
                throw new IllegalStateException("jobs did not all succeed: " + states);
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
    }

    /** Requests by verb and resource ("GET secrets"), counted, from an emulated cluster's record. */
    static Map<String, Integer> breakdown(List<String> requests) {
        Map<String, Integer> counts = new TreeMap<>();
        for (String request : requests) {
            String[] parts = request.split(" ", 2);
            String path = parts[1].replaceFirst("\\?.*$", "");
            String[] segments = path.replaceFirst("^/", "").split("/");
            String resource = segments.length > 4 && segments[2].equals("namespaces") ? segments[4]
                    : segments.length > 2 ? segments[2] : path;
            boolean item = segments.length > 4 && segments[2].equals("namespaces") ? segments.length > 5
                    : segments.length > 3;
            if (!path.startsWith("/api/")) {
                counts.merge(parts[0] + " " + path, 1, Integer::sum);
                continue;
            }
            String verb = parts[0] + (parts[0].equals("GET") ? item ? " one" : " list" : "");
            counts.merge(verb + " " + resource, 1, Integer::sum);
        }
        return counts;
    }

    @Override
    public void close() {
        context.close();
    }
}
