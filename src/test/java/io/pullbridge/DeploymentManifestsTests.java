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
 * The image and docker compose agree on the two ports: the API on 8080, published; the management port 8081 (probes,
 * the Prometheus scrape without a token) used by every health check and never published to the API's users. The
 * Helm chart, the one way to run on Kubernetes, is held to the same by {@code HelmChartTests}.
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
