package io.pullbridge.webhooks;

import io.pullbridge.support.Api;
import io.pullbridge.support.IntegrationTest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The {@code webhook-subscriptions} resource: Admin's for every verb, its secret write-only and encrypted, its URL
 * held to the host policy, bad input answered with a problem that lists every field and changes nothing.
 */
@IntegrationTest
class WebhookSubscriptionIntegrationTests {

    private static final String PROBLEM = "application/problem+json";
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwQ0wM1Pe6jZE=";
    private static final String OTHER_SECRET = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    /* The application context is shared with other test classes: subscriptions left here would send their events. */
    @AfterEach
    void removeSubscriptions() {
        jdbc.sql("delete from webhook_subscriptions").update();
    }

    @Test
    void anAdminCreatesReadsListsChangesAndRemovesASubscriptionWhoseSecretNeverShows() throws Exception {
        MockHttpServletResponse created = Api.admin(mvc).post("/api/v1/webhook-subscriptions", body(
                        "https://hooks.example.com/pullbridge?token=abc", List.of("job.failed", "job.succeeded"),
                        SECRET))
                .andExpect(status().isCreated())
                .andExpect(header().exists(HttpHeaders.ETAG))
                .andExpect(jsonPath("$.url").value("https://hooks.example.com/pullbridge?token=abc"))
                .andExpect(jsonPath("$.eventTypes[0]").value("job.failed"))
                .andExpect(jsonPath("$.secret.set").value(true))
                .andExpect(jsonPath("$.secret.fingerprint", containsString("sha256:")))
                .andExpect(jsonPath("$.createdBy").value("user-admin"))
                .andReturn().getResponse();
        String location = created.getHeader(HttpHeaders.LOCATION);
        assertThat(created.getContentAsString()).doesNotContain(SECRET).doesNotContain(SECRET.substring(6));
        UUID id = UUID.fromString(location.substring(location.lastIndexOf('/') + 1));
        byte[] stored = jdbc.sql("select secret_ciphertext from webhook_subscriptions where id = ?").param(id)
                .query(byte[].class).single();
        assertThat(new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(SECRET.substring(6));

        String etag = Api.admin(mvc).get(location).andExpect(status().isOk())
                .andExpect(jsonPath("$.id").value(id.toString()))
                .andReturn().getResponse().getHeader(HttpHeaders.ETAG);
        Api.admin(mvc).post("/api/v1/webhook-subscriptions", body("https://second.example.com/hook",
                List.of("cluster.unreachable"), SECRET)).andExpect(status().isCreated());
        JsonNode first = page("/api/v1/webhook-subscriptions?limit=1");
        assertThat(first.get("items")).hasSize(1);
        assertThat(first.get("nextPageToken").asString()).isNotBlank();
        JsonNode second = page("/api/v1/webhook-subscriptions?limit=1&pageToken="
                + first.get("nextPageToken").asString());
        assertThat(second.get("items").get(0).get("id")).isNotEqualTo(first.get("items").get(0).get("id"));

        Api.admin(mvc).perform(patch(location).contentType("application/json").header(HttpHeaders.IF_MATCH, "\"99\"")
                        .content("{\"eventTypes\": [\"binding.phase-changed\"]}"))
                .andExpect(status().isPreconditionFailed())
                .andExpect(content().contentType(PROBLEM));
        String fingerprint = JSON.readTree(created.getContentAsString()).at("/secret/fingerprint").asString();
        String changed = Api.admin(mvc).perform(patch(location).contentType("application/json")
                        .header(HttpHeaders.IF_MATCH, etag)
                        .content(JSON.writeValueAsString(Map.of("eventTypes", List.of("binding.phase-changed"),
                                "secret", OTHER_SECRET))))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.eventTypes[0]").value("binding.phase-changed"))
                .andReturn().getResponse().getHeader(HttpHeaders.ETAG);
        assertThat(changed).isNotEqualTo(etag);
        assertThat(JSON.readTree(Api.admin(mvc).get(location).andReturn().getResponse().getContentAsString())
                .at("/secret/fingerprint").asString()).isNotEqualTo(fingerprint);

        assertThat(jdbc.sql("select action || ': ' || coalesce(detail, '') from audit_events where resource_id = ?"
                        + " order by seq").param(id.toString()).query(String.class).list())
                .contains("webhook-subscription.create: to hooks.example.com for job.failed, job.succeeded")
                .allSatisfy(line -> assertThat(line).doesNotContain("token=abc").doesNotContain(SECRET.substring(6))
                        .doesNotContain(OTHER_SECRET.substring(6)));

        Api.admin(mvc).perform(delete(location).header(HttpHeaders.IF_MATCH, etag))
                .andExpect(status().isPreconditionFailed());
        Api.admin(mvc).perform(delete(location).header(HttpHeaders.IF_MATCH, changed))
                .andExpect(status().isNoContent());
        Api.admin(mvc).get(location).andExpect(status().isNotFound())
                .andExpect(content().contentType(PROBLEM));
    }

    @Test
    void readersAndOperatorsAreRefusedEveryVerbWithAProblemAndChangeNothing() throws Exception {
        String location = Api.admin(mvc).post("/api/v1/webhook-subscriptions", body("https://roles.example.com/h",
                        List.of("job.failed"), SECRET)).andExpect(status().isCreated())
                .andReturn().getResponse().getHeader(HttpHeaders.LOCATION);
        long before = count();
        String created = body("https://other.example.com/h", List.of("job.failed"), SECRET);
        for (Api caller : List.of(Api.reader(mvc), Api.operator(mvc))) {
            forbidden(caller.post("/api/v1/webhook-subscriptions", created));
            forbidden(caller.get("/api/v1/webhook-subscriptions"));
            forbidden(caller.get(location));
            forbidden(caller.patch(location, "{\"eventTypes\": [\"job.succeeded\"]}"));
            forbidden(caller.delete(location));
            forbidden(caller.get(location + "/deliveries"));
            forbidden(caller.post(location + "/deliveries/" + UUID.randomUUID() + ":redeliver", ""));
        }
        assertThat(count()).isEqualTo(before);
        Api.admin(mvc).get(location).andExpect(status().isOk()).andExpect(jsonPath("$.eventTypes[0]").value("job.failed"));
    }

    @Test
    void badInputIsAProblemNamingEveryFieldAndStoresNothing() throws Exception {
        long before = count();
        invalid(Api.admin(mvc).post("/api/v1/webhook-subscriptions", body("http://hooks.example.com/h",
                List.of("job.failed", "job.failed", "job.exploded"), "not-a-secret")))
                .andExpect(jsonPath("$.errors[*].field", hasItem("url")))
                .andExpect(jsonPath("$.errors[*].field", hasItem("eventTypes[1]")))
                .andExpect(jsonPath("$.errors[*].field", hasItem("eventTypes[2]")))
                .andExpect(jsonPath("$.errors[*].field", hasItem("secret")));
        invalid(Api.admin(mvc).post("/api/v1/webhook-subscriptions", body("https://169.254.169.254/latest",
                List.of("job.failed"), SECRET)))
                .andExpect(jsonPath("$.errors[0].message", containsString("a cloud metadata endpoint")));
        invalid(Api.admin(mvc).post("/api/v1/webhook-subscriptions", body("https://localhost:8443/h",
                List.of("job.failed"), SECRET)))
                .andExpect(jsonPath("$.errors[0].message", containsString("pullbridge.clusters.allowed-hosts")));
        invalid(Api.admin(mvc).post("/api/v1/webhook-subscriptions", body("https://user:pw@hooks.example.com/h",
                List.of("job.failed"), SECRET)))
                .andExpect(jsonPath("$.errors[0].message", containsString("user name or password")));
        invalid(Api.admin(mvc).post("/api/v1/webhook-subscriptions", body("https://hooks.example.com/h",
                List.of(), "whsec_c2hvcnQ=")))
                .andExpect(jsonPath("$.errors[*].field", hasItem("eventTypes")))
                .andExpect(jsonPath("$.errors[*].message", hasItem(containsString("not 5"))));
        invalid(Api.admin(mvc).post("/api/v1/webhook-subscriptions",
                "{\"url\": \"https://hooks.example.com/h\", \"eventTypes\": [\"job.failed\"]}"))
                .andExpect(jsonPath("$.errors[0].field").value("secret"));
        Api.admin(mvc).post("/api/v1/webhook-subscriptions", "{\"url\": 7, \"secrets\": []}")
                .andExpect(status().isBadRequest()).andExpect(content().contentType(PROBLEM));
        Api.admin(mvc).get("/api/v1/webhook-subscriptions?limit=0").andExpect(status().isBadRequest())
                .andExpect(content().contentType(PROBLEM));
        Api.admin(mvc).get("/api/v1/webhook-subscriptions/" + UUID.randomUUID() + "/deliveries")
                .andExpect(status().isNotFound()).andExpect(content().contentType(PROBLEM));
        assertThat(count()).isEqualTo(before);
    }

    private JsonNode page(String path) throws Exception {
        return JSON.readTree(Api.admin(mvc).get(path).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsString());
    }

    private long count() {
        return jdbc.sql("select count(*) from webhook_subscriptions").query(Long.class).single();
    }

    private static String body(String url, List<String> types, String secret) {
        return JSON.writeValueAsString(Map.of("url", url, "eventTypes", types, "secret", secret));
    }

    private static ResultActions forbidden(ResultActions result) throws Exception {
        return result.andExpect(status().isForbidden())
                .andExpect(content().contentType(PROBLEM))
                .andExpect(jsonPath("$.type").value("https://pullbridge.io/problems/forbidden"))
                .andExpect(jsonPath("$.detail", containsString("Your token's roles do not allow")));
    }

    private static ResultActions invalid(ResultActions result) throws Exception {
        return result.andExpect(status().isBadRequest())
                .andExpect(content().contentType(PROBLEM))
                .andExpect(jsonPath("$.type").value("https://pullbridge.io/problems/validation-failed"));
    }
}
