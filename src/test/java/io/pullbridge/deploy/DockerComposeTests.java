package io.pullbridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * {@code docker-compose.yml}, parsed as compose reads it: what it publishes on the host, and that PullBridge's own
 * Azure credential can be handed to it from the host's environment or the {@code .env} file, as README.md says.
 */
class DockerComposeTests {

    private static final Path COMPOSE = Path.of("docker-compose.yml");
    /** The Azure SDK's standard variables and PullBridge's own, read by AzureProperties and AzureClients. */
    private static final List<String> AZURE_VARIABLES = List.of("AZURE_TENANT_ID", "AZURE_CLIENT_ID",
            "AZURE_CLIENT_SECRET", "PULLBRIDGE_AZURE_CREDENTIAL", "PULLBRIDGE_AZURE_TENANT_ID",
            "PULLBRIDGE_AZURE_CLOUD");
    private static final Pattern PASSED_THROUGH = Pattern.compile("\\$\\{([A-Z0-9_]+)(:?[-?][^}]*)?}");

    private static Map<String, Object> services;

    @BeforeAll
    static void parse() throws IOException {
        Object document = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(COMPOSE));
        services = map(map(document).get("services"));
    }

    @Test
    void theManagementPortIsPublishedOnTheLoopbackInterfaceOnly() throws IOException {
        Map<String, Object> pullbridge = map(services.get("pullbridge"));
        String managementPort = String.valueOf(map(pullbridge.get("environment")).get("MANAGEMENT_SERVER_PORT"));
        assertThat(managementPort).isEqualTo("8081");

        List<Published> published = published(pullbridge);
        assertThat(published).extracting(Published::containerPort).contains("8080", managementPort);
        for (Published port : published) {
            if (port.containerPort().equals(managementPort)) {
                assertThat(port.hostIp()).as("host address of %s", port).isNotNull();
                assertThat(InetAddress.getByName(port.hostIp()).isLoopbackAddress()).as("%s", port).isTrue();
            }
        }
    }

    @Test
    void theDatabaseIsNotPublishedOnTheHost() {
        assertThat(map(services.get("postgres"))).doesNotContainKey("ports");
    }

    @Test
    void pullBridgesAzureCredentialIsPassedThroughFromTheHost() {
        Map<String, Object> environment = map(map(services.get("pullbridge")).get("environment"));
        for (String variable : AZURE_VARIABLES) {
            assertThat(environment).as("compose sets %s", variable).containsKey(variable);
            Matcher reference = PASSED_THROUGH.matcher(String.valueOf(environment.get(variable)));
            assertThat(reference.matches()).as("%s is taken from the host's environment or .env: %s", variable,
                    environment.get(variable)).isTrue();
            assertThat(reference.group(1)).isEqualTo(variable);
        }
    }

    @Test
    void everyVariableComposeSetsIsDocumentedInTheReadme() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        for (String variable : map(map(services.get("pullbridge")).get("environment")).keySet()) {
            assertThat(readme).as("README.md documents %s", variable).contains("`" + variable + "`");
        }
        for (String variable : AZURE_VARIABLES) {
            assertThat(readme).as("README.md documents %s", variable).contains(variable);
        }
    }

    private static List<Published> published(Map<String, Object> service) {
        List<Published> ports = new ArrayList<>();
        for (Object port : list(service.get("ports"))) {
            if (port instanceof Map<?, ?> longForm) {
                ports.add(new Published(stringOrNull(longForm.get("host_ip")), String.valueOf(longForm.get("target"))));
                continue;
            }
            String shortForm = String.valueOf(port);
            String withoutProtocol = shortForm.contains("/") ? shortForm.substring(0, shortForm.indexOf('/'))
                    : shortForm;
            // HOST_IP:HOST_PORT:CONTAINER_PORT, HOST_PORT:CONTAINER_PORT or CONTAINER_PORT; an IPv6 host is bracketed.
            int lastColon = withoutProtocol.lastIndexOf(':');
            String container = withoutProtocol.substring(lastColon + 1);
            String host = lastColon < 0 ? "" : withoutProtocol.substring(0, lastColon);
            int hostPortColon = host.lastIndexOf(':');
            String hostIp = hostPortColon < 0 ? null : host.substring(0, hostPortColon).replace("[", "")
                    .replace("]", "");
            ports.add(new Published(hostIp, container));
        }
        return ports;
    }

    private record Published(String hostIp, String containerPort) {
    }

    private static String stringOrNull(Object value) {
        return value == null ? null : String.valueOf(value);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        assertThat(value).isInstanceOf(List.class);
        return (List<Object>) value;
    }
}
