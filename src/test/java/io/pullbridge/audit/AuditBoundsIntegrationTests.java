package io.pullbridge.audit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.pullbridge.support.Api;
import io.pullbridge.support.IntegrationTest;
import io.pullbridge.support.TestTokens;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * What anyone on the network can make the audit trail hold: nothing. Anonymous refusals are counted and logged at
 * a bounded rate; authenticated ones stay audited, each row bounded whatever the caller sent.
 */
@IntegrationTest
@ExtendWith(OutputCaptureExtension.class)
class AuditBoundsIntegrationTests {

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    MeterRegistry meters;

    @Test
    void aThousandAnonymousRequestsLeaveTheAuditTrailAsItWas(CapturedOutput output) throws Exception {
        String flood = "flood-" + UUID.randomUUID();
        long anonymousEvents = anonymousEvents();
        double missing = unauthenticated("missing-token");
        double invalid = unauthenticated("invalid-token");
        int logLinesBefore = refusalLines(output);

        for (int i = 0; i < 1000; i++) {
            var request = i % 2 == 0 ? get("/api/v1/registries/" + UUID.randomUUID())
                    : post("/api/v1/registries").contentType("application/json").content("{\"resourceId\": \"x\"}")
                            .header(HttpHeaders.AUTHORIZATION, "Bearer not-a-jwt-" + i);
            mvc.perform(request.header("X-Request-Id", flood + "-" + i)).andExpect(status().isUnauthorized());
        }

        assertThat(jdbc.sql("select count(*) from audit_events where request_id like ?").param(flood + "%")
                .query(Long.class).single()).isZero();
        assertThat(anonymousEvents()).isEqualTo(anonymousEvents);
        assertThat(unauthenticated("missing-token") - missing).isEqualTo(500);
        assertThat(unauthenticated("invalid-token") - invalid).isEqualTo(500);
        // One line a minute at most (UnauthenticatedRequestsTests shows what it says).
        assertThat(refusalLines(output) - logLinesBefore).isLessThanOrEqualTo(2);
    }

    @Test
    void aRefusalOfAnAuthenticatedCallerIsStillAudited() throws Exception {
        String requestId = "denied-" + UUID.randomUUID();

        Api.reader(mvc).perform(post("/api/v1/registries").contentType("application/json")
                        .content("{\"resourceId\": \"x\"}").header("X-Request-Id", requestId))
                .andExpect(status().isForbidden());

        Map<String, Object> event = event(requestId);
        assertThat(event.get("outcome")).isEqualTo("denied");
        assertThat(event.get("http_status")).isEqualTo(403);
        assertThat(event.get("actor")).isEqualTo("user-reader");
        assertThat(event.get("action")).isEqualTo("POST /api/v1/registries");
    }

    @Test
    void aLongPathIsCutInTheAuditedAction() throws Exception {
        String requestId = "long-" + UUID.randomUUID();
        String path = "/api/v1/registries/" + "a".repeat(8000);

        Api.reader(mvc).perform(delete(path).header("X-Request-Id", requestId)).andExpect(status().isForbidden());

        String action = (String) event(requestId).get("action");
        assertThat(action).hasSizeLessThanOrEqualTo(AuditLog.MAX_ACTION + 1)
                .startsWith("DELETE /api/v1/registries/aaaa").endsWith("…");
    }

    @Test
    void aRefusalOnAKnownRouteIsAuditedByTheRouteWithTheResourceIdApart() throws Exception {
        String requestId = "route-" + UUID.randomUUID();
        UUID missing = UUID.randomUUID();

        Api.operator(mvc).perform(delete("/api/v1/registries/" + missing).header("X-Request-Id", requestId))
                .andExpect(status().isNotFound());

        Map<String, Object> event = event(requestId);
        assertThat(event.get("action")).isEqualTo("DELETE /api/v1/registries/{id}");
        assertThat(event.get("resource_id")).isEqualTo(missing.toString());
        assertThat(event.get("outcome")).isEqualTo("failure");
    }

    @Test
    void anUnknownMethodIsRefusedBeforeItReachesTheAuditTrail() throws Exception {
        String requestId = "method-" + UUID.randomUUID();

        mvc.perform(request("X".repeat(500), URI.create("/api/v1/registries"))
                        .header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.instance().token("odd", "Operator"))
                        .header("X-Request-Id", requestId))
                .andExpect(status().isMethodNotAllowed())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value("https://pullbridge.io/problems/method-not-allowed"));

        assertThat(jdbc.sql("select count(*) from audit_events where request_id = ?").param(requestId)
                .query(Long.class).single()).isZero();
    }

    @Test
    void aCallersRequestIdThatIsNotShortAndPlainIsReplacedEverywhere() throws Exception {
        String unsafe = "evil\u2028" + "x".repeat(100);

        MvcResult result = Api.reader(mvc).perform(post("/api/v1/registries").contentType("application/json")
                        .content("{}").header("X-Request-Id", unsafe))
                .andExpect(status().isForbidden()).andReturn();

        String replaced = result.getResponse().getHeader("X-Request-Id");
        assertThat(replaced).isNotEqualTo(unsafe).matches("[0-9a-f-]{36}");
        assertThat(event(replaced).get("request_id")).isEqualTo(replaced);
        assertThat(jdbc.sql("select count(*) from audit_events where request_id like 'evil%'").query(Long.class)
                .single()).isZero();
    }

    private Map<String, Object> event(String requestId) {
        return jdbc.sql("select * from audit_events where request_id = ?").param(requestId).query().singleRow();
    }

    private long anonymousEvents() {
        return jdbc.sql("select count(*) from audit_events where actor = 'anonymous'").query(Long.class).single();
    }

    private double unauthenticated(String reason) {
        Counter counter = Search.in(meters).name("pullbridge.http.unauthenticated").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    private static int refusalLines(CapturedOutput output) {
        return (int) output.getOut().lines().filter(line -> line.contains("Refused an unauthenticated request")).count();
    }
}
