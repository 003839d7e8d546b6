package io.pullbridge.web;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.pullbridge.support.Api;
import io.pullbridge.support.DeleteJobs;
import io.pullbridge.support.IntegrationTest;
import io.pullbridge.support.Registries;
import io.pullbridge.support.TestTokens;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

@IntegrationTest
class SecurityIntegrationTests {

    private static final String UNAUTHENTICATED = "https://pullbridge.io/problems/unauthenticated";
    private static final String FORBIDDEN = "https://pullbridge.io/problems/forbidden";

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    private final TestTokens tokens = TestTokens.instance();

    @Autowired
    MeterRegistry meters;

    @Test
    void aRequestWithoutATokenIsRefusedWith401AndABearerChallenge() throws Exception {
        double before = unauthenticated("missing-token");
        MvcResult result = mvc.perform(get("/api/v1/registries"))
                .andExpect(status().isUnauthorized())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(header().string(HttpHeaders.WWW_AUTHENTICATE, "Bearer"))
                .andExpect(jsonPath("$.type").value(UNAUTHENTICATED))
                .andExpect(jsonPath("$.status").value(401))
                .andExpect(jsonPath("$.detail").value("Send a bearer token in the Authorization header"))
                .andReturn();

        assertRefusedAndCountedNotAudited(result, "missing-token", before, null);
    }

    @Test
    void aWriteWithoutATokenIsRefusedAndChangesNothing() throws Exception {
        Timestamp since = Timestamp.from(Instant.now());
        double before = unauthenticated("missing-token");
        MvcResult result = mvc.perform(post("/api/v1/registries").contentType("application/json")
                        .content("{\"resourceId\": \"" + registryId() + "\"}"))
                .andExpect(status().isUnauthorized())
                .andExpect(jsonPath("$.type").value(UNAUTHENTICATED))
                .andReturn();

        assertThat(registriesCreatedSince(since)).isZero();
        assertRefusedAndCountedNotAudited(result, "missing-token", before, null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"not-a-jwt", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln", "a.b.c", "x y z"})
    void aMalformedTokenIsRefused(String token) throws Exception {
        double before = unauthenticated("malformed-token") + unauthenticated("invalid-token");
        MvcResult result = mvc.perform(get("/api/v1/registries").header(HttpHeaders.AUTHORIZATION, "Bearer " + token))
                .andExpect(status().isUnauthorized())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(header().string(HttpHeaders.WWW_AUTHENTICATE, "Bearer"))
                .andExpect(jsonPath("$.type").value(UNAUTHENTICATED))
                .andReturn();

        assertThat(unauthenticated("malformed-token") + unauthenticated("invalid-token") - before).isEqualTo(1);
        assertRefusedAndCountedNotAudited(result, null, 0, token);
    }

    @Test
    void anotherAuthorizationSchemeIsRefused() throws Exception {
        mvc.perform(get("/api/v1/registries").header(HttpHeaders.AUTHORIZATION, "Basic dXNlcjpwYXNz"))
                .andExpect(status().isUnauthorized())
                .andExpect(jsonPath("$.type").value(UNAUTHENTICATED));
    }

    @Test
    void anExpiredTokenIsRefused() throws Exception {
        double before = unauthenticated("expired-token");
        String expired = tokens.sign("alice", tokens.issuer(), Instant.now().minus(Duration.ofHours(1)),
                List.of("Admin"));

        MvcResult result = mvc.perform(get("/api/v1/registries").header(HttpHeaders.AUTHORIZATION, "Bearer " + expired))
                .andExpect(status().isUnauthorized())
                .andExpect(jsonPath("$.type").value(UNAUTHENTICATED))
                .andExpect(jsonPath("$.detail", org.hamcrest.Matchers.containsStringIgnoringCase("expired")))
                .andReturn();

        assertRefusedAndCountedNotAudited(result, "expired-token", before, expired);
    }

    @Test
    void aTokenFromAnotherIssuerIsRefused() throws Exception {
        double before = unauthenticated("wrong-issuer");
        String foreign = tokens.sign("alice", "https://login.example.com/other-tenant/v2.0",
                Instant.now().plus(Duration.ofHours(1)), List.of("Admin"));

        MvcResult result = mvc.perform(get("/api/v1/registries").header(HttpHeaders.AUTHORIZATION, "Bearer " + foreign))
                .andExpect(status().isUnauthorized())
                .andExpect(jsonPath("$.type").value(UNAUTHENTICATED))
                .andReturn();

        assertRefusedAndCountedNotAudited(result, "wrong-issuer", before, foreign);
    }

    @Test
    void aTokenTheIssuerMadeForAnotherApplicationIsRefused() throws Exception {
        double before = unauthenticated("wrong-audience");
        String otherApplication = tokens.tokenFor("api://another-application", "alice", "Admin");

        MvcResult result = mvc.perform(get("/api/v1/registries")
                        .header(HttpHeaders.AUTHORIZATION, "Bearer " + otherApplication))
                .andExpect(status().isUnauthorized())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(header().string(HttpHeaders.WWW_AUTHENTICATE, "Bearer"))
                .andExpect(jsonPath("$.type").value(UNAUTHENTICATED))
                .andExpect(jsonPath("$.detail", containsString("aud")))
                .andReturn();

        assertRefusedAndCountedNotAudited(result, "wrong-audience", before, otherApplication);
        mvc.perform(get("/api/v1/registries").header(HttpHeaders.AUTHORIZATION, "Bearer "
                        + tokens.tokenFor(TestTokens.AUDIENCE, "alice", "Admin")))
                .andExpect(status().isOk());
    }

    @Test
    void aTokenSignedByAnotherKeyIsRefusedEvenUnderTheIssuersKeyId() throws Exception {
        String genuine = tokens.token("alice", "Admin");
        String issuersKeyId = (String) JsonMapper.shared().readValue(
                Base64.getUrlDecoder().decode(genuine.substring(0, genuine.indexOf('.'))), Map.class).get("kid");

        for (String keyId : new String[] {issuersKeyId, UUID.randomUUID().toString()}) {
            double before = unauthenticated("invalid-token");
            String forged = signWithAnotherKey(keyId, "alice", List.of("Admin"));
            MvcResult result = mvc.perform(get("/api/v1/registries")
                            .header(HttpHeaders.AUTHORIZATION, "Bearer " + forged))
                    .andExpect(status().isUnauthorized())
                    .andExpect(jsonPath("$.type").value(UNAUTHENTICATED))
                    .andReturn();
            assertRefusedAndCountedNotAudited(result, "invalid-token", before, forged);
        }
        Api.admin(mvc).get("/api/v1/registries").andExpect(status().isOk());
    }

    @Test
    void aReaderCanReadButNotWrite() throws Exception {
        String location = created();
        Timestamp since = Timestamp.from(Instant.now());
        Api reader = Api.reader(mvc);

        reader.get("/api/v1/registries").andExpect(status().isOk());
        reader.get(location).andExpect(status().isOk());

        MvcResult post = reader.post("/api/v1/registries", "{\"resourceId\": \"" + registryId() + "\"}")
                .andExpect(status().isForbidden())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(FORBIDDEN))
                .andExpect(jsonPath("$.status").value(403))
                .andReturn();
        MvcResult delete = reader.delete(location)
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.type").value(FORBIDDEN))
                .andReturn();

        assertThat(registriesCreatedSince(since)).isZero();
        assertDeniedAndAudited(post, 403, "user-reader", null);
        assertDeniedAndAudited(delete, 403, "user-reader", null);
        Api.reader(mvc).get(location).andExpect(status().isOk()).andExpect(jsonPath("$.status.phase").value("Ready"));
    }

    @Test
    void anOperatorCanWrite() throws Exception {
        Api operator = Api.operator(mvc);
        var created = operator.post("/api/v1/registries", "{\"resourceId\": \"" + Registries.seeded() + "\"}")
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.createdBy").value("user-operator"))
                .andReturn().getResponse();
        String location = created.getHeader(HttpHeaders.LOCATION);
        Registries.awaitSucceeded(jdbc, Registries.jobOf(created));

        UUID job = DeleteJobs.accepted(operator.delete(location));
        DeleteJobs.awaitSucceeded(jdbc, job);
        operator.get(location).andExpect(status().isNotFound());
    }

    @Test
    void aTokenWithoutRolesMayNotEvenRead() throws Exception {
        String noRoles = tokens.token("mallory");

        MvcResult result = mvc.perform(get("/api/v1/registries").header(HttpHeaders.AUTHORIZATION, "Bearer " + noRoles))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.type").value(FORBIDDEN))
                .andReturn();

        assertDeniedAndAudited(result, 403, "mallory", noRoles);
    }

    @Test
    void rolesAreCaseSensitiveAsEntraAppRolesAre() throws Exception {
        String lowerCase = tokens.token("eve", "operator");

        mvc.perform(post("/api/v1/registries").contentType("application/json")
                        .content("{\"resourceId\": \"" + registryId() + "\"}")
                        .header(HttpHeaders.AUTHORIZATION, "Bearer " + lowerCase))
                .andExpect(status().isForbidden());
    }

    @Test
    void onlyAnAdminReadsTheAuditTrail() throws Exception {
        Api.admin(mvc).get("/api/v1/audit-events").andExpect(status().isOk())
                .andExpect(jsonPath("$.items").isArray());

        for (Api caller : List.of(Api.reader(mvc), Api.operator(mvc))) {
            MvcResult result = caller.get("/api/v1/audit-events")
                    .andExpect(status().isForbidden())
                    .andExpect(content().contentType("application/problem+json"))
                    .andExpect(jsonPath("$.type").value(FORBIDDEN))
                    .andReturn();
            assertThat(audit(result).get("outcome")).isEqualTo("denied");
        }
    }

    @Test
    void anAdminCanDoWhatAnOperatorCan() throws Exception {
        Api admin = Api.admin(mvc);
        String location = Registries.registered(admin, mvc, jdbc, Registries.seeded()).location();
        UUID job = DeleteJobs.accepted(admin.delete(location));
        DeleteJobs.awaitSucceeded(jdbc, job);
        admin.get(location).andExpect(status().isNotFound());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness",
            "/actuator/info", "/v3/api-docs"})
    void healthProbesAndTheApiDocumentArePublic(String path) throws Exception {
        mvc.perform(get(path)).andExpect(status().isOk());
    }

    @Test
    void theReadinessProbeIncludesTheDatabase() throws Exception {
        mvc.perform(get("/actuator/health/readiness"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("UP"));
        mvc.perform(get("/v3/api-docs"))
                .andExpect(jsonPath("$.components.securitySchemes.bearer.scheme").value("bearer"));
    }

    /** Without a management port of its own (this test's setting), the scrape is served on the API port: to Admins. */
    @Test
    void thePrometheusScrapeOnTheApiPortTakesAnAdminToken() throws Exception {
        mvc.perform(get("/actuator/prometheus"))
                .andExpect(status().isUnauthorized())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(content().string(not(containsString("jvm_"))));
        Api.operator(mvc).get("/actuator/prometheus").andExpect(status().isForbidden());
        Api.admin(mvc).get("/actuator/prometheus").andExpect(status().isOk())
                .andExpect(content().string(containsString("pullbridge_jobs_queue_depth")));
    }

    @Test
    void pathsOutsideTheApiAreClosed() throws Exception {
        mvc.perform(get("/actuator/env")).andExpect(status().isUnauthorized());
        Api.admin(mvc).get("/actuator/env").andExpect(status().isForbidden());
    }

    /**
     * A 401: a problem that leaks nothing, counted under {@code reason} (unless null), and no audit event: anyone can
     * send these, so they must not grow the database.
     */
    private void assertRefusedAndCountedNotAudited(MvcResult result, String reason, double before, String token)
            throws Exception {
        String problem = result.getResponse().getContentAsString();
        assertThat(problem).doesNotContain("java.", "Exception", "org.", "\tat ");
        if (token != null) {
            assertThat(problem).doesNotContain(token);
        }
        if (reason != null) {
            assertThat(unauthenticated(reason) - before).as("pullbridge.http.unauthenticated{reason=%s}", reason)
                    .isEqualTo(1);
        }
        String requestId = result.getResponse().getHeader("X-Request-Id");
        assertThat(requestId).isNotBlank();
        assertThat(jdbc.sql("select count(*) from audit_events where request_id = ?").param(requestId)
                .query(Long.class).single()).isZero();
    }

    private double unauthenticated(String reason) {
        Counter counter = Search.in(meters).name("pullbridge.http.unauthenticated").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    private void assertDeniedAndAudited(MvcResult result, int status, String actor, String token) throws Exception {
        String problem = result.getResponse().getContentAsString();
        assertThat(problem).doesNotContain("java.", "Exception", "org.", "\tat ");
        if (token != null) {
            assertThat(problem).doesNotContain(token);
        }
        Map<String, Object> event = audit(result);
        assertThat(event.get("outcome")).isEqualTo("denied");
        assertThat(event.get("http_status")).isEqualTo(status);
        assertThat(event.get("actor")).isEqualTo(actor);
        assertThat((String) event.get("action")).endsWith(result.getRequest().getRequestURI());
        if (token != null) {
            String row = jdbc.sql("select a::text from audit_events a where request_id = ?")
                    .param(result.getResponse().getHeader("X-Request-Id")).query(String.class).single();
            assertThat(row).doesNotContain(token);
            for (String part : token.split("\\.")) {
                if (part.length() > 8) {
                    assertThat(row).doesNotContain(part);
                }
            }
        }
    }

    private Map<String, Object> audit(MvcResult result) {
        String requestId = result.getResponse().getHeader("X-Request-Id");
        assertThat(requestId).isNotBlank();
        return jdbc.sql("select * from audit_events where request_id = ?").param(requestId)
                .query().singleRow();
    }

    private String signWithAnotherKey(String keyId, String subject, List<String> roles) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        RSAKey key = new RSAKey.Builder((RSAPublicKey) pair.getPublic()).privateKey((RSAPrivateKey) pair.getPrivate())
                .keyID(keyId).build();
        NimbusJwtEncoder encoder = new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(key)));
        Instant now = Instant.now();
        JwtClaimsSet claims = JwtClaimsSet.builder().subject(subject).issuer(tokens.issuer())
                .audience(List.of(TestTokens.AUDIENCE)).issuedAt(now).notBefore(now)
                .expiresAt(now.plus(Duration.ofHours(1))).claim("roles", roles).build();
        return encoder.encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).keyId(keyId).build(),
                claims)).getTokenValue();
    }

    /** A registry whose create job ended, so nothing but the test's own requests changes it. */
    private String created() throws Exception {
        return Registries.registered(mvc, jdbc).location();
    }

    /** Registries stored since then: other tests' registries may go meanwhile, as deletes run as jobs. */
    private long registriesCreatedSince(Timestamp since) {
        return jdbc.sql("select count(*) from registries where created_at >= ?").param(since).query(Long.class).single();
    }

    static String registryId() {
        return "/subscriptions/" + UUID.randomUUID() + "/resourceGroups/rg-security/providers/"
                + "Microsoft.ContainerRegistry/registries/acr" + UUID.randomUUID().toString().substring(0, 8);
    }
}
