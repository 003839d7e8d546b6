package io.pullbridge.sandbox;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's first command: the sandbox starts on its own and the token it prints opens the API. */
@ExtendWith(OutputCaptureExtension.class)
class LocalSandboxTests {

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
