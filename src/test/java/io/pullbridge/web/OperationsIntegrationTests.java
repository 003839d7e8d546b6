package io.pullbridge.web;

import io.pullbridge.PullBridgeApplication;
import io.pullbridge.support.IntegrationTest;
import io.pullbridge.support.TestPlatform;
import io.pullbridge.support.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * What an orchestrator and an operator rely on: probes and info without a token (and without JVM details), and a
 * refusal to run unsafely: without a master key, or without a token audience unless explicitly told to.
 */
@IntegrationTest
class OperationsIntegrationTests {

    @Autowired
    MockMvc mvc;

    @Test
    void livenessAnswersWithoutAToken() throws Exception {
        mvc.perform(get("/actuator/health/liveness"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("UP"));
    }

    @Test
    void readinessIncludesTheDatabaseAndAnswersWithoutAToken() throws Exception {
        mvc.perform(get("/actuator/health/readiness"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("UP"))
                .andExpect(jsonPath("$.components.db.status").value("UP"))
                .andExpect(jsonPath("$.components.readinessState.status").value("UP"));
    }

    @Test
    void infoNamesTheServiceAndItsVersionWithoutATokenButNotTheJvm() throws Exception {
        mvc.perform(get("/actuator/info"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.app.name").value("PullBridge"))
                .andExpect(jsonPath("$.build.version").isNotEmpty())
                .andExpect(jsonPath("$.java").doesNotExist())
                .andExpect(jsonPath("$.os").doesNotExist())
                .andExpect(jsonPath("$.process").doesNotExist());
    }

    @Test
    void swaggerUiKeepsNoTokenInTheBrowsersStorage() throws Exception {
        mvc.perform(get("/v3/api-docs/swagger-config"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.persistAuthorization").value(false));
    }

    @Test
    void refusesToStartWithoutATokenAudienceNamingTheSettingAndTheOptOut() {
        Map<String, Object> properties = new HashMap<>(TestPlatform.properties("noaudience"));
        properties.remove("spring.security.oauth2.resourceserver.jwt.audiences");

        Throwable failure = catchThrowable(() -> {
            try (ConfigurableApplicationContext started = start(properties)) {
                // reaching this line means it started: the assertion below reports it
            }
        });

        assertThat(failure).as("PullBridge started without spring.security.oauth2.resourceserver.jwt.audiences")
                .isNotNull();
        assertThat(failure).rootCause()
                .hasMessageContaining("spring.security.oauth2.resourceserver.jwt.audiences is not set")
                .hasMessageContaining("SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_AUDIENCES")
                .hasMessageContaining("pullbridge.security.allow-any-audience=true");
    }

    @Test
    void refusesToStartWithAKeySetButNoIssuerSinceAnotherTenantsTokenWouldPass() {
        Map<String, Object> properties = new HashMap<>(TestPlatform.properties("noissuer"));
        String issuer = (String) properties.remove("spring.security.oauth2.resourceserver.jwt.issuer-uri");
        properties.put("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", issuer + "/keys");

        Throwable failure = catchThrowable(() -> {
            try (ConfigurableApplicationContext started = start(properties)) {
                // reaching this line means it started: the assertion below reports it
            }
        });

        assertThat(failure).as("PullBridge started checking signatures but not the issuer").isNotNull();
        assertThat(failure).rootCause()
                .hasMessageContaining("spring.security.oauth2.resourceserver.jwt.jwk-set-uri is set without "
                        + "spring.security.oauth2.resourceserver.jwt.issuer-uri")
                .hasMessageContaining("SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUER_URI");
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void startsWithoutAnAudienceOnlyWhenToldToAndSaysSoAtWarn(CapturedOutput output) throws Exception {
        Map<String, Object> properties = new HashMap<>(TestPlatform.properties("anyaudience"));
        properties.remove("spring.security.oauth2.resourceserver.jwt.audiences");
        properties.put("pullbridge.security.allow-any-audience", "true");

        try (ConfigurableApplicationContext started = start(properties)) {
            assertThat(output).containsPattern("WARN .*AudienceRequirement .*spring.security.oauth2.resourceserver"
                    + ".jwt.audiences is not set and pullbridge.security.allow-any-audience=true");
            String port = started.getEnvironment().getProperty("local.server.port");
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/api/v1/registries"))
                    .header("Authorization", "Bearer " + TestTokens.instance().tokenFor("api://anything", "alice",
                            "Reader")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("a token for any audience, as the opt-out says").isEqualTo(200);
        }
    }

    private static ConfigurableApplicationContext start(Map<String, Object> properties) {
        Map<String, Object> all = new HashMap<>(properties);
        all.put("server.port", "0");
        SpringApplication application = new SpringApplication(PullBridgeApplication.class);
        application.addInitializers(context -> context.getEnvironment().getPropertySources()
                .addFirst(new MapPropertySource("under-test", all)));
        return application.run();
    }

    @Test
    void refusesToStartWithoutAMasterKey() {
        Map<String, Object> properties = new HashMap<>(TestPlatform.properties("nokey"));
        properties.remove("pullbridge.security.master-key");

        Throwable failure = catchThrowable(() -> {
            try (ConfigurableApplicationContext started = start(properties)) {
                // reaching this line means it started: the assertion below reports it
            }
        });

        assertThat(failure).as("PullBridge started without pullbridge.security.master-key").isNotNull();
        assertThat(failure).rootCause().hasMessageContaining("pullbridge.security.master-key is not set");
    }
}
