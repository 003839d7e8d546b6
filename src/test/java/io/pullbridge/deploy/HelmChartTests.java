package io.pullbridge.deploy;

import static io.pullbridge.deploy.RenderedChart.ci;
import static io.pullbridge.deploy.RenderedChart.get;
import static io.pullbridge.deploy.RenderedChart.list;
import static io.pullbridge.deploy.RenderedChart.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.pullbridge.support.kube.EmulatedCluster;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Helm chart, tested without a cluster: linted and rendered by helm-java with each values file under the chart's
 * ci/ folder; every rendered object parses strictly as its Kubernetes kind (the official client's models refuse
 * fields their kind does not have) and is accepted by the fabric8 mock API server; and what an installation depends on
 * holds: workload identity, secrets only by reference, probes on the management port, the hardened security context,
 * the network policy, and settings PullBridge actually reads.
 */
class HelmChartTests {

    /** The kinds the chart may render, each with the model it must parse as (CRDs are checked by their shape). */
    private static final Map<String, Class<?>> KINDS = Map.of(
            "v1/ServiceAccount", V1ServiceAccount.class,
            "v1/ConfigMap", V1ConfigMap.class,
            "v1/Service", V1Service.class,
            "apps/v1/Deployment", V1Deployment.class,
            "policy/v1/PodDisruptionBudget", V1PodDisruptionBudget.class,
            "networking.k8s.io/v1/NetworkPolicy", V1NetworkPolicy.class);
    private static final Set<String> CUSTOM_KINDS = Set.of("monitoring.coreos.com/v1/ServiceMonitor",
            "monitoring.coreos.com/v1/PrometheusRule");

    private static EmulatedCluster cluster;

    @BeforeAll
    static void startApiServer() {
        // The Prometheus operator's CRDs, as on a cluster that runs it: without them the API server has no such kinds.
        cluster = EmulatedCluster.start()
                .installCustomResource("monitoring.coreos.com", "v1", "servicemonitors", "ServiceMonitor")
                .installCustomResource("monitoring.coreos.com", "v1", "prometheusrules", "PrometheusRule");
    }

    @AfterAll
    static void stopApiServer() {
        cluster.close();
    }

    static List<Path> valuesFiles() {
        List<Path> files = RenderedChart.ciValuesFiles();
        assertThat(files).extracting(f -> f.getFileName().toString()).contains("workload-identity-values.yaml",
                "client-secret-values.yaml", "monitoring-values.yaml", "no-network-policy-values.yaml");
        return files;
    }

    @ParameterizedTest
    @MethodSource("valuesFiles")
    void lintsStrictly(Path values, @TempDir Path work) {
        LintResult lint = RenderedChart.lint(values, work);

        assertThat(lint.isFailed()).as("helm lint --strict: %s", lint.getMessages()).isFalse();
        assertThat(lint.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    @ParameterizedTest
    @MethodSource("valuesFiles")
    void everyRenderedObjectParsesStrictlyAsItsKindAndTheApiServerAcceptsIt(Path values) throws IOException {
        RenderedChart chart = RenderedChart.render(values);
        String namespace = "ns-" + values.getFileName().toString().replace("-values.yaml", "");
        cluster.addNamespace(namespace, Map.of());
        KubernetesClient client = cluster.client();
        JSON strict = new JSON();

        assertThat(chart.objects()).isNotEmpty();
        for (Map<String, Object> object : chart.objects()) {
            String kind = object.get("apiVersion") + "/" + object.get("kind");
            String json = new Gson().toJson(object);
            if (KINDS.containsKey(kind)) {
                Object parsed = strict.deserialize(json, KINDS.get(kind));
                // The model keeps everything the manifest says, nothing dropped on the way (it adds empty lists).
                assertThat(withoutEmpties(JsonParser.parseString(strict.serialize(parsed))))
                        .as("%s parsed as %s", kind, KINDS.get(kind).getSimpleName())
                        .isEqualTo(withoutEmpties(JsonParser.parseString(json)));
            } else {
                assertThat(CUSTOM_KINDS).as("a kind the chart may render").contains(kind);
            }
            HasMetadata resource = client.getKubernetesSerialization().unmarshal(json);
            HasMetadata created;
            HasMetadata readBack;
            if (resource instanceof GenericKubernetesResource custom) {
                assertThat(CUSTOM_KINDS).contains(kind);
                ResourceDefinitionContext definition = new ResourceDefinitionContext.Builder()
                        .withGroup(custom.getApiVersion().split("/")[0]).withVersion("v1").withKind(custom.getKind())
                        .withPlural(custom.getKind().toLowerCase(Locale.ROOT) + "s").withNamespaced(true).build();
                created = client.genericKubernetesResources(definition).inNamespace(namespace).resource(custom)
                        .create();
                readBack = client.genericKubernetesResources(definition).inNamespace(namespace)
                        .withName(custom.getMetadata().getName()).get();
            } else {
                created = client.resource(resource).inNamespace(namespace).create();
                readBack = client.resource(resource).inNamespace(namespace).get();
            }
            assertThat(created.getMetadata().getName()).isEqualTo(resource.getMetadata().getName());
            assertThat(readBack).as("%s read back", kind).isNotNull();
        }
    }

    @Test
    void strictParsingRefusesAFieldTheKindDoesNotHave() {
        Map<String, Object> deployment = RenderedChart.render(ci("workload-identity")).one("Deployment");
        map(get(deployment, "spec")).put("replica", 2);

        assertThatThrownBy(() -> new JSON().deserialize(new Gson().toJson(deployment), V1Deployment.class))
                .hasMessageContaining("replica");
    }

    @Test
    void withoutTheRequiredValuesTheChartRefusesToRenderAndSaysWhichIsMissing() {
        assertThatThrownBy(() -> RenderedChart.render()).hasMessageContaining("is required");
        Path onlyDatabase = writeValues("database:\n  existingSecret: db\nmasterKey:\n  existingSecret: key\n");
        assertThatThrownBy(() -> RenderedChart.render(onlyDatabase)).hasMessageContaining("auth.");
        Path noClientId = writeValues("database:\n  existingSecret: db\nmasterKey:\n  existingSecret: key\n"
                + "auth:\n  issuerUri: https://issuer.example.com/\n  audiences: [api://pullbridge]\n");
        assertThatThrownBy(() -> RenderedChart.render(noClientId))
                .hasMessageContaining("azure.workloadIdentity.clientId is required");
        Path badCredential = writeValues("azure:\n  credential: password\n");
        assertThatThrownBy(() -> RenderedChart.render(ci("workload-identity"), badCredential))
                .hasMessageContaining("credential");
    }

    @Test
    void workloadIdentityAnnotatesTheServiceAccountAndLabelsThePod() {
        RenderedChart chart = RenderedChart.render(ci("workload-identity"));

        Map<String, Object> serviceAccount = chart.one("ServiceAccount");
        assertThat(get(serviceAccount, "metadata.annotations.[azure.workload.identity/client-id]"))
                .isEqualTo("5b2a7c1d-3e4f-4a6b-8c9d-0e1f2a3b4c5d");
        assertThat(get(serviceAccount, "automountServiceAccountToken")).isEqualTo(false);
        Map<String, Object> pod = map(get(chart.one("Deployment"), "spec.template"));
        assertThat(get(pod, "metadata.labels.[azure.workload.identity/use]")).isEqualTo("true");
        assertThat(get(pod, "spec.serviceAccountName")).isEqualTo(get(serviceAccount, "metadata.name"));
        assertThat(get(chart.configFile(), "pullbridge.azure.credential")).isEqualTo("workload-identity");
        assertThat(get(chart.configFile(), "pullbridge.azure.client-id"))
                .isEqualTo("5b2a7c1d-3e4f-4a6b-8c9d-0e1f2a3b4c5d");
        assertThat(chart.env()).doesNotContainKeys("AZURE_CLIENT_SECRET", "AZURE_CLIENT_ID");
    }

    @Test
    void aClientSecretComesFromItsSecretAndNoWorkloadIdentityIsAskedFor() {
        RenderedChart chart = RenderedChart.render(ci("client-secret"));

        assertThat(secretRef(chart.env().get("AZURE_CLIENT_SECRET"))).isEqualTo("pullbridge-azure/client-secret");
        assertThat(secretRef(chart.env().get("AZURE_CLIENT_ID"))).isEqualTo("pullbridge-azure/client-id");
        assertThat(get(chart.configFile(), "pullbridge.azure.credential")).isEqualTo("client-secret");
        assertThat(get(chart.configFile(), "pullbridge.azure.tenant-id"))
                .isEqualTo("72f988bf-86f1-41af-91ab-2d7cd011db47");
        assertThat(chart.manifest()).doesNotContain("azure.workload.identity");
    }

    @ParameterizedTest
    @MethodSource("valuesFiles")
    void noSecretValueIsInlinedInAnyRenderedManifest(Path values) {
        RenderedChart chart = RenderedChart.render(values);

        assertThat(chart.all("Secret")).isEmpty();
        Map<String, Map<String, Object>> env = chart.env();
        for (String name : List.of("SPRING_DATASOURCE_PASSWORD", "PULLBRIDGE_SECURITY_MASTER_KEY")) {
            assertThat(secretRef(env.get(name))).as(name).isNotNull();
        }
        env.forEach((name, variable) -> {
            if (name.matches(".*(PASSWORD|SECRET|KEY|TOKEN).*")) {
                assertThat(variable).as(name + " comes from a Secret").doesNotContainKey("value");
            }
        });
        assertThat(flatten(chart.configFile()).keySet())
                .noneMatch(key -> key.matches(".*(password|secret|master-key|previous-keys)$"));
    }

    @Test
    void theDatabaseUrlComesFromTheSecretUnlessGivenAsAValue() {
        assertThat(secretRef(RenderedChart.render(ci("workload-identity")).env().get("SPRING_DATASOURCE_URL")))
                .isEqualTo("pullbridge-database/url");
        assertThat(RenderedChart.render(ci("client-secret")).env().get("SPRING_DATASOURCE_URL").get("value"))
                .isEqualTo("jdbc:postgresql://pullbridge-db.postgres.database.azure.com:5432/pullbridge"
                        + "?sslmode=verify-full");
    }

    @ParameterizedTest
    @MethodSource("valuesFiles")
    void probesAskTheManagementPortAndOnlyTheApiIsOnTheApiService(Path values) {
        RenderedChart chart = RenderedChart.render(values);
        Map<String, Object> container = chart.container();
        int managementPort = ((Number) get(chart.configFile(), "management.server.port")).intValue();

        Map<String, Object> ports = new LinkedHashMap<>();
        list(container, "ports").forEach(p -> ports.put((String) p.get("name"), p.get("containerPort")));
        assertThat(ports).containsExactly(Map.entry("http", 8080), Map.entry("management", managementPort));
        assertThat(get(chart.configFile(), "server.port")).isEqualTo(8080);
        assertThat(get(container, "startupProbe.httpGet.path")).isEqualTo("/actuator/health/liveness");
        assertThat(get(container, "livenessProbe.httpGet.path")).isEqualTo("/actuator/health/liveness");
        assertThat(get(container, "readinessProbe.httpGet.path")).isEqualTo("/actuator/health/readiness");
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            assertThat(get(container, probe + ".httpGet.port")).as(probe).isEqualTo("management");
        }
        String fullname = (String) get(chart.one("Deployment"), "metadata.name");
        Map<String, Object> api = chart.named("Service", fullname);
        assertThat(list(api, "spec.ports")).singleElement()
                .satisfies(p -> assertThat(p.get("targetPort")).isEqualTo("http"));
        Map<String, Object> management = chart.named("Service", fullname + "-management");
        assertThat(list(management, "spec.ports")).singleElement().satisfies(p -> {
            assertThat(p.get("targetPort")).isEqualTo("management");
            assertThat(p.get("port")).isEqualTo(managementPort);
        });
    }

    @ParameterizedTest
    @MethodSource("valuesFiles")
    void thePodRunsHardened(Path values) {
        RenderedChart chart = RenderedChart.render(values);
        Map<String, Object> pod = map(get(chart.one("Deployment"), "spec.template.spec"));
        Map<String, Object> container = chart.container();

        assertThat(get(pod, "automountServiceAccountToken")).isEqualTo(false);
        assertThat(get(pod, "securityContext.runAsNonRoot")).isEqualTo(true);
        assertThat(get(pod, "securityContext.runAsUser")).isEqualTo(10001);
        assertThat(get(pod, "securityContext.seccompProfile.type")).isEqualTo("RuntimeDefault");
        assertThat(get(container, "securityContext.allowPrivilegeEscalation")).isEqualTo(false);
        assertThat(get(container, "securityContext.readOnlyRootFilesystem")).isEqualTo(true);
        assertThat(get(container, "securityContext.capabilities.drop")).isEqualTo(List.of("ALL"));
        assertThat(list(container, "volumeMounts")).anySatisfy(m -> assertThat(m.get("mountPath")).isEqualTo("/tmp"));
        assertThat(get(container, "resources.limits.memory")).isEqualTo("768Mi");
        assertThat(get(container, "resources.requests.cpu")).isEqualTo("250m");
        assertThat(get(pod, "terminationGracePeriodSeconds")).isEqualTo(45);
    }

    @Test
    void logsAreJsonByDefault() {
        assertThat(RenderedChart.render(ci("workload-identity")).env().get("LOGGING_STRUCTURED_FORMAT_CONSOLE"))
                .containsEntry("value", "ecs");
        assertThat(RenderedChart.render(ci("client-secret")).env()).doesNotContainKey(
                "LOGGING_STRUCTURED_FORMAT_CONSOLE");
    }

    @Test
    void twoReplicasAreSpreadAndKeptByADisruptionBudget() {
        RenderedChart chart = RenderedChart.render(ci("workload-identity"));
        Map<String, Object> deployment = chart.one("Deployment");
        Map<String, Object> selector = map(get(deployment, "spec.selector.matchLabels"));

        assertThat(get(deployment, "spec.replicas")).isEqualTo(2);
        assertThat(get(chart.one("PodDisruptionBudget"), "spec.minAvailable")).isEqualTo(1);
        assertThat(get(chart.one("PodDisruptionBudget"), "spec.selector.matchLabels")).isEqualTo(selector);
        assertThat(list(deployment, "spec.template.spec.topologySpreadConstraints"))
                .extracting(c -> c.get("topologyKey"))
                .containsExactly("kubernetes.io/hostname", "topology.kubernetes.io/zone");
        assertThat(list(deployment, "spec.template.spec.topologySpreadConstraints"))
                .allSatisfy(c -> assertThat(get(c, "labelSelector.matchLabels")).isEqualTo(selector));
        // One replica: a budget of one would block every node drain.
        assertThat(RenderedChart.render(ci("client-secret")).all("PodDisruptionBudget")).isEmpty();
    }

    @Test
    void theNetworkPolicyLetsTheApiInFromTheGivenPeersAndTheManagementPortOnlyFromMonitoring() {
        RenderedChart open = RenderedChart.render(ci("workload-identity"));
        List<Map<String, Object>> rules = list(open.one("NetworkPolicy"), "spec.ingress");
        assertThat(rules).hasSize(2);
        assertThat(get(rules.get(0), "ports")).isEqualTo(List.of(Map.of("port", "http", "protocol", "TCP")));
        assertThat(rules.get(0)).doesNotContainKey("from");
        assertThat(get(rules.get(1), "ports")).isEqualTo(List.of(Map.of("port", "management", "protocol", "TCP")));
        assertThat(get(rules.get(1), "from")).isEqualTo(List.of(Map.of("namespaceSelector",
                Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", "monitoring")))));
        assertThat(get(open.one("NetworkPolicy"), "spec.policyTypes")).isEqualTo(List.of("Ingress"));

        RenderedChart restricted = RenderedChart.render(ci("monitoring"));
        Map<String, Object> policy = restricted.one("NetworkPolicy");
        assertThat(get(list(policy, "spec.ingress").get(0), "from")).isEqualTo(List.of(Map.of("namespaceSelector",
                Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", "ingress-nginx")))));
        assertThat(get(policy, "spec.policyTypes")).isEqualTo(List.of("Ingress", "Egress"));
        assertThat(list(policy, "spec.egress")).hasSize(2)
                .anySatisfy(rule -> assertThat(get(rule, "ports")).asString().contains("53"));

        assertThat(RenderedChart.render(ci("no-network-policy")).all("NetworkPolicy")).isEmpty();
    }

    @Test
    void monitoringScrapesTheManagementServiceAndCarriesTheCommittedAlerts() throws IOException {
        RenderedChart chart = RenderedChart.render(ci("monitoring"));

        Map<String, Object> monitor = chart.one("ServiceMonitor");
        assertThat(get(monitor, "metadata.labels.release")).isEqualTo("kube-prometheus-stack");
        assertThat(list(monitor, "spec.endpoints")).singleElement().satisfies(endpoint -> {
            assertThat(endpoint.get("port")).isEqualTo("management");
            assertThat(endpoint.get("path")).isEqualTo("/actuator/prometheus");
        });
        Map<String, Object> selector = map(get(monitor, "spec.selector.matchLabels"));
        assertThat(chart.all("Service")).filteredOn(s -> map(get(s, "metadata.labels")).entrySet()
                        .containsAll(selector.entrySet()))
                .singleElement().satisfies(s -> assertThat(get(s, "metadata.name")).isEqualTo("pb-management"));
        assertThat(get(chart.named("Service", "pb-management"), "spec.ports")).asString().contains("9090");

        Path committed = Path.of("deploy/monitoring/pullbridge-alerts.yaml");
        assertThat(RenderedChart.CHART.resolve("files/pullbridge-alerts.yaml"))
                .as("the chart's copy of deploy/monitoring/pullbridge-alerts.yaml: cp deploy/monitoring/"
                        + "pullbridge-alerts.yaml deploy/helm/pullbridge/files/")
                .hasSameTextualContentAs(committed);
        assertThat(get(chart.one("PrometheusRule"), "spec.groups"))
                .isEqualTo(RenderedChart.load(committed).get("groups"));
        assertThat(RenderedChart.render(ci("workload-identity")).all("ServiceMonitor")).isEmpty();
        assertThat(RenderedChart.render(ci("workload-identity")).all("PrometheusRule")).isEmpty();
    }

    @Test
    void previousMasterKeysAreMountedWhereSpringReadsThemAsProperties() {
        RenderedChart chart = RenderedChart.render(ci("monitoring"));

        assertThat(get(chart.configFile(), "spring.config.import"))
                .isEqualTo("optional:configtree:/etc/pullbridge/keys/");
        assertThat(list(chart.container(), "volumeMounts")).anySatisfy(mount -> {
            assertThat(mount.get("name")).isEqualTo("previous-keys");
            // configtree turns the file <id> under pullbridge/security/previous-keys into pullbridge.security.previous-keys.<id>
            assertThat(mount.get("mountPath")).isEqualTo("/etc/pullbridge/keys/pullbridge/security/previous-keys");
        });
        assertThat(list(chart.one("Deployment"), "spec.template.spec.volumes"))
                .anySatisfy(volume -> assertThat(get(volume, "secret.secretName"))
                        .isEqualTo("pullbridge-previous-keys"));
        assertThat(get(chart.configFile(), "pullbridge.security.master-key-id")).isEqualTo("k2");
    }

    @Test
    void configOverridesAndExtraSettingsReachTheConfigurationFile() {
        Map<String, Object> config = RenderedChart.render(ci("monitoring")).configFile();

        assertThat(get(config, "pullbridge.jobs.reconcile-interval")).isEqualTo("PT5M");
        assertThat(get(config, "pullbridge.principals.auto-rotate-at")).isEqualTo(0.75);
        assertThat(get(config, "management.server.port")).isEqualTo(9090);
        assertThat(get(config, "spring.security.oauth2.resourceserver.jwt.audiences"))
                .isEqualTo(List.of("api://pullbridge"));
    }

    @ParameterizedTest
    @MethodSource("valuesFiles")
    void everySettingTheChartWritesIsOneThatPullBridgeOrSpringBootReads(Path values) throws IOException {
        Set<String> known = new HashSet<>();
        Set<String> maps = new HashSet<>();
        readConfigurationMetadata(known, maps);
        assertThat(known).contains("pullbridge.azure.credential", "pullbridge.clusters.allowed-hosts",
                "management.server.port");

        Set<String> unknown = new TreeSet<>();
        for (String key : flatten(RenderedChart.render(values).configFile()).keySet()) {
            boolean inMap = maps.stream().anyMatch(map -> key.startsWith(map + "."));
            if (!known.contains(key) && !inMap) {
                unknown.add(key);
            }
        }
        assertThat(unknown).as("settings no configuration metadata describes").isEmpty();
    }

    @Test
    void theSchemaRefusesValuesOfTheWrongShape() {
        Path typo = writeValues("replicas: 2\n");
        assertThatThrownBy(() -> RenderedChart.render(ci("workload-identity"), typo)).hasMessageContaining("replicas");
        Path notAUuid = writeValues("azure:\n  workloadIdentity:\n    clientId: my-identity\n");
        assertThatThrownBy(() -> RenderedChart.render(ci("workload-identity"), notAUuid))
                .hasMessageContaining("clientId");
    }

    // ---- helpers

    /** The element without empty objects and arrays, which the client's models create for fields left unset. */
    private static JsonElement withoutEmpties(JsonElement element) {
        if (element.isJsonObject()) {
            JsonObject pruned = new JsonObject();
            element.getAsJsonObject().entrySet().forEach(entry -> {
                JsonElement value = withoutEmpties(entry.getValue());
                boolean empty = value.isJsonObject() && value.getAsJsonObject().isEmpty()
                        || value.isJsonArray() && value.getAsJsonArray().isEmpty();
                if (!empty) {
                    pruned.add(entry.getKey(), value);
                }
            });
            return pruned;
        }
        if (element.isJsonArray()) {
            JsonArray pruned = new JsonArray();
            element.getAsJsonArray().forEach(item -> pruned.add(withoutEmpties(item)));
            return pruned;
        }
        return element;
    }

    private static String secretRef(Map<String, Object> variable) {
        if (variable == null || get(variable, "valueFrom.secretKeyRef") == null) {
            return null;
        }
        return get(variable, "valueFrom.secretKeyRef.name") + "/" + get(variable, "valueFrom.secretKeyRef.key");
    }

    private static Map<String, Object> flatten(Map<String, Object> tree) {
        Map<String, Object> flat = new LinkedHashMap<>();
        flatten("", tree, flat);
        return flat;
    }

    private static void flatten(String prefix, Map<String, Object> tree, Map<String, Object> flat) {
        tree.forEach((key, value) -> {
            String name = prefix.isEmpty() ? key : prefix + "." + key;
            if (value instanceof Map<?, ?> child) {
                flatten(name, map(child), flat);
            } else {
                flat.put(name, value);
            }
        });
    }

    /** Every property Spring Boot's configuration metadata describes (ours and every starter's) on the classpath. */
    private static void readConfigurationMetadata(Set<String> known, Set<String> maps) throws IOException {
        List<String> files = List.of("META-INF/spring-configuration-metadata.json",
                "META-INF/additional-spring-configuration-metadata.json");
        List<URL> urls = new ArrayList<>();
        for (String file : files) {
            Enumeration<URL> found = HelmChartTests.class.getClassLoader().getResources(file);
            while (found.hasMoreElements()) {
                urls.add(found.nextElement());
            }
        }
        for (URL url : urls) {
            try (InputStream in = url.openStream()) {
                JsonObject metadata = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8))
                        .getAsJsonObject();
                JsonArray properties = metadata.getAsJsonArray("properties");
                if (properties == null) {
                    continue;
                }
                for (JsonElement property : properties) {
                    JsonObject p = property.getAsJsonObject();
                    String name = p.get("name").getAsString();
                    known.add(name);
                    if (p.has("type") && p.get("type").getAsString().startsWith("java.util.Map")) {
                        maps.add(name);
                    }
                }
            }
        }
    }

    private static Path writeValues(String yaml) {
        try {
            Path file = Files.createTempFile("values", ".yaml");
            file.toFile().deleteOnExit();
            return Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
