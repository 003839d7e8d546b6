package io.pullbridge.web;

import com.jayway.jsonpath.JsonPath;
import io.pullbridge.support.TestPlatform;
import io.pullbridge.support.TestTokens;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Actuator on a management port of its own, as the container image runs it ({@code MANAGEMENT_SERVER_PORT}): probes
 * and the Prometheus scrape answer there without a token, and the API port never serves the scrape to anyone who
 * has none.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "management.server.port=0")
@ContextConfiguration(initializers = TestPlatform.class)
class ManagementPortIntegrationTests {

    @LocalServerPort
    int apiPort;

    @LocalManagementPort
    int managementPort;

    @Test
    void theManagementPortServesProbesAndTheScrapeWithoutAToken() {
        RawHttp management = new RawHttp(managementPort);

        assertThat(apiPort).isNotEqualTo(managementPort);
        assertThat(management.get("/actuator/health/liveness", "").status()).isEqualTo(200);
        RawHttp.Response readiness = management.get("/actuator/health/readiness", "");
        assertThat(readiness.status()).isEqualTo(200);
        assertThat(JsonPath.<String>read(readiness.body(), "$.components.db.status")).isEqualTo("UP");
        RawHttp.Response scrape = management.get("/actuator/prometheus", "");
        assertThat(scrape.status()).isEqualTo(200);
        assertThat(scrape.body()).contains("pullbridge_jobs_queue_depth");
    }

    @Test
    void theApiPortNeverServesTheScrapeWithoutAToken() {
        RawHttp api = new RawHttp(apiPort);

        RawHttp.Response anonymous = api.get("/actuator/prometheus", "");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.header("Content-Type")).startsWith("application/problem+json");
        assertThat(anonymous.body()).doesNotContain("pullbridge_", "jvm_");
        // Not there at all: the endpoints live on the management port only.
        RawHttp.Response admin = api.get("/actuator/prometheus", "Authorization: Bearer "
                + TestTokens.instance().token("user-admin", "Admin") + "\r\n");
        assertThat(admin.status()).isEqualTo(404);
        assertThat(admin.body()).doesNotContain("pullbridge_", "jvm_");
        assertThat(api.get("/actuator/health/liveness", "").status()).isEqualTo(404);
    }

    @Test
    void theManagementPortOpensNoOtherEndpoint() {
        RawHttp management = new RawHttp(managementPort);

        assertThat(management.get("/actuator/env", "").status()).isEqualTo(401);
        assertThat(management.get("/actuator/beans", "").status()).isEqualTo(401);
        assertThat(management.get("/actuator/env", "Authorization: Bearer "
                + TestTokens.instance().token("user-admin", "Admin") + "\r\n").status()).isIn(403, 404);
    }

    @Test
    void infoNamesTheServiceAndItsVersionButNotTheJvm() {
        RawHttp.Response info = new RawHttp(managementPort).get("/actuator/info", "");

        assertThat(info.status()).isEqualTo(200);
        Map<String, Object> body = JsonPath.read(info.body(), "$");
        assertThat(body).containsKeys("app", "build").doesNotContainKeys("java", "os", "process");
        assertThat(JsonPath.<String>read(info.body(), "$.app.name")).isEqualTo("PullBridge");
        assertThat(JsonPath.<String>read(info.body(), "$.build.version")).isNotBlank();
    }
}
