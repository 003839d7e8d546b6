package io.pullbridge;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The image, docker compose and the Kubernetes manifests agree on the two ports: the API on 8080, published; the
 * management port 8081 (probes, the Prometheus scrape without a token) used by every health check and never
 * published to the API's users.
 */
class DeploymentManifestsTests {

    private static final int API = 8080;
    private static final int MANAGEMENT = 8081;

    @Test
    void theImageRunsActuatorOnTheManagementPortAndChecksItsHealthThere() throws IOException {
        String dockerfile = Files.readString(Path.of("Dockerfile"));

        assertThat(dockerfile).containsPattern("(?m)^ENV MANAGEMENT_SERVER_PORT=" + MANAGEMENT + "$")
                .containsPattern("(?m)^EXPOSE " + API + " " + MANAGEMENT + "$");
        assertThat(healthCheckPorts(dockerfile)).containsOnly(MANAGEMENT);
        assertThat(dockerfile).contains("/actuator/health/liveness");
    }

    @Test
    void composePublishesTheManagementPortOnLoopbackOnlyAndChecksReadinessThere() throws IOException {
        Map<String, Object> service = child(yaml("docker-compose.yml"), "services", "pullbridge");

        List<String> ports = list(service.get("ports"));
        assertThat(ports).contains(API + ":" + API);
        assertThat(ports).filteredOn(port -> port.endsWith(":" + MANAGEMENT))
                .allSatisfy(port -> assertThat(port).startsWith("127.0.0.1:"));
        assertThat(child(service, "environment").get("MANAGEMENT_SERVER_PORT")).isEqualTo(String.valueOf(MANAGEMENT));
        String check = String.join(" ", list(child(service, "healthcheck").get("test")));
        assertThat(healthCheckPorts(check)).containsOnly(MANAGEMENT);
        assertThat(check).contains("/actuator/health/readiness");
    }

    @Test
    void kubernetesProbesAndScrapesTheManagementPortWhichTheServiceDoesNotExpose() throws IOException {
        Map<String, Object> template = child(yaml("deploy/deployment.yaml"), "spec", "template");
        Map<String, Object> container = map(list(child(template, "spec").get("containers")).get(0));

        assertThat(list(container.get("ports"))).extracting(port -> map(port).get("name") + "=" + map(port)
                .get("containerPort")).containsExactlyInAnyOrder("http=" + API, "management=" + MANAGEMENT);
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            Map<String, Object> get = child(container, probe, "httpGet");
            assertThat(get.get("port")).as(probe).isEqualTo("management");
            assertThat((String) get.get("path")).as(probe).startsWith("/actuator/health/");
        }
        Map<String, Object> annotations = child(template, "metadata", "annotations");
        assertThat(annotations).containsEntry("prometheus.io/port", String.valueOf(MANAGEMENT))
                .containsEntry("prometheus.io/path", "/actuator/prometheus");
        assertThat(yaml("deploy/configmap.yaml")).extractingByKey("data")
                .satisfies(data -> assertThat(map(data)).containsEntry("MANAGEMENT_SERVER_PORT",
                        String.valueOf(MANAGEMENT)));

        List<Object> servicePorts = list(child(yaml("deploy/service.yaml"), "spec").get("ports"));
        assertThat(servicePorts).extracting(port -> map(port).get("targetPort")).containsExactly("http");
        Map<String, Object> endpoint = map(list(child(yaml("deploy/podmonitor.yaml"), "spec")
                .get("podMetricsEndpoints")).get(0));
        assertThat(endpoint).containsEntry("port", "management").containsEntry("path", "/actuator/prometheus");
    }

    private static List<Integer> healthCheckPorts(String text) {
        Matcher matcher = Pattern.compile("/dev/tcp/127\\.0\\.0\\.1/(\\d+)").matcher(text);
        List<Integer> ports = new ArrayList<>();
        while (matcher.find()) {
            ports.add(Integer.parseInt(matcher.group(1)));
        }
        assertThat(ports).as("health checks in %s", text).isNotEmpty();
        return ports;
    }

    private static Map<String, Object> yaml(String file) throws IOException {
        return new Yaml().load(Files.readString(Path.of(file)));
    }

    private static Map<String, Object> child(Map<String, Object> parent, String... keys) {
        Map<String, Object> node = parent;
        for (String key : keys) {
            assertThat(node).as("a parent of " + key).containsKey(key);
            node = map(node.get(key));
        }
        return node;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node) {
        return (Map<String, Object>) node;
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> list(Object node) {
        return (List<T>) node;
    }
}
