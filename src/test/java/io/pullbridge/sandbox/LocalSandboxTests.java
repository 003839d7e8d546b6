package io.pullbridge.sandbox;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import io.pullbridge.support.azure.AzureEmulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The README's first command: the sandbox starts on its own and the token it prints opens the API. */
@ExtendWith(OutputCaptureExtension.class)
class LocalSandboxTests {

    private static final String CONTOSO = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/"
            + "rg-shared/providers/Microsoft.ContainerRegistry/registries/contosoacr";

    private static final String CORP_WEU = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/"
            + "rg-aks/providers/Microsoft.ContainerService/managedClusters/corp-weu";

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void startsAndPrintsATwelveHourAdminTokenThatTheApiAccepts(@TempDir Path directory, CapturedOutput output)
            throws Exception {
        Path tokenFile = directory.resolve("admin.token");
        try (ConfigurableApplicationContext sandbox = LocalSandbox.start("--server.port=0",
                "--pullbridge.sandbox.token-file=" + tokenFile)) {
            String base = "http://localhost:" + sandbox.getEnvironment().getProperty("local.server.port");
            String token = Files.readString(tokenFile).strip();

            assertThat(output).contains(base + "/swagger-ui.html", base + "/v3/api-docs",
                    "export PULLBRIDGE_TOKEN=" + token);
            JsonNode claims = JsonMapper.shared().readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
            assertThat(claims.get("sub").asString()).isEqualTo("local-admin");
            assertThat(claims.get("roles").get(0).asString()).isEqualTo("Admin");
            assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isEqualTo(12 * 3600);

            assertThat(get(base + "/actuator/health", null).statusCode()).isEqualTo(200);
            HttpResponse<String> registries = get(base + "/api/v1/registries", token);
            assertThat(registries.statusCode()).isEqualTo(200);
            assertThat(registries.body()).contains("\"items\"");
            assertThat(get(base + "/api/v1/audit-events", token).statusCode()).isEqualTo(200);
            // A convenience of the sandbox only: Swagger UI keeps the pasted token across reloads.
            assertThat(get(base + "/v3/api-docs/swagger-config", null).body()).contains("\"persistAuthorization\":true");
        }
    }

    /**
     * The walkthrough's {@code corp-weu} (Entra-only AKS, Azure RBAC, local accounts disabled), registered and bound
     * over HTTP as the README does: it goes Ready signed in with PullBridge's own Entra token, and takes a pull secret.
     */
    @Test
    void theWalkthroughsEntraOnlyClusterGoesReadyAndTakesAPullSecret(@TempDir Path directory) throws Exception {
        AzureEmulator.trustEmulatorCertificate();
        AzureEmulator azure = AzureEmulator.shared();
        if (azure.registry(CONTOSO).isEmpty()) {
            LocalSandbox.seedAzure(azure);
        }
        if (azure.managedCluster(CORP_WEU).isEmpty()) {
            LocalSandbox.seedEntraCluster(azure);
        }
        Path tokenFile = directory.resolve("admin.token");
        try (ConfigurableApplicationContext sandbox = LocalSandbox.start("--server.port=0",
                "--pullbridge.sandbox.token-file=" + tokenFile)) {
            String api = "http://localhost:" + sandbox.getEnvironment().getProperty("local.server.port") + "/api/v1";
            String token = Files.readString(tokenFile).strip();

            String registry = post(api + "/registries", token, "{\"resourceId\": \"" + CONTOSO + "\"}");
            String corp = post(api + "/clusters", token, """
                    {"name": "corp-weu", "kind": "aks", "resourceId": "%s"}""".formatted(CORP_WEU));
            JsonNode cluster = awaitPhase(api + "/clusters/" + corp, token, "Ready");
            assertThat(cluster.at("/status/access/mode").asString()).isEqualTo("entra");
            assertThat(cluster.at("/status/localAccountsDisabled").asBoolean()).isTrue();
            assertThat(cluster.at("/status/entraIntegration/azureRbac").asBoolean()).isTrue();

            awaitPhase(api + "/registries/" + registry, token, "Ready");
            String principal = post(api + "/service-principals", token, """
                    {"mode": "create", "displayName": "corp-pull", "passwordLifetime": "P90D",
                     "grants": [{"registryId": "%s", "role": "acrpull"}]}""".formatted(registry));
            awaitPhase(api + "/service-principals/" + principal, token, "Ready");
            String binding = post(api + "/bindings", token, """
                    {"registryId": "%s", "clusterId": "%s", "method": "pull-secret",
                     "pullSecret": {"credential": {"servicePrincipalId": "%s"}, "namespaces": ["team-a", "team-b"]}}"""
                    .formatted(registry, corp, principal));
            awaitPhase(api + "/bindings/" + binding, token, "Ready");
        }
    }

    private String post(String url, String token, String body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isIn(201, 202);
        return JsonMapper.shared().readTree(response.body()).get("id").asString();
    }

    /** Waits for {@code status.phase}, failing at once on Failed (with the status in the message). */
    private JsonNode awaitPhase(String url, String token, String phase) {
        AtomicReference<JsonNode> last = new AtomicReference<>();
        await(url + " to be " + phase).atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    last.set(JsonMapper.shared().readTree(get(url, token).body()));
                    assertThat(last.get().at("/status/phase").asString()).as(last.get().toString())
                            .isNotEqualTo("Failed");
                    return phase.equals(last.get().at("/status/phase").asString());
                });
        return last.get();
    }

    @Test
    void theUsersArgumentsReplaceTheSandboxsOwnSettings() {
        List<String> arguments = List.of(LocalSandbox.arguments("--pullbridge.clusters.allowed-hosts=10.0.0.0/8",
                "--server.port=9090"));

        assertThat(arguments).filteredOn(argument -> argument.startsWith("--pullbridge.clusters.allowed-hosts="))
                .containsExactly("--pullbridge.clusters.allowed-hosts=10.0.0.0/8");
        assertThat(arguments).contains("--server.port=9090");
        assertThat(Base64.getDecoder().decode(value(arguments, "pullbridge.security.master-key"))).hasSize(32);
        assertThat(value(arguments, "spring.security.oauth2.resourceserver.jwt.issuer-uri")).startsWith("http://127.0.0.1:");
    }

    private static String value(List<String> arguments, String name) {
        return arguments.stream().filter(argument -> argument.startsWith("--" + name + "="))
                .map(argument -> argument.substring(name.length() + 3)).findFirst().orElseThrow();
    }

    private HttpResponse<String> get(String url, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
