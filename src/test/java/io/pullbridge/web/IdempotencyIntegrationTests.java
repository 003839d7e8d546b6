package io.pullbridge.web;

import com.jayway.jsonpath.JsonPath;
import io.pullbridge.support.IntegrationTest;
import io.pullbridge.support.TestTokens;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** Idempotency-Key on POST: a retried create is answered, not repeated. */
@IntegrationTest
class IdempotencyIntegrationTests {

    private static final String REGISTRIES = "/api/v1/registries";
    private static final String KEY = "Idempotency-Key";
    private static final String REPLAYED = "Idempotent-Replayed";

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aRetryWithTheSameKeyAndBodyReplaysTheFirstAnswerAndCreatesOnce() throws Exception {
        String resourceId = registryId();
        String key = UUID.randomUUID().toString();
        String operator = operator();

        MockHttpServletResponse first = send(operator, key, body(resourceId))
                .andExpect(status().isAccepted())
                .andExpect(header().doesNotExist(REPLAYED))
                .andReturn().getResponse();
        MockHttpServletResponse retry = send(operator, key, body(resourceId))
                .andExpect(status().isAccepted())
                .andExpect(header().string(REPLAYED, "true"))
                .andExpect(content().contentType("application/json"))
                .andReturn().getResponse();

        assertThat(retry.getHeader(HttpHeaders.LOCATION)).isEqualTo(first.getHeader(HttpHeaders.LOCATION)).isNotBlank();
        assertThat(retry.getHeader(HttpHeaders.ETAG)).isEqualTo(first.getHeader(HttpHeaders.ETAG));
        assertThat(id(retry)).isEqualTo(id(first));
        assertThat(retry.getContentAsString()).isEqualTo(first.getContentAsString());
        assertThat(rowsFor(resourceId)).isEqualTo(1);
        assertThat(jdbc.sql("select count(*) from audit_events where action = 'registry.create' and resource_id = ?")
                .param(id(first)).query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void withoutAKeyARetryIsANewRequest() throws Exception {
        String resourceId = registryId();
        create(operator(), body(resourceId)).andExpect(status().isAccepted());
        create(operator(), body(resourceId))
                .andExpect(status().isConflict())
                .andExpect(header().doesNotExist(REPLAYED));
    }

    @Test
    void theSameKeyWithAnotherBodyIsRefusedAndCreatesNothing() throws Exception {
        String key = UUID.randomUUID().toString();
        String second = registryId();
        String operator = operator();
        send(operator, key, body(registryId())).andExpect(status().isAccepted());

        send(operator, key, body(second))
                .andExpect(status().isConflict())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value("https://pullbridge.io/problems/idempotency-key-reused"))
                .andExpect(header().doesNotExist(REPLAYED));

        assertThat(rowsFor(second)).isZero();
    }

    @Test
    void theSameKeyOnAnotherPathIsRefused() throws Exception {
        String key = UUID.randomUUID().toString();
        String body = body(registryId());
        String operator = operator();
        send(operator, key, body).andExpect(status().isAccepted());

        mvc.perform(post("/api/v1/service-principals").contentType("application/json").content(body)
                        .header(KEY, key).header(HttpHeaders.AUTHORIZATION, "Bearer " + operator))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.type").value("https://pullbridge.io/problems/idempotency-key-reused"));
    }

    @Test
    void keysBelongToTheirCaller() throws Exception {
        String key = "deploy-" + UUID.randomUUID();
        String aliceRegistry = registryId();
        String bobRegistry = registryId();
        String alice = as("alice");
        String bob = as("bob");

        String aliceId = id(send(alice, key, body(aliceRegistry)).andExpect(status().isAccepted())
                .andExpect(header().doesNotExist(REPLAYED)).andReturn().getResponse());
        String bobId = id(send(bob, key, body(bobRegistry)).andExpect(status().isAccepted())
                .andExpect(header().doesNotExist(REPLAYED)).andReturn().getResponse());

        assertThat(bobId).isNotEqualTo(aliceId);
        assertThat(rowsFor(aliceRegistry)).isEqualTo(1);
        assertThat(rowsFor(bobRegistry)).isEqualTo(1);
        String aliceReplay = id(send(alice, key, body(aliceRegistry)).andExpect(header().string(REPLAYED, "true"))
                .andReturn().getResponse());
        assertThat(aliceReplay).isEqualTo(aliceId);
    }

    @Test
    void theSameBodyUnderTheSameKeyFromAnotherCallerIsNotAReplayOfSomeoneElsesAnswer() throws Exception {
        String key = "shared-" + UUID.randomUUID();
        String resourceId = registryId();
        send(as("carol"), key, body(resourceId)).andExpect(status().isAccepted());

        send(as("dave"), key, body(resourceId))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.type").value("https://pullbridge.io/problems/already-exists"))
                .andExpect(header().doesNotExist(REPLAYED));
    }

    @Test
    void aFirstRequestRefusedWith400IsReplayedAs400() throws Exception {
        String key = UUID.randomUUID().toString();
        String invalid = "{\"resourceId\": \"/subscriptions/not-a-guid/resourceGroups/rg/providers/"
                + "Microsoft.ContainerRegistry/registries/contosoacr\"}";
        String operator = operator();

        MockHttpServletResponse first = send(operator, key, invalid)
                .andExpect(status().isBadRequest())
                .andExpect(header().doesNotExist(REPLAYED))
                .andReturn().getResponse();
        MockHttpServletResponse retry = send(operator, key, invalid)
                .andExpect(status().isBadRequest())
                .andExpect(header().string(REPLAYED, "true"))
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value("https://pullbridge.io/problems/validation-failed"))
                .andExpect(jsonPath("$.errors[0].field").value("resourceId"))
                .andReturn().getResponse();

        assertThat(retry.getContentAsString()).isEqualTo(first.getContentAsString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "has space", "tab\there", "ключ"})
    void anInvalidKeyIsRefused(String key) throws Exception {
        refusedKey(key);
    }

    @Test
    void aKeyLongerThan255CharactersIsRefusedAndNothingIsCreated() throws Exception {
        String resourceId = registryId();
        send(operator(), "k".repeat(300), body(resourceId))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.type").value("https://pullbridge.io/problems/validation-failed"))
                .andExpect(jsonPath("$.errors[0].field").value(KEY));

        assertThat(rowsFor(resourceId)).isZero();
        send(operator(), "k".repeat(255), body(resourceId)).andExpect(status().isAccepted());
    }

    @Test
    void noRequestBodyIsStored() throws Exception {
        String key = UUID.randomUUID().toString();
        String canary = "hunter2-" + UUID.randomUUID();
        String withSecret = "{\"resourceId\": \"" + registryId() + "\", \"password\": \"" + canary + "\"}";

        send(operator(), key, withSecret)
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("password"));
        send(operator(), key, withSecret).andExpect(header().string(REPLAYED, "true"));

        Map<String, Object> row = jdbc.sql("""
                        select actor, idempotency_key, fingerprint, path, headers,
                               convert_from(body, 'UTF8') as body, cast(r as text) as everything
                        from idempotency_records r where idempotency_key = ?""")
                .param(key).query().singleRow();
        String hexCanary = HexFormat.of().formatHex(canary.getBytes(StandardCharsets.UTF_8));
        assertThat(row.values()).allSatisfy(column -> assertThat(String.valueOf(column))
                .doesNotContain(canary)
                .doesNotContain(hexCanary)
                .doesNotContain("password\":"));
        assertThat((String) row.get("fingerprint")).matches("[0-9a-f]{64}");
    }

    @Test
    void aSuccessfulCreateKeepsTheAnswerButNotTheRequest() throws Exception {
        String key = UUID.randomUUID().toString();
        String body = "{\"tenantId\": \"8a1b2c3d-0000-4000-8000-00000000abcd\",\n  \"resourceId\": \"" + registryId() + "\"}";

        String answer = send(operator(), key, body).andExpect(status().isAccepted())
                .andReturn().getResponse().getContentAsString();

        Map<String, Object> row = jdbc.sql("""
                        select fingerprint, path, headers, convert_from(body, 'UTF8') as body
                        from idempotency_records where idempotency_key = ?""")
                .param(key).query().singleRow();
        assertThat(row.get("body")).isEqualTo(answer);
        assertThat(row.values()).allSatisfy(column -> assertThat(String.valueOf(column)).doesNotContain(body));
        assertThat((String) row.get("fingerprint")).matches("[0-9a-f]{64}");
    }

    @Test
    void aRetryWhileTheFirstRequestIsStillRunningIsToldToWait() throws Exception {
        String key = UUID.randomUUID().toString();
        String resourceId = registryId();
        String id = id(send(operator(), key, body(resourceId)).andExpect(status().isAccepted())
                .andReturn().getResponse());
        unfinish(key, id, "now()");

        send(operator(), key, body(resourceId))
                .andExpect(status().isConflict())
                .andExpect(header().string(HttpHeaders.RETRY_AFTER, "1"))
                .andExpect(jsonPath("$.type").value("https://pullbridge.io/problems/idempotency-key-in-progress"));
        assertThat(rowsFor(resourceId)).isZero();
    }

    @Test
    void aClaimLeftByARequestThatNeverFinishedDoesNotBlockTheKeyForADay() throws Exception {
        String key = UUID.randomUUID().toString();
        String resourceId = registryId();
        String id = id(send(operator(), key, body(resourceId)).andExpect(status().isAccepted())
                .andReturn().getResponse());
        unfinish(key, id, "now() - interval '1 hour'");

        String retried = id(send(operator(), key, body(resourceId))
                .andExpect(status().isAccepted())
                .andExpect(header().doesNotExist(REPLAYED))
                .andReturn().getResponse());
        send(operator(), key, body(resourceId))
                .andExpect(status().isAccepted())
                .andExpect(header().string(REPLAYED, "true"));
        send(operator(), key, body(registryId()))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.type").value("https://pullbridge.io/problems/idempotency-key-reused"));

        assertThat(retried).isNotEqualTo(id);
        assertThat(rowsFor(resourceId)).isEqualTo(1);
    }

    @Test
    void aStaleClaimIsNotTakenOverByAnotherBody() throws Exception {
        String key = UUID.randomUUID().toString();
        String id = id(send(operator(), key, body(registryId())).andExpect(status().isAccepted())
                .andReturn().getResponse());
        unfinish(key, id, "now() - interval '1 hour'");
        String other = registryId();

        send(operator(), key, body(other))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.type").value("https://pullbridge.io/problems/idempotency-key-reused"));
        assertThat(rowsFor(other)).isZero();
    }

    @Test
    void readsIgnoreTheKey() throws Exception {
        mvc.perform(get(REGISTRIES).header(KEY, "k".repeat(300))
                        .header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.instance().token("user-reader", "Reader")))
                .andExpect(status().isOk());
    }

    /**
     * Makes a finished create look like one still in flight (or abandoned by a crashed replica): the claim stays,
     * the answer and the row it created are gone.
     */
    private void unfinish(String key, String registryId, String claimedAt) {
        jdbc.sql("update idempotency_records set completed_at = null, status = null, headers = null, body = null, "
                + "created_at = " + claimedAt + " where idempotency_key = ?").param(key).update();
        jdbc.sql("delete from audit_events where resource_id = ?").param(registryId).update();
        jdbc.sql("delete from registries where id = ?").param(UUID.fromString(registryId)).update();
    }

    private void refusedKey(String key) throws Exception {
        String resourceId = registryId();
        send(operator(), key, body(resourceId))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value("https://pullbridge.io/problems/validation-failed"))
                .andExpect(jsonPath("$.errors[0].field").value(KEY));
        assertThat(rowsFor(resourceId)).isZero();
    }

    private ResultActions send(String token, String key, String body) throws Exception {
        return mvc.perform(post(REGISTRIES).contentType("application/json").content(body).header(KEY, key)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token));
    }

    private static String as(String subject) {
        return TestTokens.instance().token(subject, "Operator");
    }

    private static String operator() {
        return as("user-operator");
    }

    private ResultActions create(String token, String body) throws Exception {
        return mvc.perform(post(REGISTRIES).contentType("application/json").content(body)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token));
    }

    private long rowsFor(String resourceId) {
        return jdbc.sql("select count(*) from registries where lower(resource_id) = lower(?)").param(resourceId)
                .query(Long.class).single();
    }

    private static String id(MockHttpServletResponse response) throws Exception {
        return JsonPath.read(response.getContentAsString(), "$.id");
    }

    private static String body(String resourceId) {
        return "{\"resourceId\": \"" + resourceId + "\"}";
    }

    private static String registryId() {
        return "/subscriptions/" + UUID.randomUUID() + "/resourceGroups/rg-idempotency/providers/"
                + "Microsoft.ContainerRegistry/registries/acr" + UUID.randomUUID().toString().substring(0, 8);
    }
}
