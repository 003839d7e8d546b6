package io.pullbridge.web;

import io.pullbridge.support.Api;
import io.pullbridge.support.IntegrationTest;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.ResultActions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.params.provider.Arguments.arguments;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** Every refusal is an RFC 9457 problem document a client can branch on, and leaks nothing of the server. */
@IntegrationTest
class ProblemDocumentIntegrationTests {

    private static final String PROBLEMS = "https://pullbridge.io/problems/";
    private static final String REGISTRIES = "/api/v1/registries";

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @ParameterizedTest
    @MethodSource("notJson")
    void aBodyThatIsNotJsonIsAMalformedRequest(String body) throws Exception {
        Timestamp since = Timestamp.from(Instant.now());
        problem(Api.operator(mvc).post(REGISTRIES, body), 400, "malformed-request")
                .andExpect(jsonPath("$.title").value("The request body could not be read"))
                .andExpect(jsonPath("$.detail").value("The request body is missing or is not well-formed JSON"))
                .andExpect(jsonPath("$.errors").doesNotExist());
        assertThat(registriesCreatedSince(since)).isZero();
    }

    static Stream<String> notJson() {
        String valid = "{\"resourceId\": \"" + registryId() + "\"}";
        return Stream.of("{\"resourceId\": ", "{resourceId: 'x'}", "not json at all", "[", "",
                valid + " trailing", valid + "}", valid + valid);
    }

    @Test
    void anUnknownFieldIsRefusedByName() throws Exception {
        problem(Api.operator(mvc).post(REGISTRIES, """
                        {"resourceId": "%s", "colour": "blue"}""".formatted(registryId())), 400, "validation-failed")
                .andExpect(jsonPath("$.errors", hasSize(1)))
                .andExpect(jsonPath("$.errors[0].field").value("colour"))
                .andExpect(jsonPath("$.errors[0].message").value("is not a known field"))
                .andExpect(jsonPath("$.detail").value("colour: is not a known field"));
    }

    @ParameterizedTest
    @MethodSource("wrongTypes")
    void aValueOfTheWrongTypeIsRefusedNamingTheField(String body, String field, String message) throws Exception {
        Timestamp since = Timestamp.from(Instant.now());
        problem(Api.operator(mvc).post(REGISTRIES, body), 400, "validation-failed")
                .andExpect(jsonPath("$.errors[0].field").value(field))
                .andExpect(jsonPath("$.errors[0].message").value(message));
        assertThat(registriesCreatedSince(since)).isZero();
    }

    static Stream<Arguments> wrongTypes() {
        String id = registryId();
        return Stream.of(
                arguments("{\"resourceId\": \"" + id + "\", \"tenantId\": 5}", "tenantId", "must be a UUID"),
                arguments("{\"resourceId\": \"" + id + "\", \"tenantId\": \"not-a-uuid\"}", "tenantId", "must be a UUID"),
                arguments("{\"resourceId\": \"" + id + "\", \"tenantId\": true}", "tenantId", "must be a UUID"),
                arguments("{\"resourceId\": \"" + id + "\", \"tenantId\": [\"x\"]}", "tenantId", "must be a UUID"),
                arguments("{\"resourceId\": {\"id\": \"" + id + "\"}}", "resourceId", "must be a string"),
                arguments("{\"resourceId\": [\"" + id + "\"]}", "resourceId", "must be a string"));
    }

    @Test
    void aRejectedValueIsNotEchoed() throws Exception {
        String secretLooking = "hunter2-" + UUID.randomUUID();
        String body = problem(Api.operator(mvc).post(REGISTRIES, """
                        {"resourceId": "%s", "tenantId": "%s"}""".formatted(registryId(), secretLooking)),
                400, "validation-failed").andReturn().getResponse().getContentAsString();

        assertThat(body).doesNotContain(secretLooking);
    }

    @Test
    void aMissingBodyIsAMalformedRequest() throws Exception {
        problem(Api.operator(mvc).perform(post(REGISTRIES).contentType(MediaType.APPLICATION_JSON)), 400,
                "malformed-request");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/nothing-here", "/api/v1/registries/6f1c2a0e-0000-4000-8000-000000000001/nothing",
            "/api/v2/registries"})
    void anUnknownPathIsA404Problem(String path) throws Exception {
        problem(Api.reader(mvc).get(path), 404, "not-found")
                .andExpect(jsonPath("$.instance").value(path));
    }

    @Test
    void anUnknownResourceIsA404Problem() throws Exception {
        UUID id = UUID.randomUUID();
        problem(Api.reader(mvc).get(REGISTRIES + "/" + id), 404, "not-found")
                .andExpect(jsonPath("$.detail").value("No registry with id " + id));
    }

    @ParameterizedTest
    @ValueSource(strings = {"not-a-uuid", "123", "6f1c2a0e-0000-4000-8000-00000000000z"})
    void aPathIdThatIsNotAUuidIsA404(String id) throws Exception {
        problem(Api.reader(mvc).get(REGISTRIES + "/" + id), 404, "not-found");
        problem(Api.operator(mvc).delete(REGISTRIES + "/" + id), 404, "not-found");
    }

    @Test
    void anUnsupportedMethodIsA405ListingTheAllowedOnes() throws Exception {
        problem(Api.operator(mvc).delete(REGISTRIES), 405, "method-not-allowed")
                .andExpect(header().string(HttpHeaders.ALLOW, containsString("GET")))
                .andExpect(header().string(HttpHeaders.ALLOW, containsString("POST")))
                .andExpect(jsonPath("$.detail").value("DELETE is not supported here"));
        problem(Api.operator(mvc).perform(put(REGISTRIES + "/" + UUID.randomUUID())
                        .contentType(MediaType.APPLICATION_JSON).content("{}")), 405, "method-not-allowed")
                .andExpect(header().string(HttpHeaders.ALLOW, containsString("DELETE")))
                .andExpect(header().string(HttpHeaders.ALLOW, containsString("GET")));
        problem(Api.operator(mvc).perform(patch(REGISTRIES + "/" + UUID.randomUUID())
                .contentType(MediaType.APPLICATION_JSON).content("{}")), 405, "method-not-allowed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/xml", "application/x-www-form-urlencoded"})
    void aBodyInAnotherMediaTypeIsA415(String contentType) throws Exception {
        Timestamp since = Timestamp.from(Instant.now());
        problem(Api.operator(mvc).perform(post(REGISTRIES).contentType(contentType)
                        .content("resourceId=" + registryId())), 415, "unsupported-media-type")
                .andExpect(jsonPath("$.detail", containsString("application/json")));
        assertThat(registriesCreatedSince(since)).isZero();
    }

    @Test
    void aBadQueryParameterIsA400NamingIt() throws Exception {
        problem(Api.reader(mvc).get(REGISTRIES + "?subscriptionId=not-a-uuid"), 400, "validation-failed")
                .andExpect(jsonPath("$.errors[0].field").value("subscriptionId"))
                .andExpect(jsonPath("$.errors[0].message").value("must be a UUID"));
        problem(Api.reader(mvc).get(REGISTRIES + "?phase=Sleeping"), 400, "validation-failed")
                .andExpect(jsonPath("$.errors[0].field").value("phase"))
                .andExpect(jsonPath("$.errors[0].message", containsString("Pending")));
    }

    @Test
    void aConflictIsA409Problem() throws Exception {
        String id = registryId();
        Api.operator(mvc).post(REGISTRIES, "{\"resourceId\": \"" + id + "\"}").andExpect(status().isAccepted());

        problem(Api.operator(mvc).post(REGISTRIES, "{\"resourceId\": \"" + id.toUpperCase() + "\"}"), 409,
                "already-exists")
                .andExpect(jsonPath("$.errors[0].field").value("resourceId"));
    }

    @Test
    void theProblemCarriesTheRequestIdOfItsResponse() throws Exception {
        MvcResult result = problem(Api.reader(mvc).get(REGISTRIES + "/" + UUID.randomUUID()), 404, "not-found")
                .andReturn();

        String requestId = result.getResponse().getHeader("X-Request-Id");
        assertThat(requestId).isNotBlank();
        assertThat(com.jayway.jsonpath.JsonPath.<String>read(result.getResponse().getContentAsString(), "$.requestId"))
                .isEqualTo(requestId);
    }

    @Test
    void anInboundRequestIdIsEchoedInTheHeaderAndTheProblem() throws Exception {
        String requestId = "portal-" + UUID.randomUUID();
        problem(Api.operator(mvc).perform(post(REGISTRIES).contentType(MediaType.APPLICATION_JSON).content("{")
                        .header("X-Request-Id", requestId)), 400, "malformed-request")
                .andExpect(header().string("X-Request-Id", requestId))
                .andExpect(jsonPath("$.requestId").value(requestId));
        mvc.perform(get(REGISTRIES).header("X-Request-Id", requestId))
                .andExpect(status().isUnauthorized())
                .andExpect(header().string("X-Request-Id", requestId))
                .andExpect(jsonPath("$.requestId").value(requestId));
        Api.reader(mvc).perform(get(REGISTRIES).header("X-Request-Id", requestId))
                .andExpect(status().isOk())
                .andExpect(header().string("X-Request-Id", requestId));
    }

    @ParameterizedTest
    @ValueSource(strings = {"has spaces", "semi;colon", "<script>", "0123456789012345678901234567890123456789012345678901234567890123456789"})
    void anUnsafeInboundRequestIdIsReplaced(String inbound) throws Exception {
        MvcResult result = Api.reader(mvc).perform(get(REGISTRIES + "/" + UUID.randomUUID()).header("X-Request-Id", inbound))
                .andExpect(status().isNotFound())
                .andReturn();

        String requestId = result.getResponse().getHeader("X-Request-Id");
        assertThat(requestId).isNotEqualTo(inbound).matches("[0-9a-f-]{36}");
        assertThat(result.getResponse().getContentAsString()).doesNotContain(inbound);
    }

    /** Asserts the common shape of every problem document, including that it leaks nothing of the server. */
    private ResultActions problem(ResultActions actions, int status, String type) throws Exception {
        MvcResult result = actions
                .andExpect(status().is(status))
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEMS + type))
                .andExpect(jsonPath("$.status").value(status))
                .andExpect(jsonPath("$.title").isString())
                .andExpect(jsonPath("$.detail").isString())
                .andExpect(jsonPath("$.instance").isString())
                .andReturn();
        String body = result.getResponse().getContentAsString();
        assertThat(body).doesNotContain("java.", "Exception", "org.", "tools.jackson", "\\tat ", "\\n\\tat",
                "select ", "insert ", "SQL", "hibernate", "Hibernate", "postgres", "trace");
        assertThat(com.jayway.jsonpath.JsonPath.<String>read(body, "$.requestId"))
                .isEqualTo(result.getResponse().getHeader("X-Request-Id"));
        return actions;
    }

    /** Registries stored since then: other tests' registries may go meanwhile, as deletes run as jobs. */
    private long registriesCreatedSince(Timestamp since) {
        return jdbc.sql("select count(*) from registries where created_at >= ?").param(since).query(Long.class).single();
    }

    static String registryId() {
        return "/subscriptions/" + UUID.randomUUID() + "/resourceGroups/rg-problems/providers/"
                + "Microsoft.ContainerRegistry/registries/acr" + UUID.randomUUID().toString().substring(0, 8);
    }
}
