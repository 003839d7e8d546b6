package io.pullbridge.web;

import com.jayway.jsonpath.JsonPath;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.pullbridge.support.TestPlatform;
import io.pullbridge.support.TestTokens;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ContextConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Hostile HTTP against the real embedded Tomcat, over a raw socket: MockMvc never runs Tomcat's parser, and no HTTP
 * client sends what these requests hold. Every one is answered with a problem document (never a 500, never Tomcat's
 * HTML page) and changes nothing.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "management.server.port=0")
@ContextConfiguration(initializers = TestPlatform.class)
class HostileHttpIntegrationTests {

    private static final String PROBLEMS = "https://pullbridge.io/problems/";
    private static final String REGISTRIES = "/api/v1/registries";

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    MeterRegistry meters;

    private final TestTokens tokens = TestTokens.instance();

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileRequestLines")
    void aHostileRequestLineOrHeaderIsAProblem(String what, String target, String headers, int status, String type) {
        RawHttp.Response response = http().get(target, bearer("Reader") + headers);

        assertProblem(response, status, type);
    }

    static Stream<Arguments> hostileRequestLines() {
        return Stream.of(
                arguments("NUL and invalid UTF-8 in the query", "/api/v1/bindings?pageToken=%00%ff", "", 400,
                        "malformed-url"),
                arguments("malformed percent-encoding in the query", "/api/v1/bindings?pageToken=%zz", "", 400,
                        "malformed-url"),
                arguments("invalid UTF-8 in the query", "/api/v1/bindings?pageToken=%c3%28", "", 400, "malformed-url"),
                arguments("raw { in the path", "/api/v1/bindings/{id}", "", 400, "malformed-url"),
                arguments("raw } in the path", "/api/v1/bindings}", "", 400, "malformed-url"),
                arguments("raw | in the path", "/api/v1/bindings|x", "", 400, "malformed-url"),
                arguments("raw \\ in the path", "/api/v1/bindings\\x", "", 400, "malformed-url"),
                arguments("raw { } in the query", "/api/v1/bindings?limit={1}", "", 400, "malformed-url"),
                arguments("raw | in the query", "/api/v1/bindings?pageToken=a|b", "", 400, "malformed-url"),
                arguments("raw \\ in the query", "/api/v1/bindings?pageToken=a\\b", "", 400, "malformed-url"),
                arguments("raw NUL byte in the path", "/api/v1/bind\u0000ings", "", 400, "malformed-url"),
                arguments("raw byte 0xFF in the path", "/api/v1/bind\u00ffings", "", 400, "malformed-url"),
                arguments("malformed percent-encoding in the path", "/api/v1/%zz", "", 400, "malformed-url"),
                arguments("encoded NUL in the path", "/api/v1/bindings%00", "", 400, "malformed-url"),
                arguments("invalid UTF-8 in the path", "/api/v1/bindings/%ff", "", 400, "malformed-url"),
                arguments("encoded slash in the path", "/api/v1/bindings%2Fx", "", 400, "malformed-url"),
                arguments("encoded backslash in the path", "/api/v1/bindings%5Cx", "", 400, "malformed-url"),
                arguments("path parameter", "/api/v1/bindings;jsessionid=1", "", 400, "malformed-url"),
                arguments("double slash", "/api/v1//bindings", "", 400, "malformed-url"),
                arguments("dot segments above the root", "/api/v1/../../../etc/passwd", "", 400, "malformed-url"),
                arguments("more query parameters than allowed", "/api/v1/bindings?" + "a=1&".repeat(150), "", 400,
                        "malformed-url"),
                arguments("NUL byte in a header", "/api/v1/bindings", "X-Note: a\u0000b\r\n", 400, "malformed-header"),
                arguments("a header line without a colon", "/api/v1/bindings", "no colon here\r\n", 400,
                        "malformed-header"),
                arguments("a header over the size limit", "/api/v1/bindings", "X-Padding: " + "a".repeat(10_000)
                        + "\r\n", 431, "request-header-too-large"),
                arguments("headers over the size limit together", "/api/v1/bindings",
                        ("X-Padding: " + "a".repeat(1000) + "\r\n").repeat(10), 431, "request-header-too-large"),
                arguments("a URL over the size limit", "/api/v1/bindings?pageToken=" + "a".repeat(10_000), "", 414,
                        "uri-too-long"));
    }

    /** Tomcat decodes an encoded NUL that is otherwise valid UTF-8; it must not reach a filter (or PostgreSQL). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("controlCharactersInFilters")
    void anEncodedControlCharacterInAnyQueryFilterIsAProblem(String what, String role, String target) {
        RawHttp.Response response = http().get(target, bearer(role));

        assertProblem(response, 400, "malformed-url");
    }

    static Stream<Arguments> controlCharactersInFilters() {
        String tokens = REGISTRIES + "/" + UUID.randomUUID() + "/tokens";
        return Stream.of(
                arguments("registries name", "Reader", REGISTRIES + "?name=a%00b"),
                arguments("registries resourceGroup", "Reader", REGISTRIES + "?resourceGroup=rg%00"),
                arguments("clusters name", "Reader", "/api/v1/clusters?name=a%00b"),
                arguments("clusters kind", "Reader", "/api/v1/clusters?kind=aks%00"),
                arguments("tokens name", "Reader", tokens + "?name=%00"),
                arguments("jobs type", "Reader", "/api/v1/jobs?type=binding.apply%00"),
                arguments("jobs correlationId", "Reader", "/api/v1/jobs?correlationId=a%00b"),
                arguments("jobs order", "Reader", "/api/v1/jobs?order=asc%00"),
                arguments("audit actor", "Admin", "/api/v1/audit-events?actor=a%00b"),
                arguments("audit action", "Admin", "/api/v1/audit-events?action=binding.create%00"),
                arguments("audit resourceId", "Admin", "/api/v1/audit-events?resourceId=%00"),
                arguments("audit outcome", "Admin", "/api/v1/audit-events?outcome=success%00"),
                arguments("an escape character", "Reader", REGISTRIES + "?name=a%1Bb"),
                arguments("DEL", "Reader", REGISTRIES + "?name=a%7fb"),
                arguments("a parameter name", "Reader", REGISTRIES + "?na%00me=a"));
    }

    @Test
    void aSpaceOrAnEncodedCharacterThatIsNotAControlCharacterIsStillAFilter() {
        for (String target : java.util.List.of(REGISTRIES + "?name=a+b", REGISTRIES + "?name=a%20b",
                REGISTRIES + "?name=%C3%A9t%C3%A9")) {
            assertThat(http().get(target, bearer("Reader")).status()).as(target).isEqualTo(200);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileWrites")
    void aHostileWriteIsAProblemAndChangesNothing(String what, String method, String target, byte[] body, int status,
                                                 String type) {
        long before = resources();

        RawHttp.Response response = http().request(method, target, bearer("Operator"), body);

        assertProblem(response, status, type);
        assertThat(resources()).as("registries and service principals after the refused request").isEqualTo(before);
    }

    static Stream<Arguments> hostileWrites() {
        String valid = "{\"resourceId\": \"" + registryId() + "\"}";
        // A principal's immutable fields are read as any JSON, so the parser meets all of a deep value.
        String principal = "/api/v1/service-principals/" + UUID.randomUUID();
        return Stream.of(
                arguments("raw { in the query of a valid create", "POST", REGISTRIES + "?x={y}", bytes(valid), 400,
                        "malformed-url"),
                arguments("malformed percent-encoding in the path of a valid create", "POST", REGISTRIES + "%zz",
                        bytes(valid), 400, "malformed-url"),
                arguments("a body over 1 MiB", "POST", REGISTRIES, bytes("{\"resourceId\": \"" + "a".repeat(1_100_000)
                        + "\"}"), 413, "payload-too-large"),
                arguments("arrays nested 10,000 deep", "PATCH", principal, bytes("{\"mode\": " + "[".repeat(10_000)
                        + "]".repeat(10_000) + "}"), 400, "malformed-request"),
                arguments("objects nested 1,000 deep", "PATCH", principal, bytes("{\"mode\": "
                        + "{\"a\": ".repeat(1000) + "1" + "}".repeat(1000) + "}"), 400, "malformed-request"),
                arguments("arrays nested 10,000 deep where a string belongs", "POST", REGISTRIES,
                        bytes("{\"resourceId\": " + "[".repeat(10_000) + "]".repeat(10_000) + "}"), 400,
                        "validation-failed"),
                arguments("a number of 10,000 digits", "PATCH", principal, bytes("{\"mode\": " + "9".repeat(10_000)
                        + "}"), 400, "malformed-request"),
                arguments("invalid UTF-8 in a string", "POST", REGISTRIES, invalidUtf8(valid), 400, "malformed-request"),
                arguments("a raw NUL byte in a string", "POST", REGISTRIES, bytes(valid.replace("/subscriptions/",
                        "/subscriptions/\u0000")), 400, "malformed-request"),
                arguments("an escaped NUL in a string", "POST", REGISTRIES, bytes(valid.replace("/subscriptions/",
                        "/subscriptions/\\u0000")), 400, "validation-failed"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("escapedNulInStrings")
    void anEscapedNulInAnyStringOfABodyIsAFieldErrorAndChangesNothing(String what, String role, String method,
                                                                     String target, String body, String field) {
        long before = resources() + jdbc.sql("select count(*) from webhook_subscriptions").query(Long.class).single();

        RawHttp.Response response = http().request(method, target, bearer(role), bytes(body));

        assertProblem(response, 400, "validation-failed");
        assertThat(JsonPath.<String>read(response.body(), "$.errors[0].field")).isEqualTo(field);
        assertThat(JsonPath.<String>read(response.body(), "$.errors[0].message")).contains("NUL");
        assertThat(resources() + jdbc.sql("select count(*) from webhook_subscriptions").query(Long.class).single())
                .isEqualTo(before);
    }

    static Stream<Arguments> escapedNulInStrings() {
        UUID id = UUID.randomUUID();
        return Stream.of(
                arguments("a webhook subscription's description", "Admin", "POST", "/api/v1/webhook-subscriptions",
                        "{\"url\": \"https://hooks.example.com/pullbridge\", \"eventTypes\": [\"job.failed\"], "
                                + "\"description\": \"team a\\u0000 hook\"}", "description"),
                arguments("a registry token's name", "Operator", "POST", REGISTRIES + "/" + id + "/tokens",
                        "{\"name\": \"pull\\u0000er\", \"repositories\": {\"hello\": [\"content/read\"]}}",
                        "name"),
                arguments("a service principal's display name (read as any JSON)", "Operator", "PATCH",
                        "/api/v1/service-principals/" + id, "{\"displayName\": \"a\\u0000\"}", "displayName"),
                arguments("a namespace in a list", "Operator", "POST", "/api/v1/bindings",
                        "{\"registryId\": \"" + id + "\", \"clusterId\": \"" + id + "\", \"method\": \"pull-secret\", "
                                + "\"pullSecret\": {\"credential\": {\"tokenId\": \"" + id + "\"}, "
                                + "\"namespaces\": [\"team-a\", \"team\\u0000b\"]}}", "pullSecret.namespaces[1]"));
    }

    @Test
    void aChunkedBodyOverTheLimitIsRefusedOnceItPassesIt() {
        long before = registries();
        byte[] chunk = ("{\"resourceId\": \"" + "a".repeat(600_000)).getBytes(StandardCharsets.US_ASCII);
        byte[] rest = ("a".repeat(600_000) + "\"}").getBytes(StandardCharsets.US_ASCII);
        String head = "POST " + REGISTRIES + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n" + bearer("Operator") + "Connection: close\r\n\r\n";
        byte[] body = concat(chunked(chunk), chunked(rest), "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

        RawHttp.Response response = http().send(head.getBytes(StandardCharsets.ISO_8859_1), body);

        assertProblem(response, 413, "payload-too-large");
        assertThat(registries()).isEqualTo(before);
    }

    @Test
    void whatTomcatRefusesBeforeAuthenticationIsCountedNotAudited() {
        String marker = "hostile-" + UUID.randomUUID();
        double before = unauthenticated("malformed-url");

        for (int i = 0; i < 20; i++) {
            assertProblem(http().get("/api/v1/" + marker + "/{" + i + "}", ""), 400, "malformed-url");
        }

        assertThat(unauthenticated("malformed-url") - before).isEqualTo(20);
        assertThat(jdbc.sql("select count(*) from audit_events where action like ?").param("%" + marker + "%")
                .query(Long.class).single()).isZero();
    }

    private void assertProblem(RawHttp.Response response, int status, String type) {
        assertThat(response.status()).as("status of %s", response.body()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(response.body()).doesNotContainIgnoringCase("<html").doesNotContain("Exception", "java.",
                "org.apache", "Tomcat");
        assertThat(JsonPath.<String>read(response.body(), "$.type")).isEqualTo(PROBLEMS + type);
        assertThat(JsonPath.<Integer>read(response.body(), "$.status")).isEqualTo(status);
        assertThat(JsonPath.<String>read(response.body(), "$.requestId")).isEqualTo(response.header("X-Request-Id"))
                .isNotBlank();
    }

    private double unauthenticated(String reason) {
        var counter = Search.in(meters).name("pullbridge.http.unauthenticated").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    private RawHttp http() {
        return new RawHttp(port);
    }

    private String bearer(String role) {
        return "Authorization: Bearer " + tokens.token("user-" + role.toLowerCase(), role) + "\r\n";
    }

    private long registries() {
        return jdbc.sql("select count(*) from registries").query(Long.class).single();
    }

    private long resources() {
        return registries() + jdbc.sql("select count(*) from service_principals").query(Long.class).single();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] invalidUtf8(String json) {
        byte[] valid = bytes(json);
        int at = json.indexOf("/subscriptions/") + 1;
        valid[at] = (byte) 0xff;
        valid[at + 1] = (byte) 0xfe;
        return valid;
    }

    private static byte[] chunked(byte[] data) {
        return concat((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII), data,
                "\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    static String registryId() {
        return "/subscriptions/" + UUID.randomUUID() + "/resourceGroups/rg-hostile/providers/"
                + "Microsoft.ContainerRegistry/registries/acr" + UUID.randomUUID().toString().substring(0, 8);
    }
}
