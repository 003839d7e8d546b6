package io.pullbridge.web;

import io.pullbridge.support.Api;
import io.pullbridge.support.IntegrationTest;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.params.provider.Arguments.arguments;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The caps on list fields and on request bodies: a list over its cap is refused by its size, naming the field, before
 * any entry is looked at, and nothing changes.
 */
@IntegrationTest
class RequestLimitsIntegrationTests {

    private static final String VALIDATION_FAILED = "https://pullbridge.io/problems/validation-failed";

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @ParameterizedTest(name = "{0} {1}: {3}")
    @MethodSource("overTheirCaps")
    void aListOverItsCapIsRefusedByItsSizeNamingTheField(String method, String path, String body, String field,
                                                         String message) throws Exception {
        long before = resources();
        var request = ("PATCH".equals(method) ? patch(path) : post(path)).contentType(MediaType.APPLICATION_JSON)
                .content(body);

        Api.admin(mvc).perform(request)
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(VALIDATION_FAILED))
                .andExpect(jsonPath("$.errors", hasSize(1)))
                .andExpect(jsonPath("$.errors[0].field").value(field))
                .andExpect(jsonPath("$.errors[0].message").value(message));

        assertThat(resources()).isEqualTo(before);
    }

    static Stream<Arguments> overTheirCaps() {
        UUID id = UUID.randomUUID();
        String names1001 = names("ns", 1001);
        return Stream.of(
                arguments("POST", "/api/v1/bindings", pullSecret("\"namespaces\": " + names1001),
                        "pullSecret.namespaces", "may list at most 1000 namespaces"),
                arguments("POST", "/api/v1/bindings", pullSecret("\"namespaces\": [\"a\"], \"excludeNamespaces\": "
                        + names1001), "pullSecret.excludeNamespaces", "may list at most 1000 namespaces"),
                arguments("POST", "/api/v1/bindings", pullSecret("\"namespaces\": [\"a\"], \"serviceAccounts\": "
                        + names("sa", 51)), "pullSecret.serviceAccounts", "may list at most 50 ServiceAccounts"),
                arguments("POST", "/api/v1/bindings", connected("\"repositories\": " + names("repo", 101)),
                        "connectedRegistry.repositories", "may list at most 100 repositories"),
                arguments("POST", "/api/v1/bindings", connected("\"repositories\": [\"a\"], \"namespaces\": "
                        + names1001), "connectedRegistry.namespaces", "may list at most 1000 namespaces"),
                arguments("PATCH", "/api/v1/bindings/" + id, "{\"pullSecret\": {\"namespaces\": " + names1001 + "}}",
                        "pullSecret.namespaces", "may list at most 1000 namespaces"),
                arguments("POST", "/api/v1/bindings", workload("\"serviceAccounts\": " + names("sa", 21)),
                        "workloadIdentity.serviceAccounts", "may list at most 20 ServiceAccounts"),
                arguments("POST", "/api/v1/bindings", workload("\"serviceAccounts\": [\"api\"], \"repositories\": "
                        + names("repo", 51)), "workloadIdentity.repositories", "may list at most 50 repositories"),
                arguments("PATCH", "/api/v1/bindings/" + id, "{\"workloadIdentity\": {\"serviceAccounts\": "
                        + names("sa", 21) + "}}", "workloadIdentity.serviceAccounts",
                        "may list at most 20 ServiceAccounts"),
                arguments("POST", "/api/v1/service-principals", "{\"mode\": \"create\", \"displayName\": \"capped\", "
                        + "\"grants\": " + grants(101) + "}", "grants", "may hold at most 100 grants"),
                arguments("PATCH", "/api/v1/service-principals/" + id, "{\"grants\": " + grants(101) + "}", "grants",
                        "may hold at most 100 grants"),
                arguments("POST", "/api/v1/registries/" + id + "/tokens", "{\"name\": \"capped-token\", "
                        + "\"repositories\": " + repositories(501) + "}", "repositories",
                        "may map at most 500 repositories"),
                arguments("PATCH", "/api/v1/registries/" + id + "/tokens/" + UUID.randomUUID(), "{\"repositories\": "
                        + repositories(501) + "}", "repositories", "may map at most 500 repositories"));
    }

    @Test
    void aListAtItsCapIsNotRefusedForItsSize() throws Exception {
        String body = Api.admin(mvc).post("/api/v1/bindings", pullSecret("\"namespaces\": " + names("ns", 1000)
                        + ", \"excludeNamespaces\": " + names("ex", 1000) + ", \"serviceAccounts\": " + names("sa", 50)))
                .andReturn().getResponse().getContentAsString();
        String workload = Api.admin(mvc).post("/api/v1/bindings", workload("\"serviceAccounts\": "
                        + names("sa", 20) + ", \"repositories\": " + names("repo", 50)))
                .andReturn().getResponse().getContentAsString();

        assertThat(body).doesNotContain("may list at most");
        assertThat(workload).doesNotContain("may list at most");
    }

    @Test
    void aBodyOverTheLimitIsRefusedBeforeItIsRead() throws Exception {
        long before = resources();
        byte[] large = ("{\"resourceId\": \"" + "a".repeat(1024 * 1024) + "\"}").getBytes();

        for (String key : new String[] {null, "large-" + UUID.randomUUID()}) {
            var request = post("/api/v1/registries").contentType(MediaType.APPLICATION_JSON).content(large);
            if (key != null) {
                request.header("Idempotency-Key", key);
            }
            Api.operator(mvc).perform(request)
                    .andExpect(status().isPayloadTooLarge())
                    .andExpect(content().contentType("application/problem+json"))
                    .andExpect(jsonPath("$.type").value("https://pullbridge.io/problems/payload-too-large"))
                    .andExpect(jsonPath("$.detail").value("The request body is larger than the 1048576 bytes this "
                            + "service accepts"));
        }
        assertThat(resources()).isEqualTo(before);
    }

    private long resources() {
        return jdbc.sql("select (select count(*) from bindings) + (select count(*) from service_principals) "
                + "+ (select count(*) from registry_tokens)").query(Long.class).single();
    }

    private static String pullSecret(String fields) {
        return "{\"registryId\": \"" + UUID.randomUUID() + "\", \"clusterId\": \"" + UUID.randomUUID()
                + "\", \"method\": \"pull-secret\", \"pullSecret\": {\"credential\": {\"tokenId\": \""
                + UUID.randomUUID() + "\"}, " + fields + "}}";
    }

    private static String workload(String fields) {
        return "{\"registryId\": \"" + UUID.randomUUID() + "\", \"clusterId\": \"" + UUID.randomUUID()
                + "\", \"method\": \"workload-identity\", \"workloadIdentity\": {\"namespace\": \"team-a\", "
                + fields + "}}";
    }

    private static String connected(String fields) {
        return "{\"registryId\": \"" + UUID.randomUUID() + "\", \"clusterId\": \"" + UUID.randomUUID()
                + "\", \"method\": \"connected-registry\", \"connectedRegistry\": {\"name\": \"edge1cr\", "
                + "\"clusterIP\": \"10.0.0.50\", " + fields + "}}";
    }

    private static String names(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> "\"" + prefix + "-" + i + "\"")
                .collect(Collectors.joining(", ", "[", "]"));
    }

    private static String grants(int count) {
        return IntStream.range(0, count).mapToObj(i -> "{\"registryId\": \"" + UUID.randomUUID()
                + "\", \"role\": \"acrpull\"}").collect(Collectors.joining(", ", "[", "]"));
    }

    private static String repositories(int count) {
        return IntStream.range(0, count).mapToObj(i -> "\"team-" + i + "/*\": [\"content/read\"]")
                .collect(Collectors.joining(", ", "{", "}"));
    }
}
