package io.pullbridge.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.pullbridge.support.Api;
import io.pullbridge.support.TestTokens;
import io.pullbridge.support.Clusters;
import io.pullbridge.support.IntegrationTest;
import io.pullbridge.support.Principals;
import io.pullbridge.support.Registries;
import io.pullbridge.support.azure.AzureEmulator;
import io.pullbridge.support.azure.GraphServicePrincipal;
import io.pullbridge.support.kube.EmulatedCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * What an operator's Prometheus sees: after real work (registries, a failed and a retried job, a registry token, an
 * adopted principal, a cluster, a binding in conflict), {@code /actuator/prometheus} exports every metric that an alert
 * of {@code deploy/monitoring/pullbridge-alerts.yaml} or a panel of {@code pullbridge-dashboard.json} uses, with the
 * figures of what was made, no secret, and no series left for a credential that is gone.
 */
@IntegrationTest
class MonitoringIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String PASSWORD = "metrics-adopted-password-6f1d";
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ObjectMapper json;

    @Autowired
    GaugeRefresher gauges;

    AzureEmulator azure = AzureEmulator.shared();
    EmulatedCluster cluster;

    @BeforeEach
    void startCluster() {
        cluster = EmulatedCluster.start("team-a");
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    @Test
    void everyMetricAnAlertOrAPanelUsesIsExportedWithTheFiguresOfWhatWasMade() throws Exception {
        Api operator = Api.operator(mvc);
        Registries.Registered registry = Registries.registered(mvc, jdbc);
        // A job that fails: the registry is not in Azure.
        UUID failed = Registries.jobOf(operator.post("/api/v1/registries", "{\"resourceId\": \"/subscriptions/"
                        + UUID.randomUUID() + "/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/ghost\"}")
                .andExpect(status().isAccepted()).andReturn().getResponse());
        Clusters.awaitEnded(jdbc, failed, "failed");
        // A job that is retried: Azure answers 503 to the first run (and to the SDK's own retries within it).
        String flaky = Registries.seeded();
        azure.failNext(3, "GET", flaky.substring(flaky.lastIndexOf('/')) + "$", 503, "ServiceUnavailable", "busy");
        Registries.registered(mvc, jdbc, flaky);
        // A registry token, rotated automatically; an adopted principal, whose password only its owner rotates.
        String token = operator.post("/api/v1/registries/" + registry.id() + "/tokens", """
                        {"name": "metrics-pull", "repositories": {"team-a/*": ["content/read"]}, "passwordLifetime": "P90D"}""")
                .andExpect(status().isAccepted()).andReturn().getResponse().getHeader("Location");
        UUID tokenId = UUID.fromString(token.substring(token.lastIndexOf('/') + 1));
        awaitPhase("registry_tokens", tokenId, "Ready");
        GraphServicePrincipal adopted = azure.addServicePrincipal("metrics-" + UUID.randomUUID());
        Instant expires = Instant.now().plus(10, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        // Adopting is an Admin's, and the password must be one Entra ID accepts for that principal.
        azure.addPassword(adopted, PASSWORD, expires);
        UUID principalId = Principals.created(Api.admin(mvc), jdbc, """
                {"mode": "adopt", "appId": "%s", "password": "%s", "passwordExpiresAt": "%s",
                 "grants": [{"registryId": "%s", "role": "acrpull"}]}""".formatted(adopted.appId(), PASSWORD, expires,
                registry.id()), "succeeded").id();
        // A cluster, and a binding that finds a secret of the same name it does not manage: Degraded.
        UUID clusterId = Clusters.registered(mvc, jdbc, "m-" + UUID.randomUUID().toString().substring(0, 8),
                cluster.kubeconfig()).id();
        cluster.client().secrets().inNamespace("team-a").resource(new SecretBuilder().withNewMetadata()
                .withName("acr-secret").withNamespace("team-a").endMetadata().addToStringData("theirs", "x")
                .build()).create();
        String binding = operator.post("/api/v1/bindings", """
                        {"registryId": "%s", "clusterId": "%s", "method": "pull-secret",
                         "pullSecret": {"credential": {"servicePrincipalId": "%s"}, "namespaces": ["team-a"]}}"""
                        .formatted(registry.id(), clusterId, principalId))
                .andExpect(status().isAccepted()).andReturn().getResponse().getHeader("Location");
        UUID bindingId = UUID.fromString(binding.substring(binding.lastIndexOf('/') + 1));
        awaitPhase("bindings", bindingId, "Degraded");

        gauges.refreshAll();
        List<Sample> samples = scrape();

        Set<String> used = new TreeSet<>();
        used.addAll(metricsUsedByAlerts());
        used.addAll(metricsUsedByDashboard());
        assertThat(used).contains("pullbridge_bindings", "pullbridge_binding_unhealthy", "pullbridge_clusters",
                "pullbridge_cluster_reachable", "pullbridge_credential_expires_in_seconds",
                "pullbridge_credential_rotation_due_in_seconds", "pullbridge_jobs_completed_total",
                "pullbridge_reconcile_last_pass_timestamp_seconds", "pullbridge_reconcile_interval_seconds");
        Set<String> exported = new TreeSet<>();
        samples.forEach(sample -> exported.add(sample.name()));
        assertThat(exported).as("metrics exported by /actuator/prometheus").containsAll(used);

        assertThat(value(samples, "pullbridge_bindings", Map.of("method", "pull-secret", "phase", "Degraded")))
                .isGreaterThanOrEqualTo(1);
        assertThat(value(samples, "pullbridge_bindings", Map.of("method", "connected-registry", "phase", "Failed")))
                .as("every method and phase has a series").isNotNull();
        assertThat(value(samples, "pullbridge_binding_unhealthy", Map.of("binding_id", bindingId.toString(),
                "method", "pull-secret", "phase", "Degraded"))).isEqualTo(1);
        assertThat(value(samples, "pullbridge_cluster_reachable", Map.of("cluster_id", clusterId.toString(),
                "kind", "kubeconfig"))).isEqualTo(1);
        assertThat(value(samples, "pullbridge_clusters", Map.of("kind", "kubeconfig", "reachable", "true")))
                .isGreaterThanOrEqualTo(1);
        assertThat(value(samples, "pullbridge_credential_expires_in_seconds", Map.of("credential_id",
                principalId.toString(), "kind", "service-principal", "rotation", "manual")))
                .isCloseTo(Duration.between(Instant.now(), expires).toSeconds(), within(120.0));
        assertThat(value(samples, "pullbridge_credential_rotation_due_in_seconds", Map.of("credential_id",
                principalId.toString()))).as("an adopted password is not rotated automatically").isNull();
        assertThat(value(samples, "pullbridge_credential_expires_in_seconds", Map.of("credential_id",
                tokenId.toString(), "kind", "registry-token", "rotation", "automatic")))
                .isCloseTo(Duration.ofDays(90).toSeconds(), within(600.0));
        assertThat(value(samples, "pullbridge_credential_rotation_due_in_seconds", Map.of("credential_id",
                tokenId.toString(), "kind", "registry-token")))
                .isCloseTo(Duration.ofDays(72).toSeconds(), within(600.0));
        assertThat(value(samples, "pullbridge_jobs_completed_total", Map.of("type", "registry.create",
                "outcome", "failed"))).isGreaterThanOrEqualTo(1);
        assertThat(value(samples, "pullbridge_jobs_retries_total", Map.of("type", "registry.create")))
                .isGreaterThanOrEqualTo(1);
        assertThat(samples).noneMatch(sample -> sample.line().contains(PASSWORD));
        // The reconciliation pass as db-scheduler recorded it for every replica, or this replica's start before it.
        Timestamp lastPass = jdbc.sql("select max(last_success) from scheduled_tasks where task_name = ?")
                .param("pullbridge-reconcile").query(Timestamp.class).list().stream().filter(Objects::nonNull)
                .findFirst().orElse(null);
        Double exportedLastPass = value(samples, "pullbridge_reconcile_last_pass_timestamp_seconds", Map.of());
        if (lastPass != null) {
            assertThat(exportedLastPass).isCloseTo(lastPass.getTime() / 1000.0, within(0.001));
        } else {
            assertThat(exportedLastPass).isLessThanOrEqualTo(Instant.now().getEpochSecond() + 1.0);
        }
        assertThat(value(samples, "pullbridge_reconcile_interval_seconds", Map.of())).isEqualTo(600.0);

        // A credential that goes takes its series with it at the next refresh.
        String deleted = operator.delete(token).andExpect(status().isAccepted()).andReturn().getResponse()
                .getHeader("Operation-Location");
        assertThat(deleted).isNotNull();
        await("token " + tokenId + " to be deleted").atMost(TIMEOUT).until(() -> jdbc.sql(
                "select count(*) from registry_tokens where id = ?").param(tokenId).query(Long.class).single() == 0);
        gauges.refreshAll();
        assertThat(scrape()).noneMatch(sample -> tokenId.toString().equals(sample.labels().get("credential_id")));
    }

    @Test
    void metricNamesAreReadFromExpressionsLeavingFunctionsLabelsAndKeywordsOut() {
        assertThat(metricNames("sum by (type) (increase(pullbridge_jobs_completed_total{outcome=\"failed\"}[30m]))"
                + " >= 3")).containsExactly("pullbridge_jobs_completed_total");
        assertThat(metricNames("time() - max(a_timestamp_seconds) > 3 * max without (instance) (an_interval) "
                + "unless on (x) b_metric offset 5m")).containsExactly("a_timestamp_seconds", "an_interval",
                "b_metric");
    }

    // ---- the expressions

    private static Set<String> metricsUsedByAlerts() throws IOException {
        Map<String, Object> rules = new Yaml().load(Files.readString(Path.of("deploy/monitoring/pullbridge-alerts.yaml")));
        Set<String> names = new TreeSet<>();
        int alerts = 0;
        for (Object group : (List<?>) rules.get("groups")) {
            for (Object rule : (List<?>) ((Map<?, ?>) group).get("rules")) {
                names.addAll(metricNames(((Map<?, ?>) rule).get("expr").toString()));
                alerts++;
            }
        }
        assertThat(alerts).isGreaterThanOrEqualTo(7);
        return names;
    }

    private Set<String> metricsUsedByDashboard() throws IOException {
        JsonNode dashboard = json.readTree(Files.readString(Path.of("deploy/monitoring/pullbridge-dashboard.json")));
        Set<String> names = new TreeSet<>();
        int targets = 0;
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.path("targets")) {
                names.addAll(metricNames(target.get("expr").asText()));
                targets++;
            }
        }
        assertThat(targets).isGreaterThanOrEqualTo(10);
        return names;
    }

    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on",
            "ignoring", "group_left", "group_right", "inf", "nan");

    /** The metric names a PromQL expression reads: identifiers that are not functions, labels or keywords. */
    static Set<String> metricNames(String expression) {
        String text = expression
                .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("(?i)\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
                .replaceAll("\\b\\d+(\\.\\d+)?[a-z]*\\b", " ");
        Set<String> names = new TreeSet<>();
        Matcher identifier = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(?!\\s*\\()(?![a-zA-Z0-9_:])").matcher(text);
        while (identifier.find()) {
            if (!KEYWORDS.contains(identifier.group().toLowerCase())) {
                names.add(identifier.group());
            }
        }
        return names;
    }

    // ---- the scrape

    private record Sample(String name, Map<String, String> labels, double value, String line) {
    }

    private List<Sample> scrape() throws Exception {
        // On the API port (the test has no management port of its own) the scrape takes an Admin token.
        String text = mvc.perform(MockMvcRequestBuilders.get("/actuator/prometheus")
                        .header("Authorization", "Bearer " + TestTokens.instance().token("scraper", "Admin")))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            Matcher sample = SAMPLE.matcher(line);
            if (line.startsWith("#") || !sample.find()) {
                continue;
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (sample.group(3) != null) {
                Matcher label = LABEL.matcher(sample.group(3));
                while (label.find()) {
                    labels.put(label.group(1), label.group(2));
                }
            }
            samples.add(new Sample(sample.group(1), labels, Double.parseDouble(sample.group(4)), line));
        }
        return samples;
    }

    /** The value of the one series of this name whose labels include these, or null when there is none. */
    private static Double value(List<Sample> samples, String name, Map<String, String> labels) {
        List<Sample> found = samples.stream().filter(s -> s.name().equals(name))
                .filter(s -> s.labels().entrySet().containsAll(labels.entrySet())).toList();
        assertThat(found.size()).as("series %s%s", name, labels).isLessThanOrEqualTo(1);
        return found.isEmpty() ? null : found.get(0).value();
    }

    private void awaitPhase(String table, UUID id, String phase) {
        await(table + " " + id + " to be " + phase).atMost(TIMEOUT).until(() -> phase.equals(jdbc.sql(
                "select phase from " + table + " where id = ?").param(id).query(String.class).optional().orElse(null)));
    }
}
