package io.pullbridge.principals;

import com.jayway.jsonpath.JsonPath;
import io.pullbridge.common.Reference;
import io.pullbridge.common.ResourceReferences;
import io.pullbridge.crypto.SecretCipher;
import io.pullbridge.support.Api;
import io.pullbridge.support.DeleteJobs;
import io.pullbridge.support.IntegrationTest;
import io.pullbridge.support.Principals;
import io.pullbridge.support.Registries;
import io.pullbridge.support.azure.AzureEmulator;
import io.pullbridge.support.azure.GraphServicePrincipal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.ResultActions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

@IntegrationTest
class ServicePrincipalIntegrationTests {

    static final String PROBLEMS = "https://pullbridge.io/problems/";
    static final String DEFAULT_TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    static final String SECRET_MARKER = "Sup3r-S3cret";
    /** The emulator serves one tenant: a principal adopted in another is unknown to its Entra ID. */
    static final String OTHER_TENANT_FAILURE = "service-principal-not-found";

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ServicePrincipalRepository repository;

    @Autowired
    SecretCipher cipher;

    /** Stands in for the bindings feature, which will report the bindings that use a principal. */
    @MockitoBean(name = "bindingReferences")
    ResourceReferences bindings;

    Api operator;
    /** Adopting and granting acrpush or owner are Admin's (pullbridge.security.operator-grantable-roles). */
    Api admin;
    UUID registryId;

    @BeforeEach
    void registry() throws Exception {
        operator = Api.operator(mvc);
        admin = Api.admin(mvc);
        registryId = newRegistry();
    }

    // ---- create ---------------------------------------------------------------------------------------------

    @Test
    void createsAServicePrincipalWhoseJobMakesItsApplicationPasswordAndRoleAssignments() throws Exception {
        String name = "acr-pull-" + UUID.randomUUID();
        MockHttpServletResponse created = admin.post("/api/v1/service-principals", """
                        {"mode": "create", "displayName": "%s", "passwordLifetime": "P180D",
                         "grants": [{"registryId": "%s", "role": "acrpull"}, {"registryId": "%s", "role": "acrpush"}]}"""
                        .formatted(name, registryId, registryId))
                .andExpect(status().isAccepted())
                .andExpect(header().string("Location", matchesPattern("/api/v1/service-principals/[0-9a-f-]{36}")))
                .andExpect(header().string("ETag", "\"0\""))
                .andExpect(jsonPath("$.mode").value("create"))
                .andExpect(jsonPath("$.displayName").value(name))
                .andExpect(jsonPath("$.appId").value(nullValue()))
                .andExpect(jsonPath("$.objectId").value(nullValue()))
                .andExpect(jsonPath("$.tenantId").value(DEFAULT_TENANT))
                .andExpect(jsonPath("$.passwordLifetime").value("P180D"))
                .andExpect(jsonPath("$.credential.set").value(false))
                .andExpect(jsonPath("$.credential.expiresAt").value(nullValue()))
                .andExpect(jsonPath("$.credential.fingerprint").value(nullValue()))
                .andExpect(jsonPath("$.grants", hasSize(2)))
                .andExpect(jsonPath("$.grants[0].registryId").value(registryId.toString()))
                .andExpect(jsonPath("$.grants[0].role").value("acrpull"))
                .andExpect(jsonPath("$.grants[0].status.phase").value("Pending"))
                .andExpect(jsonPath("$.grants[0].status.message", containsString("AcrPull")))
                .andExpect(jsonPath("$.grants[0].status.roleAssignmentId").value(nullValue()))
                .andExpect(jsonPath("$.grants[1].role").value("acrpush"))
                .andExpect(jsonPath("$.createdBy").value("user-admin"))
                .andExpect(jsonPath("$.status.phase").value("Pending"))
                .andExpect(jsonPath("$.revokingGrants", hasSize(0)))
                .andExpect(jsonPath("$.password").doesNotExist())
                .andReturn().getResponse();
        String location = created.getHeader("Location");
        Principals.awaitJob(jdbc, Registries.jobOf(created), "succeeded");

        Api.reader(mvc).get(location)
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.displayName").value(name))
                .andExpect(jsonPath("$.status.phase").value("Ready"))
                .andExpect(jsonPath("$.appId", matchesPattern("[0-9a-f-]{36}")))
                .andExpect(jsonPath("$.objectId", matchesPattern("[0-9a-f-]{36}")))
                .andExpect(jsonPath("$.credential.set").value(true))
                .andExpect(jsonPath("$.credential.keyId", matchesPattern("[0-9a-f-]{36}")))
                .andExpect(jsonPath("$.grants[0].status.phase").value("Ready"))
                .andExpect(jsonPath("$.grants[1].role").value("acrpush"))
                .andExpect(jsonPath("$.grants[1].status.phase").value("Ready"))
                .andExpect(jsonPath("$.grants[1].status.createdByPullBridge").value(true));
        assertThat(auditDetail("service-principal.create", idOf(location)))
                .contains(name).contains("acrpull").contains("acrpush");
    }

    @Test
    void aPrincipalCreatedWithoutALifetimeGetsTheConfiguredDefault() throws Exception {
        settle(operator.post("/api/v1/service-principals", createBody("acr-pull-" + UUID.randomUUID()))
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.passwordLifetime").value("P365D")));
    }

    @Test
    void adoptsAnExistingPrincipalWithItsPasswordInTheConfiguredTenant() throws Exception {
        GraphServicePrincipal existing = AzureEmulator.shared().addServicePrincipal("legacy-" + UUID.randomUUID());
        UUID appId = UUID.fromString(existing.appId());
        UUID objectId = UUID.fromString(existing.id());
        String password = AzureEmulator.shared().addPassword(existing, secret(), Instant.parse("2999-01-01T00:00:00Z"))
                .secretText();
        MockHttpServletResponse adopted = admin.post("/api/v1/service-principals", """
                        {"mode": "adopt", "appId": "%s", "objectId": "%s", "password": "%s",
                         "passwordExpiresAt": "2999-01-01T00:00:00Z", "displayName": "legacy ci principal",
                         "grants": [{"registryId": "%s", "role": "owner"}]}"""
                        .formatted(appId, objectId, password, registryId))
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.mode").value("adopt"))
                .andExpect(jsonPath("$.appId").value(appId.toString()))
                .andExpect(jsonPath("$.objectId").value(objectId.toString()))
                .andExpect(jsonPath("$.tenantId").value(DEFAULT_TENANT))
                .andExpect(jsonPath("$.displayName").value("legacy ci principal"))
                .andExpect(jsonPath("$.passwordLifetime").value(nullValue()))
                .andExpect(jsonPath("$.credential.set").value(true))
                .andExpect(jsonPath("$.credential.expiresAt").value("2999-01-01T00:00:00Z"))
                .andExpect(jsonPath("$.credential.fingerprint").value(cipher.fingerprint(password)))
                .andExpect(jsonPath("$.grants[0].role").value("owner"))
                .andExpect(content().string(not(containsString(password))))
                .andReturn().getResponse();
        Principals.awaitJob(jdbc, Registries.jobOf(adopted), "succeeded");
        Api.reader(mvc).get(adopted.getHeader("Location"))
                .andExpect(jsonPath("$.status.phase").value("Ready"))
                .andExpect(jsonPath("$.displayName").value("legacy ci principal"))
                .andExpect(jsonPath("$.grants[0].status.phase").value("Ready"));
    }

    @Test
    void adoptsAPrincipalOfAnotherTenantWhenTheTenantIsGiven() throws Exception {
        UUID tenant = UUID.randomUUID();
        settleFailed(admin.post("/api/v1/service-principals", adoptBody(UUID.randomUUID(), tenant, secret()))
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.tenantId").value(tenant.toString()))
                .andExpect(jsonPath("$.credential.expiresAt").value(nullValue())), OTHER_TENANT_FAILURE);
    }

    @Test
    void theAdoptedPasswordIsNeverReadableThroughTheApiOrTheDatabase() throws Exception {
        String password = secret();
        String location = settle(admin.post("/api/v1/service-principals",
                        adoptBody(UUID.randomUUID(), null, password))
                .andExpect(status().isAccepted())
                .andExpect(content().string(not(containsString(password)))));
        UUID id = idOf(location);

        Api reader = Api.reader(mvc);
        reader.get(location).andExpect(status().isOk()).andExpect(content().string(not(containsString(password))));
        reader.get("/api/v1/service-principals?registryId=" + registryId)
                .andExpect(jsonPath("$.items", hasSize(1)))
                .andExpect(content().string(not(containsString(password))));
        settle(admin.patch(location, """
                        {"grants": [{"registryId": "%s", "role": "acrpush"}]}""".formatted(registryId))
                .andExpect(status().isAccepted())
                .andExpect(content().string(not(containsString(password)))));
        // a refused change that carries the password does not echo it either
        operator.patch(location, """
                        {"password": "%s"}""".formatted(password))
                .andExpect(status().isBadRequest())
                .andExpect(content().string(not(containsString(password))));

        byte[] plaintext = password.getBytes(StandardCharsets.UTF_8);
        byte[] ciphertext = jdbc.sql("select credential_ciphertext from service_principals where id = ?")
                .param(id).query(byte[].class).single();
        assertThat(ciphertext).isNotEmpty();
        assertThat(indexOf(ciphertext, plaintext)).isEqualTo(-1);
        String row = jdbc.sql("select row_to_json(p)::text from service_principals p where id = ?")
                .param(id).query(String.class).single();
        assertThat(row).doesNotContain(password)
                .doesNotContain(HexFormat.of().formatHex(plaintext))
                .contains(cipher.currentKeyId());
        String audit = jdbc.sql("select coalesce(string_agg(coalesce(detail, '') || action, '|'), '') from audit_events")
                .query(String.class).single();
        assertThat(audit).doesNotContain(password);

        // and it is stored, not lost: the job that writes pull secrets will decrypt it
        ServicePrincipal stored = repository.findById(id).orElseThrow();
        assertThat(cipher.decrypt(stored.getCredential(), stored.credentialContext())).isEqualTo(password);
    }

    @Test
    void aDisplayNameAlreadyCreatedInTheTenantIsRefusedWhateverItsCaseAndPointsToAdopt() throws Exception {
        String name = "acr-pull-" + UUID.randomUUID();
        settle(operator.post("/api/v1/service-principals", createBody(name)));
        String before = snapshot();
        operator.post("/api/v1/service-principals", createBody(name.toUpperCase()))
                .andExpect(status().isConflict())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEMS + "already-exists"))
                .andExpect(jsonPath("$.errors[0].field").value("displayName"))
                .andExpect(jsonPath("$.detail", containsString("mode adopt")));
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void anAdoptedPrincipalMayCarryTheDisplayNameOfACreatedOne() throws Exception {
        String name = "acr-pull-" + UUID.randomUUID();
        settle(operator.post("/api/v1/service-principals", createBody(name)));
        UUID appId = UUID.randomUUID();
        String password = secret();
        settle(admin.post("/api/v1/service-principals", """
                        {"mode": "adopt", "appId": "%s", "objectId": "%s", "password": "%s", "displayName": "%s",
                         "grants": [{"registryId": "%s", "role": "acrpull"}]}"""
                        .formatted(appId, knownToEntra(appId, password).id(), password, name, registryId)));
    }

    @Test
    void adoptingTheSameAppIdTwiceInATenantIsRefused() throws Exception {
        UUID appId = UUID.randomUUID();
        settle(admin.post("/api/v1/service-principals", adoptBody(appId, null, secret())));
        String before = snapshot();
        admin.post("/api/v1/service-principals", adoptBody(appId, UUID.fromString(DEFAULT_TENANT), secret()))
                .andExpect(status().isConflict())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEMS + "already-exists"))
                .andExpect(jsonPath("$.errors[0].field").value("appId"));
        assertThat(snapshot()).isEqualTo(before);
        // the same application in another tenant is another principal (whose sign-in the emulator, serving one
        // tenant, refuses)
        settleFailed(admin.post("/api/v1/service-principals", adoptBody(appId, UUID.randomUUID(), secret())),
                "service-principal-password-rejected");
    }

    @Test
    void aGrantOnAnUnknownRegistryIsAnUnknownReferenceNamingTheGrant() throws Exception {
        UUID unknown = UUID.randomUUID();
        String before = snapshot();
        operator.post("/api/v1/service-principals", """
                        {"mode": "create", "displayName": "acr-%s",
                         "grants": [{"registryId": "%s", "role": "acrpull"}, {"registryId": "%s", "role": "acrpull"}]}"""
                        .formatted(UUID.randomUUID(), registryId, unknown))
                .andExpect(status().isUnprocessableContent())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEMS + "unknown-reference"))
                .andExpect(jsonPath("$.errors", hasSize(1)))
                .andExpect(jsonPath("$.errors[0].field").value("grants[1].registryId"))
                .andExpect(jsonPath("$.errors[0].message", containsString(unknown.toString())));
        assertThat(snapshot()).isEqualTo(before);
    }

    static Stream<Arguments> invalidCreations() {
        String grant = "[{\"registryId\": \"REGISTRY\", \"role\": \"acrpull\"}]";
        String adopt = "\"mode\": \"adopt\", \"appId\": \"" + UUID.randomUUID() + "\", \"objectId\": \""
                + UUID.randomUUID() + "\"";
        String password = "\"password\": \"" + SECRET_MARKER + "-value\"";
        return Stream.of(
                Arguments.of("mode is required", "{\"displayName\": \"a-name\", \"grants\": " + grant + "}",
                        List.of("mode")),
                Arguments.of("mode is create or adopt", "{\"mode\": \"import\", \"displayName\": \"a-name\", "
                        + "\"grants\": " + grant + "}", List.of("mode")),
                Arguments.of("a password is refused with mode create", "{\"mode\": \"create\", \"displayName\": "
                        + "\"a-name\", " + password + ", \"grants\": " + grant + "}", List.of("password")),
                Arguments.of("the fields of mode adopt are refused with mode create", "{\"mode\": \"create\", "
                        + "\"displayName\": \"a-name\", \"appId\": \"" + UUID.randomUUID() + "\", \"objectId\": \""
                        + UUID.randomUUID() + "\", \"tenantId\": \"" + UUID.randomUUID() + "\", "
                        + "\"passwordExpiresAt\": \"2999-01-01T00:00:00Z\", \"grants\": " + grant + "}",
                        List.of("appId", "objectId", "tenantId", "passwordExpiresAt")),
                Arguments.of("a password lifetime is refused with mode adopt", "{" + adopt + ", " + password
                        + ", \"passwordLifetime\": \"P30D\", \"grants\": " + grant + "}", List.of("passwordLifetime")),
                Arguments.of("mode create needs a display name", "{\"mode\": \"create\", \"grants\": " + grant + "}",
                        List.of("displayName")),
                Arguments.of("an empty display name", "{\"mode\": \"create\", \"displayName\": \"\", \"grants\": "
                        + grant + "}", List.of("displayName")),
                Arguments.of("a blank display name", "{\"mode\": \"create\", \"displayName\": \"   \", \"grants\": "
                        + grant + "}", List.of("displayName")),
                Arguments.of("a display name of 121 characters", "{\"mode\": \"create\", \"displayName\": \""
                        + "n".repeat(121) + "\", \"grants\": " + grant + "}", List.of("displayName")),
                Arguments.of("a display name with a control character", "{\"mode\": \"create\", \"displayName\": "
                        + "\"team\\u0007a\", \"grants\": " + grant + "}", List.of("displayName")),
                Arguments.of("a display name with a line break", "{\"mode\": \"create\", \"displayName\": "
                        + "\"team\\na\", \"grants\": " + grant + "}", List.of("displayName")),
                Arguments.of("an adopted principal's display name follows the same rules", "{" + adopt + ", "
                        + password + ", \"displayName\": \"" + "n".repeat(121) + "\", \"grants\": " + grant + "}",
                        List.of("displayName")),
                Arguments.of("a password lifetime that is no ISO-8601 duration", "{\"mode\": \"create\", "
                        + "\"displayName\": \"a-name\", \"passwordLifetime\": \"365 days\", \"grants\": " + grant + "}",
                        List.of("passwordLifetime")),
                Arguments.of("a password lifetime in years", "{\"mode\": \"create\", \"displayName\": \"a-name\", "
                        + "\"passwordLifetime\": \"P1Y\", \"grants\": " + grant + "}", List.of("passwordLifetime")),
                Arguments.of("a password lifetime below the minimum", "{\"mode\": \"create\", \"displayName\": "
                        + "\"a-name\", \"passwordLifetime\": \"PT1H\", \"grants\": " + grant + "}",
                        List.of("passwordLifetime")),
                Arguments.of("a password lifetime above the maximum", "{\"mode\": \"create\", \"displayName\": "
                        + "\"a-name\", \"passwordLifetime\": \"P731D\", \"grants\": " + grant + "}",
                        List.of("passwordLifetime")),
                Arguments.of("a negative password lifetime", "{\"mode\": \"create\", \"displayName\": "
                        + "\"a-name\", \"passwordLifetime\": \"-P30D\", \"grants\": " + grant + "}",
                        List.of("passwordLifetime")),
                Arguments.of("mode adopt needs appId or objectId", "{\"mode\": \"adopt\", " + password
                        + ", \"grants\": " + grant + "}", List.of("appId", "objectId")),
                Arguments.of("an appId that is no GUID", "{\"mode\": \"adopt\", \"appId\": \"not-a-guid\", "
                        + "\"objectId\": \"" + UUID.randomUUID() + "\", " + password + ", \"grants\": " + grant + "}",
                        List.of("appId")),
                Arguments.of("an objectId that is no GUID", "{\"mode\": \"adopt\", \"appId\": \"" + UUID.randomUUID()
                        + "\", \"objectId\": \"1234\", " + password + ", \"grants\": " + grant + "}",
                        List.of("objectId")),
                Arguments.of("a tenantId that is no GUID", "{" + adopt + ", \"tenantId\": \"contoso\", " + password
                        + ", \"grants\": " + grant + "}", List.of("tenantId")),
                Arguments.of("mode adopt needs the password", "{" + adopt + ", \"grants\": " + grant + "}",
                        List.of("password")),
                Arguments.of("an empty password", "{" + adopt + ", \"password\": \"\", \"grants\": " + grant + "}",
                        List.of("password")),
                Arguments.of("a password of 1025 characters", "{" + adopt + ", \"password\": \"" + SECRET_MARKER
                        + "x".repeat(1025 - SECRET_MARKER.length()) + "\", \"grants\": " + grant + "}",
                        List.of("password")),
                Arguments.of("a password that expired already", "{" + adopt + ", " + password
                        + ", \"passwordExpiresAt\": \"2020-01-01T00:00:00Z\", \"grants\": " + grant + "}",
                        List.of("passwordExpiresAt")),
                Arguments.of("a password expiry that is no timestamp", "{" + adopt + ", " + password
                        + ", \"passwordExpiresAt\": \"next year\", \"grants\": " + grant + "}",
                        List.of("passwordExpiresAt")),
                Arguments.of("grants are required", "{\"mode\": \"create\", \"displayName\": \"a-name\"}",
                        List.of("grants")),
                Arguments.of("grants must not be empty", "{\"mode\": \"create\", \"displayName\": \"a-name\", "
                        + "\"grants\": []}", List.of("grants")),
                Arguments.of("a grant must be an object", "{\"mode\": \"create\", \"displayName\": \"a-name\", "
                        + "\"grants\": [null]}", List.of("grants[0]")),
                Arguments.of("a grant needs its registry and role", "{\"mode\": \"create\", \"displayName\": "
                        + "\"a-name\", \"grants\": [{\"registryId\": \"REGISTRY\", \"role\": \"acrpull\"}, {}]}",
                        List.of("grants[1].registryId", "grants[1].role")),
                Arguments.of("a role that ACR does not have", "{\"mode\": \"create\", \"displayName\": \"a-name\", "
                        + "\"grants\": [{\"registryId\": \"REGISTRY\", \"role\": \"reader\"}]}",
                        List.of("grants[0].role")),
                Arguments.of("a grant's registryId that is no GUID", "{\"mode\": \"create\", \"displayName\": "
                        + "\"a-name\", \"grants\": [{\"registryId\": \"acr1\", \"role\": \"acrpull\"}]}",
                        List.of("grants[0].registryId")),
                Arguments.of("the same role twice on the same registry", "{\"mode\": \"create\", \"displayName\": "
                        + "\"a-name\", \"grants\": [{\"registryId\": \"REGISTRY\", \"role\": \"acrpull\"}, "
                        + "{\"registryId\": \"REGISTRY\", \"role\": \"acrpush\"}, "
                        + "{\"registryId\": \"REGISTRY\", \"role\": \"acrpull\"}]}", List.of("grants[2]")),
                Arguments.of("an unknown field", "{\"mode\": \"create\", \"displayName\": \"a-name\", "
                        + "\"clientSecret\": \"x\", \"grants\": " + grant + "}", List.of("clientSecret")),
                Arguments.of("every broken rule at once", "{\"mode\": \"create\", \"displayName\": \"\", "
                        + "\"passwordLifetime\": \"forever\", " + password + ", \"grants\": []}",
                        List.of("displayName", "passwordLifetime", "password", "grants")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidCreations")
    void refusesAnInvalidServicePrincipalAndStoresNothing(String rule, String body, List<String> fields)
            throws Exception {
        String before = snapshot();
        operator.post("/api/v1/service-principals", body.replace("REGISTRY", registryId.toString()))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEMS + "validation-failed"))
                .andExpect(jsonPath("$.errors[*].field", containsInAnyOrder(fields.toArray())))
                .andExpect(content().string(not(containsString(SECRET_MARKER))));
        assertThat(snapshot()).isEqualTo(before);
    }

    // ---- read and list --------------------------------------------------------------------------------------

    @Test
    void anUnknownPrincipalIsNotFound() throws Exception {
        Api.reader(mvc).get("/api/v1/service-principals/" + UUID.randomUUID())
                .andExpect(status().isNotFound())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEMS + "not-found"));
        Api.reader(mvc).get("/api/v1/service-principals/not-an-id")
                .andExpect(status().isNotFound())
                .andExpect(content().contentType("application/problem+json"));
    }

    @Test
    void listsPrincipalsByModeDisplayNameAppIdRegistryAndPhase() throws Exception {
        String name = "Acr-Pull-" + UUID.randomUUID();
        UUID created = idOf(settle(operator.post("/api/v1/service-principals", createBody(name))));
        // No principal has this appId in Entra ID: its adopt job fails.
        UUID appId = UUID.randomUUID();
        UUID adopted = idOf(settleFailed(admin.post("/api/v1/service-principals", """
                        {"mode": "adopt", "appId": "%s", "password": "%s", "grants": [{"registryId": "%s", "role": "acrpull"}]}"""
                        .formatted(appId, secret(), registryId)), "service-principal-not-found"));
        UUID elsewhere = newRegistry();
        UUID other = idOf(settle(operator.post("/api/v1/service-principals", """
                        {"mode": "create", "displayName": "other-%s", "grants": [{"registryId": "%s", "role": "acrpull"}]}"""
                        .formatted(UUID.randomUUID(), elsewhere))));
        UUID pending = idOf(settle(operator.post("/api/v1/service-principals",
                createBody("pending-" + UUID.randomUUID()))));
        jdbc.sql("update service_principals set phase = 'Pending' where id = ?").param(pending).update();

        Api reader = Api.reader(mvc);
        assertThat(ids(reader, "?registryId=" + registryId)).containsExactly(created, adopted, pending);
        assertThat(ids(reader, "?registryId=" + elsewhere)).containsExactly(other);
        assertThat(ids(reader, "?registryId=" + registryId + "&mode=adopt")).containsExactly(adopted);
        assertThat(ids(reader, "?registryId=" + registryId + "&mode=create")).containsExactly(created, pending);
        assertThat(ids(reader, "?displayName=" + name.toLowerCase())).containsExactly(created);
        assertThat(ids(reader, "?appId=" + appId)).containsExactly(adopted);
        assertThat(ids(reader, "?registryId=" + registryId + "&phase=Ready")).containsExactly(created);
        assertThat(ids(reader, "?registryId=" + registryId + "&phase=Failed")).containsExactly(adopted);
        assertThat(ids(reader, "?registryId=" + registryId + "&phase=Pending")).containsExactly(pending);
        reader.get("/api/v1/service-principals?mode=imported")
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEMS + "validation-failed"))
                .andExpect(jsonPath("$.errors[0].field").value("mode"));
    }

    @Test
    void pagesOfOneWalkEveryPrincipalOnce() throws Exception {
        List<UUID> created = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            created.add(idOf(settle(operator.post("/api/v1/service-principals",
                    createBody("page-" + UUID.randomUUID())))));
        }
        List<UUID> seen = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            MvcResult page = Api.reader(mvc).get("/api/v1/service-principals?limit=1&registryId=" + registryId
                            + (token == null ? "" : "&pageToken=" + token))
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.items", hasSize(1)))
                    .andReturn();
            String json = page.getResponse().getContentAsString();
            seen.add(UUID.fromString(JsonPath.read(json, "$.items[0].id")));
            token = JsonPath.<List<String>>read(json, "$..nextPageToken").stream().findFirst().orElse(null);
            pages++;
        } while (token != null && pages < 10);
        assertThat(seen).containsExactlyElementsOf(created);
        Api.reader(mvc).get("/api/v1/service-principals?limit=0")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("limit"));
        Api.reader(mvc).get("/api/v1/service-principals?pageToken=garbage")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("pageToken"));
    }

    // ---- update ---------------------------------------------------------------------------------------------

    @Test
    void changingTheGrantsKeepsTheOnesHeldRevokesTheOthersAndPutsThePrincipalBackToPending() throws Exception {
        UUID second = newRegistry();
        String location = settle(admin.post("/api/v1/service-principals", """
                        {"mode": "create", "displayName": "grants-%s",
                         "grants": [{"registryId": "%s", "role": "acrpull"}, {"registryId": "%s", "role": "acrpush"}]}"""
                        .formatted(UUID.randomUUID(), registryId, registryId)));
        UUID id = idOf(location);
        MockHttpServletResponse ready = Api.reader(mvc).get(location)
                .andExpect(jsonPath("$.status.phase").value("Ready"))
                .andReturn().getResponse();
        String etag = ready.getHeader("ETag");
        String keptGrantId = JsonPath.read(ready.getContentAsString(), "$.grants[0].id");
        String keptAssignment = JsonPath.read(ready.getContentAsString(), "$.grants[0].status.roleAssignmentId");
        String revokedAssignment = JsonPath.read(ready.getContentAsString(), "$.grants[1].status.roleAssignmentId");

        MockHttpServletResponse patched = admin.perform(Api.jsonPatch(location, """
                        {"grants": [{"registryId": "%s", "role": "acrpull"}, {"registryId": "%s", "role": "owner"}]}"""
                        .formatted(registryId, second)).header("If-Match", etag))
                .andExpect(status().isAccepted())
                .andExpect(header().string("Location", location))
                .andExpect(header().string("ETag", not(etag)))
                .andExpect(jsonPath("$.status.phase").value("Pending"))
                .andExpect(jsonPath("$.grants", hasSize(2)))
                .andExpect(jsonPath("$.grants[0].id").value(keptGrantId))
                .andExpect(jsonPath("$.grants[0].status.phase").value("Ready"))
                .andExpect(jsonPath("$.grants[0].status.roleAssignmentId").value(keptAssignment))
                .andExpect(jsonPath("$.grants[1].registryId").value(second.toString()))
                .andExpect(jsonPath("$.grants[1].role").value("owner"))
                .andExpect(jsonPath("$.grants[1].status.phase").value("Pending"))
                .andExpect(jsonPath("$.revokingGrants", hasSize(1)))
                .andExpect(jsonPath("$.revokingGrants[0].role").value("acrpush"))
                .andExpect(jsonPath("$.revokingGrants[0].status.phase").value("Deleting"))
                .andExpect(jsonPath("$.revokingGrants[0].status.roleAssignmentId").value(revokedAssignment))
                .andReturn().getResponse();
        assertThat(auditDetail("service-principal.update", id)).contains("owner").doesNotContain("acrpush");

        Principals.awaitJob(jdbc, Registries.jobOf(patched), "succeeded");
        assertThat(jdbc.sql("select role from service_principal_grants where service_principal_id = ? order by position")
                .param(id).query(String.class).list()).containsExactly("acrpull", "owner");
        Api.reader(mvc).get(location)
                .andExpect(jsonPath("$.status.phase").value("Ready"))
                .andExpect(jsonPath("$.grants[1].status.phase").value("Ready"))
                .andExpect(jsonPath("$.revokingGrants", hasSize(0)));
    }

    @Test
    void changingOnlyThePasswordLifetimeAnswersOkAndLeavesThePhase() throws Exception {
        String location = settle(operator.post("/api/v1/service-principals", createBody("life-" + UUID.randomUUID())));
        long version = version(location);
        String changed = "\"" + (version + 1) + "\"";
        operator.patch(location, "{\"passwordLifetime\": \"P90D\"}")
                .andExpect(status().isOk())
                .andExpect(header().string("ETag", changed))
                .andExpect(header().doesNotExist("Operation-Location"))
                .andExpect(jsonPath("$.passwordLifetime").value("P90D"))
                .andExpect(jsonPath("$.status.phase").value("Ready"));
        // an empty patch changes nothing, not even the ETag
        operator.patch(location, "{}").andExpect(status().isOk()).andExpect(header().string("ETag", changed));
    }

    @Test
    void reorderingTheGrantsAnswersOk() throws Exception {
        UUID second = newRegistry();
        String location = settle(operator.post("/api/v1/service-principals", """
                        {"mode": "create", "displayName": "order-%s",
                         "grants": [{"registryId": "%s", "role": "acrpull"}, {"registryId": "%s", "role": "acrpull"}]}"""
                        .formatted(UUID.randomUUID(), registryId, second)));
        operator.patch(location, """
                        {"grants": [{"registryId": "%s", "role": "acrpull"}, {"registryId": "%s", "role": "acrpull"}]}"""
                        .formatted(second, registryId))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.grants[0].registryId").value(second.toString()));
    }

    @ParameterizedTest(name = "{0} is immutable")
    @ValueSource(strings = {"mode", "displayName", "appId", "objectId", "tenantId"})
    void identifyingFieldsCannotChange(String field) throws Exception {
        String location = settle(admin.post("/api/v1/service-principals", adoptBody(UUID.randomUUID(), null, secret())));
        String before = snapshot();
        operator.patch(location, "{\"" + field + "\": \"" + UUID.randomUUID() + "\"}")
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEMS + "validation-failed"))
                .andExpect(jsonPath("$.errors[0].field").value(field))
                .andExpect(jsonPath("$.errors[0].message", containsString("immutable")));
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void thePasswordIsReplacedByRotationNotByPatch() throws Exception {
        String location = settle(admin.post("/api/v1/service-principals", adoptBody(UUID.randomUUID(), null, secret())));
        String before = snapshot();
        operator.patch(location, "{\"password\": \"" + SECRET_MARKER + "-new\", \"passwordExpiresAt\": "
                        + "\"2999-01-01T00:00:00Z\"}")
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEMS + "validation-failed"))
                .andExpect(jsonPath("$.errors[*].field", containsInAnyOrder("password", "passwordExpiresAt")))
                .andExpect(jsonPath("$.errors[0].message", containsString(":rotate")))
                .andExpect(content().string(not(containsString(SECRET_MARKER))));
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void anAdoptedPrincipalHasNoPasswordLifetimeToChange() throws Exception {
        String location = settle(admin.post("/api/v1/service-principals", adoptBody(UUID.randomUUID(), null, secret())));
        operator.patch(location, "{\"passwordLifetime\": \"P90D\"}")
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEMS + "validation-failed"))
                .andExpect(jsonPath("$.errors[0].field").value("passwordLifetime"));
    }

    @Test
    void invalidGrantsInAPatchChangeNothing() throws Exception {
        String location = settle(operator.post("/api/v1/service-principals", createBody("patch-" + UUID.randomUUID())));
        String before = snapshot();
        operator.patch(location, """
                        {"grants": [{"registryId": "%s", "role": "acrpull"}, {"registryId": "%s", "role": "acrpull"}],
                         "passwordLifetime": "P9999D"}""".formatted(registryId, registryId))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEMS + "validation-failed"))
                .andExpect(jsonPath("$.errors[*].field", containsInAnyOrder("grants[1]", "passwordLifetime")));
        operator.patch(location, "{\"grants\": []}")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("grants"));
        operator.patch(location, """
                        {"grants": [{"registryId": "%s", "role": "acrpull"}]}""".formatted(UUID.randomUUID()))
                .andExpect(status().isUnprocessableContent())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEMS + "unknown-reference"))
                .andExpect(jsonPath("$.errors[0].field").value("grants[0].registryId"));
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void aStaleIfMatchIsRefusedOnPatchAndDelete() throws Exception {
        String location = settle(operator.post("/api/v1/service-principals", createBody("etag-" + UUID.randomUUID())));
        long version = version(location);
        String stale = "\"" + version + "\"";
        String current = "\"" + (version + 1) + "\"";
        operator.patch(location, "{\"passwordLifetime\": \"P30D\"}").andExpect(header().string("ETag", current));
        String before = snapshot();
        operator.perform(Api.jsonPatch(location, "{\"passwordLifetime\": \"P60D\"}").header("If-Match", stale))
                .andExpect(status().isPreconditionFailed())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEMS + "precondition-failed"));
        operator.perform(Api.deleteRequest(location).header("If-Match", stale))
                .andExpect(status().isPreconditionFailed())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEMS + "precondition-failed"));
        assertThat(snapshot()).isEqualTo(before);
        UUID job = DeleteJobs.accepted(operator.perform(Api.deleteRequest(location).header("If-Match", current))
                .andExpect(header().string("ETag", "\"" + (version + 2) + "\"")));
        DeleteJobs.awaitSucceeded(jdbc, job);
        Api.reader(mvc).get(location).andExpect(status().isNotFound());
    }

    @Test
    void patchingAnUnknownPrincipalIsNotFound() throws Exception {
        operator.patch("/api/v1/service-principals/" + UUID.randomUUID(), "{\"passwordLifetime\": \"P30D\"}")
                .andExpect(status().isNotFound())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEMS + "not-found"));
    }

    // ---- delete ---------------------------------------------------------------------------------------------

    @Test
    void deletesAPrincipalWithItsGrants() throws Exception {
        String name = "gone-" + UUID.randomUUID();
        String location = settle(operator.post("/api/v1/service-principals", createBody(name)));
        UUID id = idOf(location);
        UUID job = DeleteJobs.accepted(operator.perform(Api.deleteRequest(location)
                .header("If-Match", "\"" + version(location) + "\"")));
        DeleteJobs.awaitSucceeded(jdbc, job);
        assertThat(jdbc.sql("select count(*) from service_principals where id = ?").param(id).query(Long.class)
                .single()).isZero();
        Api.reader(mvc).get(location).andExpect(status().isNotFound());
        assertThat(jdbc.sql("select count(*) from service_principal_grants where service_principal_id = ?")
                .param(id).query(Long.class).single()).isZero();
        assertThat(auditDetail("service-principal.delete", id)).contains(name);
        operator.delete(location).andExpect(status().isNotFound());
    }

    @Test
    void aPrincipalThatABindingUsesCannotBeDeleted() throws Exception {
        String location = settle(admin.post("/api/v1/service-principals", adoptBody(UUID.randomUUID(), null, secret())));
        UUID id = idOf(location);
        UUID binding = UUID.randomUUID();
        when(bindings.referencesTo("service-principal", id)).thenReturn(List.of(new Reference("binding", binding)));
        String before = snapshot();
        operator.delete(location)
                .andExpect(status().isConflict())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEMS + "resource-in-use"))
                .andExpect(jsonPath("$.references", hasSize(1)))
                .andExpect(jsonPath("$.references[0].kind").value("binding"))
                .andExpect(jsonPath("$.references[0].id").value(binding.toString()));
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void aRegistryThatAPrincipalHoldsARoleOnCannotBeDeleted() throws Exception {
        String displayName = "hold-" + UUID.randomUUID();
        UUID first = idOf(settle(operator.post("/api/v1/service-principals", createBody(displayName))));
        // No principal has this appId in Entra ID: its adopt job fails, and it keeps no display name of Entra's.
        UUID appId = UUID.randomUUID();
        String second = settleFailed(admin.post("/api/v1/service-principals", """
                        {"mode": "adopt", "appId": "%s", "password": "%s", "grants": [{"registryId": "%s", "role": "acrpull"}]}"""
                        .formatted(appId, secret(), registryId)), "service-principal-not-found");
        operator.delete("/api/v1/registries/" + registryId)
                .andExpect(status().isConflict())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEMS + "resource-in-use"))
                .andExpect(jsonPath("$.references[*].kind", containsInAnyOrder("service-principal", "service-principal")))
                .andExpect(jsonPath("$.references[*].id", containsInAnyOrder(first.toString(),
                        idOf(second).toString())))
                // An adopted principal without a display name is named by its application id.
                .andExpect(jsonPath("$.references[*].name", containsInAnyOrder(displayName, appId.toString())));
        assertThat(jdbc.sql("select count(*) from registries where id = ?").param(registryId)
                .query(Long.class).single()).isOne();

        // The grants hold the registry until the principals' delete jobs have removed them.
        UUID firstJob = DeleteJobs.accepted(operator.delete("/api/v1/service-principals/" + first));
        UUID secondJob = DeleteJobs.accepted(operator.delete(second));
        DeleteJobs.awaitSucceeded(jdbc, firstJob);
        DeleteJobs.awaitSucceeded(jdbc, secondJob);
        UUID registryJob = DeleteJobs.accepted(operator.delete("/api/v1/registries/" + registryId));
        DeleteJobs.awaitSucceeded(jdbc, registryJob);
        assertThat(jdbc.sql("select count(*) from registries where id = ?").param(registryId)
                .query(Long.class).single()).isZero();
        Api.reader(mvc).get("/api/v1/registries/" + registryId).andExpect(status().isNotFound());
    }

    // ---- security -------------------------------------------------------------------------------------------

    @Test
    void aReaderMayReadButNotChangePrincipals() throws Exception {
        String location = settle(operator.post("/api/v1/service-principals", createBody("ro-" + UUID.randomUUID())));
        Api reader = Api.reader(mvc);
        String before = snapshot();
        forbidden(reader.post("/api/v1/service-principals", createBody("ro-" + UUID.randomUUID())));
        forbidden(reader.patch(location, "{\"passwordLifetime\": \"P30D\"}"));
        forbidden(reader.delete(location));
        assertThat(snapshot()).isEqualTo(before);
        reader.get("/api/v1/service-principals").andExpect(status().isOk());
        reader.get(location).andExpect(status().isOk());
    }

    @Test
    void anOperatorMayGrantOnlyAcrpullAndNeverAdoptWhileAnAdminMayDoBoth() throws Exception {
        String before = snapshot();
        for (String role : List.of("acrpush", "owner")) {
            forbidden(operator.post("/api/v1/service-principals", grantsBody("op-" + role + "-" + UUID.randomUUID(),
                    "acrpull", role)))
                    .andExpect(jsonPath("$.detail", containsString("granting " + role + " on a registry is reserved "
                            + "to Admin")))
                    .andExpect(jsonPath("$.detail", containsString("Operators may grant only acrpull "
                            + "(pullbridge.security.operator-grantable-roles)")));
        }
        forbidden(operator.post("/api/v1/service-principals", adoptBody(UUID.randomUUID(), null, secret())))
                .andExpect(jsonPath("$.detail", containsString("adopting a service principal is reserved to Admin")))
                .andExpect(content().string(not(containsString(SECRET_MARKER))));
        assertThat(snapshot()).isEqualTo(before);
        assertThat(jdbc.sql("select count(*) from audit_events where action = 'POST /api/v1/service-principals' "
                        + "and outcome = 'denied' and http_status = 403 and actor = 'user-operator'")
                .query(Long.class).single()).isGreaterThanOrEqualTo(3);

        settle(operator.post("/api/v1/service-principals", createBody("op-pull-" + UUID.randomUUID()))
                .andExpect(status().isAccepted()));
        settle(admin.post("/api/v1/service-principals", grantsBody("admin-" + UUID.randomUUID(), "acrpush", "owner"))
                .andExpect(status().isAccepted()));
        settle(admin.post("/api/v1/service-principals", adoptBody(UUID.randomUUID(), null, secret()))
                .andExpect(status().isAccepted()));
    }

    @Test
    void aPatchThatAddsAGrantBeyondAcrpullIsAdminsButOneThatKeepsOrDropsItIsAnOperators() throws Exception {
        String location = settle(admin.post("/api/v1/service-principals",
                grantsBody("held-" + UUID.randomUUID(), "acrpull", "acrpush")));
        UUID second = newRegistry();

        String before = snapshot();
        forbidden(operator.patch(location, """
                        {"grants": [{"registryId": "%s", "role": "acrpull"}, {"registryId": "%s", "role": "acrpush"},
                                    {"registryId": "%s", "role": "owner"}]}""".formatted(registryId, registryId, second)))
                .andExpect(jsonPath("$.detail", containsString("granting owner")));
        // acrpush on another registry is another grant, even though the principal holds acrpush here.
        forbidden(operator.patch(location, """
                        {"grants": [{"registryId": "%s", "role": "acrpull"}, {"registryId": "%s", "role": "acrpush"},
                                    {"registryId": "%s", "role": "acrpush"}]}""".formatted(registryId, registryId, second)))
                .andExpect(jsonPath("$.detail", containsString("granting acrpush")));
        assertThat(snapshot()).isEqualTo(before);

        // Keeping acrpush as it is, while adding acrpull elsewhere: nothing new beyond acrpull.
        settle(operator.patch(location, """
                        {"grants": [{"registryId": "%s", "role": "acrpush"}, {"registryId": "%s", "role": "acrpull"},
                                    {"registryId": "%s", "role": "acrpull"}]}""".formatted(registryId, registryId, second))
                .andExpect(status().isAccepted()));
        // Dropping it.
        settle(operator.patch(location, """
                        {"grants": [{"registryId": "%s", "role": "acrpull"}]}""".formatted(registryId))
                .andExpect(status().isAccepted()));
        // Asking for it back is adding it again.
        forbidden(operator.patch(location, """
                        {"grants": [{"registryId": "%s", "role": "acrpull"}, {"registryId": "%s", "role": "acrpush"}]}"""
                        .formatted(registryId, registryId)));
        settle(admin.patch(location, """
                        {"grants": [{"registryId": "%s", "role": "acrpull"}, {"registryId": "%s", "role": "owner"}]}"""
                        .formatted(registryId, second))
                .andExpect(status().isAccepted()));
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private String grantsBody(String displayName, String... roles) {
        return """
                {"mode": "create", "displayName": "%s", "grants": [%s]}""".formatted(displayName,
                Arrays.stream(roles).map(role -> "{\"registryId\": \"" + registryId + "\", \"role\": \"" + role + "\"}")
                        .collect(Collectors.joining(", ")));
    }

    /** Waits for the job the accepted answer started, so the principal stays still; returns its location. */
    /** Checks the 202 answer and waits for the job it started to succeed; returns the principal's location. */
    private String settle(ResultActions accepted) throws Exception {
        Principals.Accepted principal = Principals.accepted(accepted);
        Principals.awaitJob(jdbc, principal.job(), "succeeded");
        return principal.location();
    }

    /** Checks the 202 answer and waits for the job it started to fail with the problem {@code slug}. */
    private String settleFailed(ResultActions accepted, String slug) throws Exception {
        Principals.Accepted principal = Principals.accepted(accepted);
        assertThat(Principals.awaitJob(jdbc, principal.job(), "failed")).contains(PROBLEMS + slug);
        return principal.location();
    }

    private long version(String location) {
        return jdbc.sql("select version from service_principals where id = ?").param(idOf(location))
                .query(Long.class).single();
    }

    private static ResultActions forbidden(ResultActions result) throws Exception {
        return result.andExpect(status().isForbidden())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEMS + "forbidden"));
    }

    /** A registry that exists in Azure, registered and read by its create job, as a grant's target. */
    private UUID newRegistry() throws Exception {
        return Registries.registered(mvc, jdbc).id();
    }

    private String createBody(String displayName) {
        return """
                {"mode": "create", "displayName": "%s", "grants": [{"registryId": "%s", "role": "acrpull"}]}"""
                .formatted(displayName, registryId);
    }

    /**
     * Adopts a principal: in PullBridge's tenant (no {@code tenantId}, or the default one) one the emulated Entra ID
     * knows, with {@code password} among its application's, so the adopt job succeeds; in another tenant, which the
     * emulator does not serve, by its appId alone.
     */
    private String adoptBody(UUID appId, UUID tenantId, String password) {
        boolean here = tenantId == null || tenantId.toString().equals(DEFAULT_TENANT);
        return """
                {"mode": "adopt", "appId": "%s", %s%s"password": "%s",
                 "grants": [{"registryId": "%s", "role": "acrpull"}]}"""
                .formatted(appId, here ? "\"objectId\": \"" + knownToEntra(appId, password).id() + "\", " : "",
                        tenantId == null ? "" : "\"tenantId\": \"" + tenantId + "\", ", password, registryId);
    }

    /** The emulated Entra ID's principal of this application (made on first use), which now takes this password. */
    private static GraphServicePrincipal knownToEntra(UUID appId, String password) {
        AzureEmulator entra = AzureEmulator.shared();
        GraphServicePrincipal principal = entra.servicePrincipalByAppId(appId.toString()).orElseGet(() ->
                entra.addServicePrincipal("adopted-" + appId, appId.toString(), UUID.randomUUID().toString()));
        entra.addPassword(principal, password, Instant.parse("2999-01-01T00:00:00Z"));
        return principal;
    }

    private static String secret() {
        return SECRET_MARKER + "~" + UUID.randomUUID();
    }

    private List<UUID> ids(Api api, String query) throws Exception {
        String json = api.get("/api/v1/service-principals" + query)
                .andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        return JsonPath.<List<String>>read(json, "$.items[*].id").stream().map(UUID::fromString).toList();
    }

    private String auditDetail(String action, UUID id) {
        return jdbc.sql("select detail from audit_events where action = ? and resource_id = ? and outcome = 'success'")
                .param(action).param(id.toString()).query(String.class).single();
    }

    /** Every stored principal and grant, to prove a refused request changed nothing. */
    private String snapshot() {
        return jdbc.sql("""
                        select coalesce((select string_agg(row_to_json(p)::text, ',' order by p.id) from service_principals p), '')
                            || '|' || coalesce((select string_agg(row_to_json(g)::text, ',' order by g.id)
                                                from service_principal_grants g), '')""")
                .query(String.class).single();
    }

    private static UUID idOf(String location) {
        return UUID.fromString(location.substring(location.lastIndexOf('/') + 1));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
