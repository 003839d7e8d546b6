package io.pullbridge.registries;

import com.jayway.jsonpath.JsonPath;
import io.pullbridge.common.PullCredential;
import io.pullbridge.crypto.SecretCipher;
import io.pullbridge.jobs.JobRequest;
import io.pullbridge.jobs.JobService;
import io.pullbridge.support.Api;
import io.pullbridge.support.DeleteJobs;
import io.pullbridge.support.IntegrationTest;
import io.pullbridge.support.Registries;
import io.pullbridge.support.SecretForms;
import io.pullbridge.support.TestPlatform;
import io.pullbridge.support.azure.AzureEmulator;
import io.pullbridge.support.azure.EmulatedRegistry;
import io.pullbridge.support.azure.RecordedRequest;
import io.pullbridge.support.azure.TokenPassword;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Registry tokens against the Azure emulator, through the real SDK: the scope map, token and password calls their jobs
 * make, rotation through both password slots, delete, and how Azure's refusals surface. Nothing else uses the
 * registry of a test (it lives in a subscription of its own), so the calls made on it are exactly the token's.
 */
@IntegrationTest
@ExtendWith(OutputCaptureExtension.class)
class RegistryTokenAzureIntegrationTests {

    private static final String PROBLEMS = "https://pullbridge.io/problems/";
    private static final String API_VERSION = "?api-version=2025-11-01";

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    SecretCipher cipher;

    @Autowired
    RegistryTokenService tokenService;

    @Autowired
    RegistryTokenAutoRotation autoRotation;

    @Autowired
    RegistryTokenStore store;

    @Autowired
    JobService jobService;

    @Autowired
    TransactionTemplate tx;

    final AzureEmulator azure = AzureEmulator.shared();

    Api operator;
    String resourceId;
    EmulatedRegistry registry;
    UUID registryId;
    String tokens;

    @BeforeEach
    void registry() throws Exception {
        operator = Api.operator(mvc);
        resourceId = Registries.seeded();
        registryId = Registries.registered(mvc, jdbc, resourceId).id();
        registry = azure.registry(resourceId).orElseThrow();
        tokens = "/api/v1/registries/" + registryId + "/tokens";
    }

    @Test
    void anAcrErrorThatQuotesTheTokensCurrentPasswordShowsNoFormOfItInJobsTokensAuditOrLogs(CapturedOutput output)
            throws Exception {
        // A change of repositories: ACR refuses the scope map quoting the password the token has now.
        String changed = TokenFixtures.created(operator, jdbc, registryId, TokenFixtures.body("echo-change"));
        String changedPassword = registry.token("echo-change").password("password1").value();
        azure.failNext(1, "PUT", "scopeMaps/echo-change-scope-map", 403, "AuthorizationFailed",
                echo(changedPassword));
        UUID change = jobOf(Api.admin(mvc).patch(changed, """
                        {"repositories": {"team-b/app": ["content/read"]}}""")
                .andExpect(status().isAccepted()).andReturn().getResponse().getHeader("Operation-Location"));
        assertThat(TokenFixtures.awaitEnded(jdbc, change)).isEqualTo("failed");
        assertThat(TokenFixtures.lastError(jdbc, change)).contains("secret '(redacted)'");

        // A rotation: ACR refuses the new password quoting the current one.
        String rotated = TokenFixtures.created(operator, jdbc, registryId, TokenFixtures.body("echo-rotate"));
        String rotatedPassword = registry.token("echo-rotate").password("password1").value();
        azure.failNext(1, "POST", "generateCredentials", 403, "AuthorizationFailed", echo(rotatedPassword));
        UUID rotation = jobOf(operator.post(rotated + ":rotate", "").andExpect(status().isAccepted())
                .andReturn().getResponse().getHeader("Operation-Location"));
        assertThat(TokenFixtures.awaitEnded(jdbc, rotation)).isEqualTo("failed");
        assertThat(TokenFixtures.lastError(jdbc, rotation)).contains("secret '(redacted)'");

        List<String> texts = new java.util.ArrayList<>(SecretForms.recorded(jdbc));
        for (String location : List.of(changed, rotated, "/api/v1/jobs/" + change, "/api/v1/jobs/" + rotation)) {
            texts.add(Api.reader(mvc).get(location).andReturn().getResponse().getContentAsString());
        }
        texts.add(output.getAll());
        SecretForms.assertNoneIn("answers, rows and logs", texts, changedPassword, rotatedPassword);
    }

    private static UUID jobOf(String operationLocation) {
        return UUID.fromString(operationLocation.substring(operationLocation.lastIndexOf('/') + 1));
    }

    /** What a service that echoes the secret it knows says: as is, base64- and URL-encoded. */
    private static String echo(String secret) {
        return "The client with secret '" + secret + "' (" + java.util.Base64.getEncoder().encodeToString(
                secret.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + ", " + java.net.URLEncoder.encode(secret,
                java.nio.charset.StandardCharsets.UTF_8) + ") does not have authorization to perform this action";
    }

    // ---- create

    @Test
    void aCreatedTokenGetsItsScopeMapATokenOnItAndPassword1WithItsExpiry() throws Exception {
        MockHttpServletResponse created = operator.post(tokens, """
                        {"name": "team-a-pull", "repositories": {"team-a/*": ["content/read", "metadata/read"],
                         "shared/base": ["content/read"]}, "passwordLifetime": "P30D"}""")
                .andExpect(status().isAccepted())
                .andExpect(header().string("Operation-Location", startsWith("/api/v1/jobs/")))
                .andExpect(jsonPath("$.credential.set").value(false))
                .andReturn().getResponse();
        String location = created.getHeader("Location");
        UUID job = Registries.jobOf(created);
        TokenFixtures.awaitSucceeded(jdbc, job);

        assertThat(tokenCalls()).containsExactly(
                "PUT " + resourceId + "/scopeMaps/team-a-pull-scope-map" + API_VERSION,
                "PUT " + resourceId + "/tokens/team-a-pull" + API_VERSION,
                "POST " + resourceId + "/generateCredentials" + API_VERSION);
        assertThat(registry.scopeMap("team-a-pull-scope-map").actions()).containsExactly(
                "repositories/shared/base/content/read",
                "repositories/team-a/*/content/read",
                "repositories/team-a/*/metadata/read");
        assertThat(registry.token("team-a-pull").scopeMapId())
                .isEqualTo(resourceId + "/scopeMaps/team-a-pull-scope-map");
        assertThat(registry.token("team-a-pull").status()).isEqualTo("enabled");
        TokenPassword password1 = registry.token("team-a-pull").password("password1");
        assertThat(registry.token("team-a-pull").passwords()).extracting(TokenPassword::name)
                .containsExactly("password1");
        assertThat(tokenRequests().get(2).body())
                .contains("\"tokenId\":\"" + resourceId + "/tokens/team-a-pull\"")
                .contains("\"name\":\"password1\"")
                .contains("\"expiry\":\"" + password1.expiry() + "\"");

        String json = Api.reader(mvc).get(location)
                .andExpect(jsonPath("$.status.phase").value("Ready"))
                .andExpect(jsonPath("$.status.jobId").value(job.toString()))
                .andExpect(jsonPath("$.credential.set").value(true))
                .andExpect(jsonPath("$.credential.slot").value("password1"))
                .andExpect(jsonPath("$.credential.retiringSlot").value(nullValue()))
                .andExpect(jsonPath("$.credential.expiresAt").value(password1.expiry().toString()))
                .andExpect(jsonPath("$.credential.fingerprint").value(cipher.fingerprint(password1.value())))
                .andReturn().getResponse().getContentAsString();
        Instant createdAt = Instant.parse(JsonPath.read(json, "$.credential.createdAt"));
        assertThat(password1.expiry()).isEqualTo(createdAt.plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS));
        Api.reader(mvc).get("/api/v1/jobs/" + job)
                .andExpect(jsonPath("$.type").value("registry-token.create"))
                .andExpect(jsonPath("$.steps[*].name", contains("put-scope-map", "put-token", "generate-password")))
                .andExpect(jsonPath("$.steps[0].detail").value("scope map team-a-pull-scope-map: 2 repositories, "
                        + "3 actions"));

        PullCredential credential = tokenService.pullCredential(TokenFixtures.idOf(location)).orElseThrow();
        assertThat(credential.username()).isEqualTo("team-a-pull");
        assertThat(credential.password()).isEqualTo(password1.value());
        assertThat(credential.fingerprint()).isEqualTo(cipher.fingerprint(password1.value()));
        assertThat(credential.expiresAt()).isEqualTo(password1.expiry());
        assertThat(credential.toString()).doesNotContain(password1.value());
        assertNowhere(password1.value(), location);
    }

    @Test
    void changedRepositoriesPutTheScopeMapAgainWithoutASecondPassword() throws Exception {
        String location = TokenFixtures.created(operator, jdbc, registryId, TokenFixtures.body("team-b-pull"));
        String password1 = registry.token("team-b-pull").password("password1").value();
        int before = tokenCalls().size();

        String job = Api.admin(mvc).patch(location, """
                        {"repositories": {"team-b/app": ["content/read", "content/write"]}}""")
                .andExpect(status().isAccepted())
                .andReturn().getResponse().getHeader("Operation-Location");
        TokenFixtures.awaitSucceeded(jdbc, UUID.fromString(job.substring(job.lastIndexOf('/') + 1)));

        assertThat(tokenCalls().subList(before, tokenCalls().size())).containsExactly(
                "PUT " + resourceId + "/scopeMaps/team-b-pull-scope-map" + API_VERSION,
                "PUT " + resourceId + "/tokens/team-b-pull" + API_VERSION);
        assertThat(registry.scopeMap("team-b-pull-scope-map").actions())
                .containsExactly("repositories/team-b/app/content/read", "repositories/team-b/app/content/write");
        assertThat(registry.token("team-b-pull").password("password1").value()).isEqualTo(password1);
        Api.reader(mvc).get(job)
                .andExpect(jsonPath("$.steps[2].name").value("generate-password"))
                .andExpect(jsonPath("$.steps[2].detail", startsWith("password1 is already stored")));
        Api.reader(mvc).get(location)
                .andExpect(jsonPath("$.status.phase").value("Ready"))
                .andExpect(jsonPath("$.credential.fingerprint").value(cipher.fingerprint(password1)));
    }

    // ---- rotation

    @Test
    void rotationGoesThroughPassword2ThenPassword1RetiringTheOtherSlot() throws Exception {
        String location = TokenFixtures.created(operator, jdbc, registryId, TokenFixtures.body("rotating"));
        UUID id = TokenFixtures.idOf(location);
        String first = registry.token("rotating").password("password1").value();
        int before = tokenCalls().size();

        Api.reader(mvc).get(location).andExpect(jsonPath("$.credential.slot").value("password1"));
        MockHttpServletResponse accepted = operator.post(location + ":rotate", "")
                .andExpect(status().isAccepted())
                .andExpect(header().string("Operation-Location", startsWith("/api/v1/jobs/")))
                .andExpect(jsonPath("$.type").value("registry-token.rotate"))
                .andExpect(jsonPath("$.target.id").value(id.toString()))
                .andReturn().getResponse();
        UUID job = Registries.jobOf(accepted);
        assertThat(accepted.getHeader("Location")).isEqualTo("/api/v1/jobs/" + job);
        assertThat(JsonPath.<String>read(accepted.getContentAsString(), "$.id")).isEqualTo(job.toString());
        TokenFixtures.awaitSucceeded(jdbc, job);

        List<RecordedRequest> rotation = tokenRequests().subList(before, tokenRequests().size());
        assertThat(rotation).extracting(RecordedRequest::line).containsExactly(
                "POST " + resourceId + "/generateCredentials" + API_VERSION,
                "POST " + resourceId + "/generateCredentials" + API_VERSION);
        assertThat(rotation.get(0).body()).contains("\"name\":\"password2\"");
        assertThat(rotation.get(1).body()).contains("\"name\":\"password1\"");
        String second = registry.token("rotating").password("password2").value();
        assertThat(registry.token("rotating").password("password1").value()).isNotEqualTo(first);
        assertThat(tokenService.pullCredential(id)).map(PullCredential::password).contains(second);
        Api.reader(mvc).get(location)
                .andExpect(jsonPath("$.status.phase").value("Ready"))
                .andExpect(jsonPath("$.credential.slot").value("password2"))
                .andExpect(jsonPath("$.credential.retiringSlot").value(nullValue()))
                .andExpect(jsonPath("$.credential.fingerprint").value(cipher.fingerprint(second)));
        Api.reader(mvc).get("/api/v1/jobs/" + job)
                .andExpect(jsonPath("$.type").value("registry-token.rotate"))
                .andExpect(jsonPath("$.steps[*].name", contains("generate-password", "wait-for-users",
                        "retire-password")))
                .andExpect(jsonPath("$.steps[1].detail").value("every user holds the new password"));
        assertThat(audit(id)).containsSubsequence("registry-token.rotate", "registry-token.password-generated",
                "registry-token.password-retired");

        int afterFirst = tokenCalls().size();
        Api.reader(mvc).get(location).andExpect(jsonPath("$.credential.slot").value("password2"));
        UUID again = Registries.jobOf(operator.post(location + ":rotate", "")
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.type").value("registry-token.rotate"))
                .andReturn().getResponse());
        TokenFixtures.awaitSucceeded(jdbc, again);
        List<RecordedRequest> next = tokenRequests().subList(afterFirst, tokenRequests().size());
        assertThat(next).hasSize(2);
        assertThat(next.get(0).body()).contains("\"name\":\"password1\"");
        assertThat(next.get(1).body()).contains("\"name\":\"password2\"");
        String third = registry.token("rotating").password("password1").value();
        assertThat(registry.token("rotating").password("password2").value()).isNotEqualTo(second);
        Api.reader(mvc).get(location)
                .andExpect(jsonPath("$.credential.slot").value("password1"))
                .andExpect(jsonPath("$.credential.fingerprint").value(cipher.fingerprint(third)));
        assertNowhere(second, location);
        assertNowhere(third, location);
    }

    @Test
    void aPasswordPastItsShareOfItsLifetimeIsRotatedAutomatically() throws Exception {
        String location = TokenFixtures.created(operator, jdbc, registryId, """
                {"name": "auto-rotated", "repositories": {"app": ["content/read"]}, "passwordLifetime": "P30D"}""");
        UUID id = TokenFixtures.idOf(location);
        assertThat(autoRotation.reconcileRequests()).extracting(JobRequest::targetId).doesNotContain(id);

        // 25 of 30 days have passed: beyond 0.8 of the lifetime.
        Instant now = Instant.now();
        jdbc.sql("update registry_tokens set credential_created_at = ?, credential_expires_at = ? where id = ?")
                .params(Timestamp.from(now.minus(Duration.ofDays(25))), Timestamp.from(now.plus(Duration.ofDays(5))), id)
                .update();
        List<JobRequest> due = autoRotation.reconcileRequests().stream().filter(r -> r.targetId().equals(id)).toList();
        assertThat(due).singleElement().satisfies(request -> {
            assertThat(request.type()).isEqualTo("registry-token.rotate");
            assertThat(request.targetKind()).isEqualTo("registry-token");
        });

        UUID job = tx.execute(status -> jobService.enqueue(due.get(0))).id();
        TokenFixtures.awaitSucceeded(jdbc, job);
        Api.reader(mvc).get(location)
                .andExpect(jsonPath("$.credential.slot").value("password2"))
                .andExpect(jsonPath("$.credential.fingerprint")
                        .value(cipher.fingerprint(registry.token("auto-rotated").password("password2").value())));
        assertThat(autoRotation.reconcileRequests()).extracting(JobRequest::targetId).doesNotContain(id);
    }

    // ---- expiry

    @Test
    void aPasswordCloseToItsExpiryIsFlaggedCredentialExpiring() throws Exception {
        String longLived = TokenFixtures.created(operator, jdbc, registryId, """
                {"name": "long-lived", "repositories": {"app": ["content/read"]}, "passwordLifetime": "P30D"}""");
        String shortLived = TokenFixtures.created(operator, jdbc, registryId, """
                {"name": "short-lived", "repositories": {"app": ["content/read"]}, "passwordLifetime": "P7D"}""");

        Api.reader(mvc).get(longLived)
                .andExpect(jsonPath("$.status.conditions[?(@.type == 'CredentialExpiring')].status").value(contains("False")))
                .andExpect(jsonPath("$.status.conditions[?(@.type == 'CredentialExpiring')].reason")
                        .value(contains("PasswordValid")));
        String json = Api.reader(mvc).get(shortLived)
                .andExpect(jsonPath("$.status.conditions[?(@.type == 'CredentialExpiring')].status").value(contains("True")))
                .andExpect(jsonPath("$.status.conditions[?(@.type == 'CredentialExpiring')].reason")
                        .value(contains("PasswordExpiresSoon")))
                .andReturn().getResponse().getContentAsString();
        // It became true when the 7-day password was made: already within the 14-day warning.
        assertThat(JsonPath.<List<String>>read(json, "$.status.conditions[?(@.type == 'CredentialExpiring')]"
                + ".lastTransitionTime")).containsExactly(JsonPath.<String>read(json, "$.credential.createdAt"));
        assertThat(JsonPath.<List<String>>read(json, "$.status.conditions[?(@.type == 'CredentialExpiring')].message"))
                .singleElement().asString().contains("password1 expires at " + JsonPath.<String>read(json,
                        "$.credential.expiresAt"));

        Instant expired = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
        jdbc.sql("update registry_tokens set credential_expires_at = ? where id = ?")
                .params(Timestamp.from(expired), TokenFixtures.idOf(shortLived)).update();
        Api.reader(mvc).get(tokens + "?name=short-lived")
                .andExpect(jsonPath("$.items[0].status.conditions[?(@.type == 'CredentialExpiring')].reason")
                        .value(contains("PasswordExpired")))
                .andExpect(jsonPath("$.items[0].status.conditions[?(@.type == 'CredentialExpiring')].lastTransitionTime")
                        .value(contains(expired.toString())));
    }

    // ---- delete

    @Test
    void deletingATokenRemovesTheTokenThenItsScopeMap() throws Exception {
        String location = TokenFixtures.created(operator, jdbc, registryId, TokenFixtures.body("short-term"));
        int before = tokenCalls().size();

        UUID job = DeleteJobs.accepted(operator.delete(location));
        assertThat(tokenService.pullCredential(TokenFixtures.idOf(location))).isEmpty();
        DeleteJobs.awaitSucceeded(jdbc, job);

        assertThat(tokenCalls().subList(before, tokenCalls().size())).containsExactly(
                "DELETE " + resourceId + "/tokens/short-term" + API_VERSION,
                "DELETE " + resourceId + "/scopeMaps/short-term-scope-map" + API_VERSION);
        assertThat(registry.tokens()).isEmpty();
        assertThat(registry.scopeMaps()).isEmpty();
        Api.reader(mvc).get("/api/v1/jobs/" + job)
                .andExpect(jsonPath("$.steps[*].name", contains("check-references", "delete-token",
                        "delete-scope-map", "remove-record")));
        Api.reader(mvc).get(location).andExpect(status().isNotFound());
    }

    @Test
    void aTokenAlreadyGoneFromAzureIsDeletedAllTheSame() throws Exception {
        String location = TokenFixtures.created(operator, jdbc, registryId, TokenFixtures.body("gone-already"));
        store.deleteToken(resourceId, "gone-already");
        store.deleteScopeMap(resourceId, "gone-already-scope-map");
        int before = tokenRequests().size();

        UUID job = DeleteJobs.accepted(operator.delete(location));
        DeleteJobs.awaitSucceeded(jdbc, job);

        List<RecordedRequest> deletes = tokenRequests().subList(before, tokenRequests().size());
        assertThat(deletes).extracting(RecordedRequest::line).containsExactly(
                "DELETE " + resourceId + "/tokens/gone-already" + API_VERSION,
                "DELETE " + resourceId + "/scopeMaps/gone-already-scope-map" + API_VERSION);
        assertThat(deletes).extracting(RecordedRequest::status).containsOnly(204);
        Api.reader(mvc).get(location).andExpect(status().isNotFound());
    }

    @Test
    void aTokenOfARegistryGoneFromAzureIsDeletedAllTheSame() throws Exception {
        String location = TokenFixtures.created(operator, jdbc, registryId, TokenFixtures.body("orphaned"));
        azure.removeRegistry(resourceId);

        UUID job = DeleteJobs.accepted(operator.delete(location));
        DeleteJobs.awaitSucceeded(jdbc, job);

        assertThat(tokenRequests()).filteredOn(request -> request.method().equals("DELETE"))
                .extracting(RecordedRequest::status).containsExactly(404, 404);
        Api.reader(mvc).get(location).andExpect(status().isNotFound());
    }

    // ---- Azure refusing

    @Test
    void aThrottledCallIsRetriedAndTheRerunMakesOnePassword() throws Exception {
        // Longer than the adapter's in-place wait: the job engine runs the job again, from the start.
        azure.throttleNext(1, "POST", registry.name() + "/generateCredentials", Duration.ofSeconds(5));
        MockHttpServletResponse created = operator.post(tokens, TokenFixtures.body("throttled"))
                .andExpect(status().isAccepted()).andReturn().getResponse();
        UUID job = Registries.jobOf(created);
        TokenFixtures.awaitSucceeded(jdbc, job);

        assertThat(tokenRequests()).extracting(request -> request.method() + " " + request.status()).containsExactly(
                "PUT 201", "PUT 201", "POST 429", "PUT 200", "PUT 200", "POST 200");
        Api.reader(mvc).get("/api/v1/jobs/" + job)
                .andExpect(jsonPath("$.attempts").value(2))
                .andExpect(jsonPath("$.failedAttempts").value(1));
        Api.reader(mvc).get(created.getHeader("Location"))
                .andExpect(jsonPath("$.status.phase").value("Ready"))
                .andExpect(jsonPath("$.credential.fingerprint")
                        .value(cipher.fingerprint(registry.token("throttled").password("password1").value())));
    }

    @Test
    void anAuthorizationFailureFailsTheTokenAndSaysWhichPermissionIsMissing() throws Exception {
        azure.denyAction(TestPlatform.AZURE_CLIENT_ID, "Microsoft.ContainerRegistry/registries/scopeMaps/write",
                resourceId);
        MockHttpServletResponse created = operator.post(tokens, TokenFixtures.body("not-allowed"))
                .andExpect(status().isAccepted()).andReturn().getResponse();
        UUID job = Registries.jobOf(created);
        assertThat(TokenFixtures.awaitEnded(jdbc, job)).isEqualTo("failed");

        Api.reader(mvc).get("/api/v1/jobs/" + job)
                .andExpect(jsonPath("$.failureClass").value("permanent"))
                .andExpect(jsonPath("$.lastError.type").value(PROBLEMS + "azure-authorization-failed"))
                .andExpect(jsonPath("$.lastError.detail", containsString(
                        "Microsoft.ContainerRegistry/registries/scopeMaps/write")))
                .andExpect(jsonPath("$.lastError.remoteRequestId").isNotEmpty());
        String location = created.getHeader("Location");
        Api.reader(mvc).get(location)
                .andExpect(jsonPath("$.status.phase").value("Failed"))
                .andExpect(jsonPath("$.status.message", containsString("scopeMaps/write")))
                .andExpect(jsonPath("$.credential.set").value(false));
        assertThat(tokenRequests()).extracting(RecordedRequest::status).containsExactly(403);
        assertThat(tokenService.pullCredential(TokenFixtures.idOf(location))).isEmpty();
        operator.post(location + ":rotate", "")
                .andExpect(status().isConflict())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEMS + "invalid-state"));
    }

    @Test
    void aTokenInARegistryGoneFromAzureFailsAsNotFound() throws Exception {
        azure.removeRegistry(resourceId);
        MockHttpServletResponse created = operator.post(tokens, TokenFixtures.body("no-registry"))
                .andExpect(status().isAccepted()).andReturn().getResponse();
        UUID job = Registries.jobOf(created);
        assertThat(TokenFixtures.awaitEnded(jdbc, job)).isEqualTo("failed");

        Api.reader(mvc).get("/api/v1/jobs/" + job)
                .andExpect(jsonPath("$.lastError.type").value(PROBLEMS + "azure-not-found"))
                .andExpect(jsonPath("$.lastError.detail", containsString("ParentResourceNotFound")));
        Api.reader(mvc).get(created.getHeader("Location")).andExpect(jsonPath("$.status.phase").value("Failed"));
    }

    // ---- helpers

    /** The calls made on this test's registry's tokens, scope maps and passwords, in order. */
    private List<String> tokenCalls() {
        return tokenRequests().stream().map(RecordedRequest::line).toList();
    }

    private List<RecordedRequest> tokenRequests() {
        return azure.requests(RecordedRequest.Surface.ARM).stream()
                .filter(request -> request.path().startsWith(resourceId + "/"))
                .toList();
    }

    private List<String> audit(UUID token) {
        return jdbc.sql("select action from audit_events where resource_id = ? order by seq")
                .param(token.toString()).query(String.class).list();
    }

    /** The password is in no API answer about the token and in no table: encrypted at rest, nowhere in clear. */
    private void assertNowhere(String password, String location) throws Exception {
        assertThat(Api.reader(mvc).get(location).andReturn().getResponse().getContentAsString()).doesNotContain(password);
        assertThat(Api.reader(mvc).get(tokens).andReturn().getResponse().getContentAsString()).doesNotContain(password);
        List<String> tables = jdbc.sql("select table_name from information_schema.tables where table_schema = 'public'"
                + " and table_type = 'BASE TABLE'").query(String.class).list();
        assertThat(tables).contains("jobs", "audit_events", "registry_tokens");
        for (String table : tables) {
            assertThat(jdbc.sql("select count(*) from \"" + table + "\" t where row_to_json(t)::text like ?")
                    .param("%" + password + "%").query(Long.class).single()).as("rows of %s holding the password", table)
                    .isZero();
        }
        List<String> jobs = jdbc.sql("select row_to_json(j)::text from jobs j where target_id = ?")
                .param(TokenFixtures.idOf(location)).query(String.class).list();
        assertThat(jobs).isNotEmpty().noneMatch(row -> row.contains(password));
    }
}
