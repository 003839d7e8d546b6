package io.pullbridge.principals;

import com.jayway.jsonpath.JsonPath;
import io.pullbridge.common.CredentialRotated;
import io.pullbridge.common.CredentialUsers;
import io.pullbridge.common.PullCredential;
import io.pullbridge.common.Reference;
import io.pullbridge.crypto.SecretCipher;
import io.pullbridge.jobs.JobRequest;
import io.pullbridge.jobs.JobService;
import io.pullbridge.support.Api;
import io.pullbridge.support.DeleteJobs;
import io.pullbridge.support.IntegrationTest;
import io.pullbridge.support.Principals;
import io.pullbridge.support.Registries;
import io.pullbridge.support.SecretForms;
import io.pullbridge.support.TestPlatform;
import io.pullbridge.support.azure.AzureEmulator;
import io.pullbridge.support.azure.BuiltInRoles;
import io.pullbridge.support.azure.GraphApplication;
import io.pullbridge.support.azure.GraphServicePrincipal;
import io.pullbridge.support.azure.PasswordCredential;
import io.pullbridge.support.azure.RecordedRequest;
import io.pullbridge.support.azure.RoleAssignment;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Service principals against the Azure emulator through the real SDK: the exact Graph and ARM calls of each job,
 * what users see of them, and that no password leaks into responses, jobs or the audit trail.
 */
@IntegrationTest
@ExtendWith(OutputCaptureExtension.class)
@Import(ServicePrincipalAzureIntegrationTests.Users.class)
@TestPropertySource(properties = "pullbridge.principals.rotation.poll-interval=PT0.2S")
class ServicePrincipalAzureIntegrationTests {

    static final String PROBLEMS = "https://pullbridge.io/problems/";
    static final String ROLE_ASSIGNMENTS = "/providers/Microsoft.Authorization/roleAssignments/";
    static final String API_VERSION = "?api-version=2022-04-01";

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    SecretCipher cipher;

    @Autowired
    ServicePrincipalService service;

    @Autowired
    SwitchableUsers users;

    @Autowired
    ServicePrincipalRotations rotations;

    @Autowired
    JobService jobs;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    EntraDirectory directory;

    @Autowired
    ServicePrincipalProofs proofs;

    @Autowired
    ServicePrincipalRepository principals;

    AzureEmulator azure = AzureEmulator.shared();
    Api operator;
    /** Adopting and granting acrpush or owner are Admin's (pullbridge.security.operator-grantable-roles). */
    Api admin;
    Registries.Registered registry;

    @BeforeEach
    void registry() throws Exception {
        operator = Api.operator(mvc);
        admin = Api.admin(mvc);
        registry = Registries.registered(mvc, jdbc);
        users.reset();
        azure.clearRequests();
    }

    // ---- what Azure says back -----------------------------------------------------------------------------------

    @Test
    void anAzureErrorThatQuotesThePasswordInHandShowsNoFormOfItInJobsPrincipalsAuditOrLogs(CapturedOutput output)
            throws Exception {
        // A created principal: ARM refuses its grant quoting the password Graph generated a moment before. (Entra's
        // refusal of a password reaches no record but its AADSTS code: service-principal-password-rejected.)
        String name = "echo-" + UUID.randomUUID();
        java.util.function.Supplier<String> generated = () -> azure.applications().stream()
                .filter(application -> application.displayName().equals(name))
                .flatMap(application -> application.passwords().stream()).map(PasswordCredential::secretText)
                .reduce((first, last) -> last).orElse("none yet");
        azure.failNext(1, "PUT", "roleAssignments", 403, "AuthorizationFailed", () -> echo(generated.get()));
        Principals.Accepted created = Principals.created(operator, jdbc, """
                {"mode": "create", "displayName": "%s", "grants": [{"registryId": "%s", "role": "acrpull"}]}"""
                .formatted(name, registry.id()), "failed");
        String password = generated.get();
        assertThat(password).isNotEqualTo("none yet");
        assertThat(Principals.lastError(jdbc, created.job())).contains("secret '(redacted)'");

        // An adopted principal: ARM refuses its grant quoting the password it was adopted with.
        GraphServicePrincipal existing = azure.addServicePrincipal("echo-adopted-" + UUID.randomUUID());
        String adoptedPassword = passwordOf(existing).secretText();
        azure.failNext(1, "PUT", "roleAssignments", 403, "AuthorizationFailed", echo(adoptedPassword));
        Principals.Accepted adopted = adoptionThatFails(existing, adoptedPassword);
        assertThat(Principals.lastError(jdbc, adopted.job())).contains("secret '(redacted)'");

        // Another adopted principal: Graph refuses to look it up, quoting the password just proven.
        GraphServicePrincipal other = azure.addServicePrincipal("echo-graph-" + UUID.randomUUID());
        String otherPassword = passwordOf(other).secretText();
        azure.failNext(1, "GET", "servicePrincipals", 403, "Authorization_RequestDenied", echo(otherPassword));
        Principals.Accepted lookedUp = adoptionThatFails(other, otherPassword);
        assertThat(Principals.lastError(jdbc, lookedUp.job())).contains("secret '(redacted)'");

        List<String> texts = new ArrayList<>(SecretForms.recorded(jdbc));
        for (String location : List.of(created.location(), adopted.location(), lookedUp.location(),
                "/api/v1/jobs/" + created.job(), "/api/v1/jobs/" + adopted.job(), "/api/v1/jobs/" + lookedUp.job())) {
            texts.add(Api.reader(mvc).get(location).andReturn().getResponse().getContentAsString());
        }
        texts.add(output.getAll());
        SecretForms.assertNoneIn("answers, rows and logs", texts, password, adoptedPassword, otherPassword);
    }

    /** An Admin adopts the principal with its password and an AcrPull grant on the registry; the job is to fail. */
    private Principals.Accepted adoptionThatFails(GraphServicePrincipal principal, String password)
            throws Exception {
        return Principals.created(admin, jdbc, """
                {"mode": "adopt", "appId": "%s", "password": "%s",
                 "grants": [{"registryId": "%s", "role": "acrpull"}]}"""
                .formatted(principal.appId(), password, registry.id()), "failed");
    }

    /** What a service that echoes the secret it knows says: as is, base64- and URL-encoded. */
    private static String echo(String secret) {
        return "The client with secret '" + secret + "' (" + java.util.Base64.getEncoder().encodeToString(
                secret.getBytes(StandardCharsets.UTF_8)) + ", " + java.net.URLEncoder.encode(secret,
                StandardCharsets.UTF_8) + ") does not have authorization to perform action "
                + "'Microsoft.Authorization/roleAssignments/write'";
    }

    // ---- create ---------------------------------------------------------------------------------------------

    @Test
    void createsTheApplicationPrincipalPasswordAndRoleAssignmentWithExactCallsAndNoSecretLeft() throws Exception {
        String name = "acr-pull-" + UUID.randomUUID();
        Principals.Accepted created = Principals.created(operator, jdbc, createBody(name, "P180D", "acrpull"),
                "succeeded");

        GraphApplication application = azure.applications().stream()
                .filter(app -> app.displayName().equals(name)).findFirst().orElseThrow();
        GraphServicePrincipal principal = azure.servicePrincipalByAppId(application.appId()).orElseThrow();
        PasswordCredential password = application.passwords().get(0);
        String assignment = assignmentId(registry.resourceId(), principal.id(), BuiltInRoles.ACR_PULL);
        String marker = "pullbridge:" + created.id();
        assertThat(azure.callLines()).containsExactly(
                "GET /v1.0/applications?$filter=tags/any(t:t eq '" + marker + "')",
                "GET /v1.0/applications?$filter=displayName eq '" + name + "'",
                "POST /v1.0/applications",
                "POST /v1.0/servicePrincipals",
                "GET /v1.0/applications/" + application.id(),
                "POST /v1.0/applications/" + application.id() + "/microsoft.graph.addPassword",
                "GET " + roleDefinition(BuiltInRoles.ACR_PULL) + API_VERSION,
                "PUT " + assignment + API_VERSION);
        // Marked, so that a run that stops before recording them is followed by one that finds them again.
        assertThat(application.tags()).containsExactly(marker);
        assertThat(application.passwords()).hasSize(1);
        assertThat(password.displayName()).startsWith(marker + " ");
        assertThat(Duration.between(password.startDateTime(), password.endDateTime()))
                .isBetween(Duration.ofDays(180).minusMinutes(1), Duration.ofDays(180).plusMinutes(1));
        assertThat(azure.roleAssignmentsOf(principal.id())).singleElement().satisfies(stored -> {
            assertThat(stored.principalType()).isEqualTo("ServicePrincipal");
            assertThat(stored.principalTypeSent()).isTrue();
            assertThat(stored.roleDefinitionGuid()).isEqualTo(BuiltInRoles.ACR_PULL);
        });

        String body = Api.reader(mvc).get(created.location())
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status.phase").value("Ready"))
                .andExpect(jsonPath("$.status.jobId").value(created.job().toString()))
                .andExpect(jsonPath("$.appId").value(application.appId()))
                .andExpect(jsonPath("$.objectId").value(principal.id()))
                .andExpect(jsonPath("$.credential.set").value(true))
                .andExpect(jsonPath("$.credential.keyId").value(password.keyId()))
                .andExpect(jsonPath("$.credential.fingerprint").value(cipher.fingerprint(password.secretText())))
                .andExpect(jsonPath("$.credential.expiresAt").value(password.endDateTime().toString()))
                .andExpect(jsonPath("$.credential.previous").value(nullValue()))
                .andExpect(jsonPath("$.grants[0].status.phase").value("Ready"))
                .andExpect(jsonPath("$.grants[0].status.roleAssignmentId").value(assignment))
                .andExpect(jsonPath("$.grants[0].status.createdByPullBridge").value(true))
                .andExpect(jsonPath("$.grants[0].status.message").value("AcrPull assigned on "
                        + registryName()))
                .andExpect(jsonPath("$.status.conditions[0].type").value("CredentialExpiring"))
                .andExpect(jsonPath("$.status.conditions[0].status").value("False"))
                .andExpect(content().string(not(containsString(password.secretText()))))
                .andReturn().getResponse().getContentAsString();
        assertThat(body).doesNotContain(password.secretText());
        Api.reader(mvc).get("/api/v1/jobs/" + created.job())
                .andExpect(jsonPath("$.type").value("service-principal.create"))
                .andExpect(jsonPath("$.steps[*].name").value(contains("find-application", "check-display-name",
                        "create-application", "create-service-principal", "add-password",
                        "assign-acrpull-on-" + registryName())));
        Api.reader(mvc).get("/api/v1/service-principals?appId=" + application.appId())
                .andExpect(content().string(not(containsString(password.secretText()))));

        assertNoSecretStored(password.secretText());
        assertThat(auditActions(created.id())).contains("service-principal.create",
                "service-principal.application-created", "service-principal.principal-created",
                "service-principal.password-added", "service-principal.role-assigned");

        PullCredential credential = service.pullCredential(created.id()).orElseThrow();
        assertThat(credential.username()).isEqualTo(application.appId());
        assertThat(credential.password()).isEqualTo(password.secretText());
        assertThat(credential.fingerprint()).isEqualTo(cipher.fingerprint(password.secretText()));
        assertThat(credential.expiresAt()).isEqualTo(password.endDateTime());
        assertThat(credential.toString()).doesNotContain(password.secretText());
    }

    @Test
    void aDisplayNameTheTenantAlreadyHasFailsTheJobAndPointsToAdopt() throws Exception {
        String name = "taken-" + UUID.randomUUID();
        azure.addServicePrincipal(name.toUpperCase(Locale.ROOT));

        Principals.Accepted created = Principals.created(operator, jdbc, createBody(name, null, "acrpull"),
                "failed");

        assertThat(azure.callLines()).containsExactly(
                "GET /v1.0/applications?$filter=tags/any(t:t eq 'pullbridge:" + created.id() + "')",
                "GET /v1.0/applications?$filter=displayName eq '" + name + "'");
        Api.reader(mvc).get("/api/v1/jobs/" + created.job())
                .andExpect(jsonPath("$.failureClass").value("permanent"))
                .andExpect(jsonPath("$.lastError.type").value(PROBLEMS + "service-principal-name-taken"))
                .andExpect(jsonPath("$.lastError.detail", containsString("mode adopt")))
                .andExpect(jsonPath("$.lastError.detail", containsString("az ad sp create-for-rbac")));
        Api.reader(mvc).get(created.location())
                .andExpect(jsonPath("$.status.phase").value("Failed"))
                .andExpect(jsonPath("$.status.message", containsString("already exists")))
                .andExpect(jsonPath("$.appId").value(nullValue()));
        assertThat(service.pullCredential(created.id())).isEmpty();
    }

    @Test
    void aRerunAfterTheApplicationWasRecordedCreatesNoSecondApplication() throws Exception {
        String name = "rerun-" + UUID.randomUUID();
        // Graph makes the application, then fails the principal: the job fails with the application recorded.
        azure.failNext(1, "POST", "^/v1\\.0/servicePrincipals$", 403, "Authorization_RequestDenied",
                "Insufficient privileges to complete the operation.");
        Principals.Accepted created = Principals.created(operator, jdbc, createBody(name, null, "acrpull"),
                "failed");
        GraphApplication application = azure.applications().stream()
                .filter(app -> app.displayName().equals(name)).findFirst().orElseThrow();
        Api.reader(mvc).get("/api/v1/jobs/" + created.job())
                .andExpect(jsonPath("$.lastError.type").value(PROBLEMS + "azure-graph-failed"))
                .andExpect(jsonPath("$.lastError.remoteRequestId").isNotEmpty());
        Api.reader(mvc).get(created.location()).andExpect(jsonPath("$.appId").value(application.appId()));
        azure.clearRequests();

        operator.post("/api/v1/jobs/" + created.job() + ":retry", "").andExpect(status().isAccepted());
        Principals.awaitJob(jdbc, created.job(), "succeeded");

        assertThat(azure.applications().stream().filter(app -> app.displayName().equals(name))).hasSize(1);
        // An earlier run made the application: the retry first looks for a principal that run may have made.
        assertThat(azure.callLines()).startsWith(
                "GET /v1.0/servicePrincipals?$filter=appId eq '" + application.appId() + "'",
                "POST /v1.0/servicePrincipals");
        assertThat(azure.callLines()).noneMatch(line -> line.equals("POST /v1.0/applications"));
    }

    // ---- adopt ----------------------------------------------------------------------------------------------

    @Test
    void adoptsAPrincipalNamedByItsAppIdAndFillsInItsObjectId() throws Exception {
        GraphServicePrincipal existing = azure.addServicePrincipal("ci-" + UUID.randomUUID());
        GraphApplication application = azure.applicationByAppId(existing.appId()).orElseThrow();
        PasswordCredential password = passwordOf(existing);
        azure.clearRequests();

        Principals.Accepted adopted = Principals.created(admin, jdbc, """
                {"mode": "adopt", "appId": "%s", "password": "%s", "grants": [{"registryId": "%s", "role": "acrpush"}]}"""
                .formatted(existing.appId(), password.secretText(), registry.id()), "succeeded");

        assertThat(azure.callLines()).containsExactly(
                "GET /v1.0/servicePrincipals?$filter=appId eq '" + existing.appId() + "'",
                "GET /v1.0/applications?$filter=appId eq '" + existing.appId() + "'",
                "GET " + roleDefinition(BuiltInRoles.ACR_PUSH) + API_VERSION,
                "PUT " + assignmentId(registry.resourceId(), existing.id(), BuiltInRoles.ACR_PUSH) + API_VERSION);
        Api.reader(mvc).get(adopted.location())
                .andExpect(jsonPath("$.status.phase").value("Ready"))
                .andExpect(jsonPath("$.objectId").value(existing.id()))
                .andExpect(jsonPath("$.displayName").value(existing.displayName()))
                .andExpect(jsonPath("$.grants[0].status.createdByPullBridge").value(true))
                .andExpect(jsonPath("$.credential.verifiedAt").isNotEmpty());
        // PullBridge made no password of its own: it signed in with the one given, once, and kept no token.
        assertThat(application.passwords()).extracting(PasswordCredential::keyId).containsExactly(password.keyId());
        assertThat(azure.requests(RecordedRequest.Surface.TOKEN)).filteredOn(r -> existing.appId().equals(r.clientId()))
                .singleElement().satisfies(request -> assertThat(request.status()).isEqualTo(200));
        Api.reader(mvc).get("/api/v1/jobs/" + adopted.job())
                .andExpect(jsonPath("$.type").value("service-principal.adopt"))
                .andExpect(jsonPath("$.steps[*].name").value(contains("look-up-principal", "prove-password",
                        "assign-acrpush-on-" + registryName())));
        assertThat(auditActions(adopted.id())).containsSubsequence("service-principal.password-proven",
                "service-principal.role-assigned");
        assertNoSecretStored(password.secretText());
    }

    @Test
    void adoptsAPrincipalNamedByItsObjectIdAndFillsInItsAppId() throws Exception {
        GraphServicePrincipal existing = azure.addServicePrincipal("ci-" + UUID.randomUUID());

        String password = passwordOf(existing).secretText();
        azure.clearRequests();
        Principals.Accepted adopted = Principals.created(admin, jdbc, """
                {"mode": "adopt", "objectId": "%s", "password": "%s", "displayName": "ci label",
                 "grants": [{"registryId": "%s", "role": "acrpull"}]}"""
                .formatted(existing.id(), password, registry.id()), "succeeded");

        assertThat(azure.callLines()).containsExactly(
                "GET /v1.0/servicePrincipals/" + existing.id(),
                "GET /v1.0/applications?$filter=appId eq '" + existing.appId() + "'",
                "GET " + roleDefinition(BuiltInRoles.ACR_PULL) + API_VERSION,
                "PUT " + assignmentId(registry.resourceId(), existing.id(), BuiltInRoles.ACR_PULL) + API_VERSION);
        Api.reader(mvc).get(adopted.location())
                .andExpect(jsonPath("$.appId").value(existing.appId()))
                .andExpect(jsonPath("$.displayName").value("ci label"));
        PullCredential credential = service.pullCredential(adopted.id()).orElseThrow();
        assertThat(credential.username()).isEqualTo(existing.appId());
    }

    @Test
    void anAppIdAndObjectIdOfDifferentPrincipalsOrOfNoneFailTheAdoptJob() throws Exception {
        GraphServicePrincipal one = azure.addServicePrincipal("one-" + UUID.randomUUID());
        GraphServicePrincipal other = azure.addServicePrincipal("other-" + UUID.randomUUID());

        Principals.Accepted mismatched = Principals.created(admin, jdbc, adoptBody(one.appId(), other.id(),
                passwordOf(one).secretText()), "failed");
        Api.reader(mvc).get("/api/v1/jobs/" + mismatched.job())
                .andExpect(jsonPath("$.lastError.type").value(PROBLEMS + "service-principal-ids-mismatch"))
                .andExpect(jsonPath("$.lastError.detail", containsString(one.id())));

        UUID unknown = UUID.randomUUID();
        Principals.Accepted missing = Principals.created(admin, jdbc, """
                {"mode": "adopt", "objectId": "%s", "password": "%s", "grants": [{"registryId": "%s", "role": "acrpull"}]}"""
                .formatted(unknown, secret(), registry.id()), "failed");
        Api.reader(mvc).get("/api/v1/jobs/" + missing.job())
                .andExpect(jsonPath("$.lastError.type").value(PROBLEMS + "service-principal-not-found"))
                .andExpect(jsonPath("$.lastError.detail", containsString("objectId " + unknown)));
        assertThat(azure.callLines()).noneMatch(line -> line.startsWith("PUT "));
    }

    @Test
    void aPasswordEntraRefusesFailsTheAdoptJobNamingItsCodeAndGrantsNothing() throws Exception {
        GraphServicePrincipal existing = azure.addServicePrincipal("guessed-" + UUID.randomUUID());
        passwordOf(existing);
        String madeUp = secret();
        azure.clearRequests();

        Principals.Accepted adopted = Principals.created(admin, jdbc, """
                {"mode": "adopt", "appId": "%s", "password": "%s", "grants": [{"registryId": "%s", "role": "owner"}]}"""
                .formatted(existing.appId(), madeUp, registry.id()), "failed");

        Api.reader(mvc).get("/api/v1/jobs/" + adopted.job())
                .andExpect(jsonPath("$.failureClass").value("permanent"))
                .andExpect(jsonPath("$.lastError.type").value(PROBLEMS + "service-principal-password-rejected"))
                .andExpect(jsonPath("$.lastError.detail", containsString("AADSTS7000215")))
                .andExpect(jsonPath("$.lastError.detail", containsString(existing.appId())))
                .andExpect(jsonPath("$.lastError.detail", not(containsString("Trace ID"))))
                .andExpect(jsonPath("$.steps[*].name").value(contains("look-up-principal", "prove-password")))
                .andExpect(content().string(not(containsString(madeUp))));
        Api.reader(mvc).get(adopted.location())
                .andExpect(jsonPath("$.status.phase").value("Failed"))
                .andExpect(jsonPath("$.status.message", containsString("AADSTS7000215")))
                .andExpect(jsonPath("$.credential.verifiedAt").value(nullValue()))
                .andExpect(jsonPath("$.grants[0].status.roleAssignmentId").value(nullValue()));
        // Nothing granted with it, and nothing can write it into a cluster.
        assertThat(azure.callLines()).noneMatch(line -> line.startsWith("PUT "));
        assertThat(azure.roleAssignmentsOf(existing.id())).isEmpty();
        assertThat(service.pullCredential(adopted.id())).isEmpty();
        assertNoSecretStored(madeUp);

        // A later change of its grants proves the password again before assigning anything.
        UUID job = Registries.jobOf(admin.patch(adopted.location(), """
                        {"grants": [{"registryId": "%s", "role": "acrpull"}]}""".formatted(registry.id()))
                .andExpect(status().isAccepted()).andReturn().getResponse());
        Principals.awaitJob(jdbc, job, "failed");
        Api.reader(mvc).get("/api/v1/jobs/" + job)
                .andExpect(jsonPath("$.lastError.type").value(PROBLEMS + "service-principal-password-rejected"));
        assertThat(azure.roleAssignmentsOf(existing.id())).isEmpty();
    }

    @Test
    void anExpiredPasswordIsRejectedWithEntrasExpiryCode() throws Exception {
        GraphServicePrincipal existing = azure.addServicePrincipal("expired-" + UUID.randomUUID());
        String expired = azure.addPassword(existing, secret(), Instant.now().minus(Duration.ofDays(1))).secretText();

        Principals.Accepted adopted = Principals.created(admin, jdbc, adoptBody(existing.appId(), existing.id(),
                expired), "failed");

        Api.reader(mvc).get("/api/v1/jobs/" + adopted.job())
                .andExpect(jsonPath("$.lastError.type").value(PROBLEMS + "service-principal-password-rejected"))
                .andExpect(jsonPath("$.lastError.detail", containsString("AADSTS7000222")))
                .andExpect(jsonPath("$.lastError.detail", containsString("expired")));
        assertThat(azure.roleAssignmentsOf(existing.id())).isEmpty();
    }

    @Test
    void anEntraOutageWhileProvingIsRetriedLikeAnyTransientFailureNotReportedAsRejected() throws Exception {
        GraphServicePrincipal existing = azure.addServicePrincipal("outage-" + UUID.randomUUID());
        String password = passwordOf(existing).secretText();
        azure.failNext(1000, "POST", "/" + azure.tenantId() + "/oauth2/v2\\.0/token$", 503,
                "temporarily_unavailable", "The service is temporarily unavailable.");
        try {
            Principals.Accepted adopted = Principals.accepted(admin.post("/api/v1/service-principals",
                    adoptBody(existing.appId(), existing.id(), password)));
            await("the adopt job to be retried").atMost(Principals.TIMEOUT).until(() -> jdbc.sql(
                    "select failed_attempts > 0 and last_error->>'type' = ? from jobs where id = ?")
                    .params(PROBLEMS + "azure-unavailable", adopted.job()).query(Boolean.class).single());
            assertThat(azure.roleAssignmentsOf(existing.id())).isEmpty();
            azure.clearFaults();

            Principals.awaitJob(jdbc, adopted.job(), "succeeded");
            Api.reader(mvc).get(adopted.location())
                    .andExpect(jsonPath("$.status.phase").value("Ready"))
                    .andExpect(jsonPath("$.credential.verifiedAt").isNotEmpty());
            assertThat(azure.roleAssignmentsOf(existing.id())).hasSize(1);
        } finally {
            azure.clearFaults();
        }
    }

    @Test
    void aNewPasswordEntraRefusesForAnAdoptedPrincipalIsDroppedAndTheCurrentOneStays() throws Exception {
        GraphServicePrincipal existing = azure.addServicePrincipal("kept-" + UUID.randomUUID());
        String current = passwordOf(existing).secretText();
        Principals.Accepted adopted = Principals.created(admin, jdbc, adoptBody(existing.appId(), existing.id(),
                current), "succeeded");
        String madeUp = secret();

        UUID job = Registries.jobOf(operator.post(adopted.location() + ":rotate", """
                        {"password": "%s"}""".formatted(madeUp))
                .andExpect(status().isAccepted()).andReturn().getResponse());
        Principals.awaitJob(jdbc, job, "failed");

        Api.reader(mvc).get("/api/v1/jobs/" + job)
                .andExpect(jsonPath("$.lastError.type").value(PROBLEMS + "service-principal-password-rejected"))
                .andExpect(jsonPath("$.lastError.detail", containsString("AADSTS7000215")))
                .andExpect(jsonPath("$.steps[*].name").value(contains("prove-password")));
        Api.reader(mvc).get(adopted.location())
                .andExpect(jsonPath("$.credential.fingerprint").value(cipher.fingerprint(current)))
                .andExpect(jsonPath("$.credential.pending").value(nullValue()))
                .andExpect(jsonPath("$.credential.previous").value(nullValue()));
        // Never announced to the users of the credential, so never written into a pull secret.
        assertThat(users.rotations()).noneMatch(rotated -> rotated.fingerprint().equals(cipher.fingerprint(madeUp)));
        assertThat(service.pullCredential(adopted.id()).orElseThrow().password()).isEqualTo(current);
        assertThat(auditActions(adopted.id())).contains("service-principal.password-rejected");
        assertNoSecretStored(madeUp);
    }

    @Test
    void anAdoptedPasswordNeverProvenIsGivenToNoBindingUntilTheReconcilePassHadItProven() throws Exception {
        GraphServicePrincipal existing = azure.addServicePrincipal("pre-v11-" + UUID.randomUUID());
        String password = passwordOf(existing).secretText();
        Principals.Accepted adopted = Principals.created(admin, jdbc, adoptBody(existing.appId(), existing.id(),
                password), "succeeded");
        // As a principal adopted before PullBridge proved passwords (V11) was stored: provisioned, never signed in with.
        jdbc.sql("update service_principals set credential_verified_at = null where id = ?").param(adopted.id())
                .update();
        assertThat(service.pullCredential(adopted.id())).isEmpty();

        List<JobRequest> named = proofs.reconcileRequests().stream()
                .filter(request -> request.targetId().equals(adopted.id())).toList();
        assertThat(named).singleElement().satisfies(request -> {
            assertThat(request.type()).isEqualTo("service-principal.adopt");
            assertThat(request.data()).isEmpty();
        });
        azure.clearRequests();
        UUID proof = tx.execute(status -> jobs.enqueue(named.get(0))).id();
        Principals.awaitJob(jdbc, proof, "succeeded");

        assertThat(service.pullCredential(adopted.id())).hasValueSatisfying(credential ->
                assertThat(credential.password()).isEqualTo(password));
        // It signed in and changed nothing in Azure: the grants it holds were already assigned.
        assertThat(azure.requests(RecordedRequest.Surface.TOKEN)).filteredOn(r -> existing.appId().equals(r.clientId()))
                .singleElement().satisfies(request -> assertThat(request.status()).isEqualTo(200));
        assertThat(azure.callLines()).noneMatch(line -> line.startsWith("PUT ") || line.startsWith("POST /v1.0/")
                || line.startsWith("DELETE "));
        Api.reader(mvc).get(adopted.location())
                .andExpect(jsonPath("$.status.phase").value("Ready"))
                .andExpect(jsonPath("$.credential.verifiedAt").isNotEmpty());
        Api.reader(mvc).get("/api/v1/jobs/" + proof)
                .andExpect(jsonPath("$.steps[*].name").value(contains("prove-password")));
        assertThat(proofs.reconcileRequests()).noneMatch(request -> request.targetId().equals(adopted.id()));
    }

    @Test
    void anAdoptedPasswordNeverProvenThatEntraRefusesFailsItsProofOnceAndStaysUnused() throws Exception {
        GraphServicePrincipal existing = azure.addServicePrincipal("pre-v11-wrong-" + UUID.randomUUID());
        Principals.Accepted adopted = Principals.created(admin, jdbc, adoptBody(existing.appId(), existing.id(),
                passwordOf(existing).secretText()), "succeeded");
        // Stored before V11 with a password the application does not hold (so never refused until now).
        String wrong = secret();
        tx.executeWithoutResult(status -> {
            ServicePrincipal principal = principals.findById(adopted.id()).orElseThrow();
            principal.setCredential(cipher.encrypt(wrong, principal.credentialContext()), cipher.fingerprint(wrong),
                    null, principal.getCredentialCreatedAt(), principal.getCredentialExpiresAt());
            principals.saveAndFlush(principal);
        });
        assertThat(service.pullCredential(adopted.id())).isEmpty();

        JobRequest request = proofs.reconcileRequests().stream()
                .filter(named -> named.targetId().equals(adopted.id())).findFirst().orElseThrow();
        UUID proof = tx.execute(status -> jobs.enqueue(request)).id();
        Principals.awaitJob(jdbc, proof, "failed");

        Api.reader(mvc).get("/api/v1/jobs/" + proof)
                .andExpect(jsonPath("$.lastError.type").value(PROBLEMS + "service-principal-password-rejected"));
        Api.reader(mvc).get(adopted.location()).andExpect(jsonPath("$.status.phase").value("Failed"));
        assertThat(service.pullCredential(adopted.id())).isEmpty();
        // Not named again on every pass: its owner gives the right password with :rotate, or adopts it again.
        assertThat(proofs.reconcileRequests()).noneMatch(named -> named.targetId().equals(adopted.id()));
    }

    @Test
    void onlyAnAdminMayAdoptAndAnOperatorMayNotGrantOwnerThroughTheAzurePath() throws Exception {
        GraphServicePrincipal existing = azure.addServicePrincipal("operator-" + UUID.randomUUID());
        String password = passwordOf(existing).secretText();
        azure.clearRequests();
        long jobsBefore = jdbc.sql("select count(*) from jobs").query(Long.class).single();

        operator.post("/api/v1/service-principals", adoptBody(existing.appId(), existing.id(), password))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.type").value(PROBLEMS + "forbidden"))
                .andExpect(content().string(not(containsString(password))));
        operator.post("/api/v1/service-principals", createBody("owner-" + UUID.randomUUID(), null, "owner"))
                .andExpect(status().isForbidden());
        assertThat(azure.callLines()).isEmpty();
        assertThat(jdbc.sql("select count(*) from jobs").query(Long.class).single()).isEqualTo(jobsBefore);
        assertThat(azure.issuedTokens()).noneMatch(token -> token.clientId().equals(existing.appId()));
    }

    // ---- crash windows --------------------------------------------------------------------------------------

    @Test
    void anApplicationGraphMadeButTheJobNeverRecordedIsFoundAgainByItsTagNotMadeTwice() throws Exception {
        String name = "lost-app-" + UUID.randomUUID();
        // Graph makes the application; the job never learns of it (as if it died before recording it).
        azure.loseNextAnswer(1, "POST", "^/v1\\.0/applications$");

        Principals.Accepted created = Principals.created(operator, jdbc, createBody(name, null, "acrpull"),
                "succeeded");

        List<GraphApplication> named = azure.applications().stream()
                .filter(app -> app.displayName().equals(name)).toList();
        assertThat(named).as("applications named " + name).hasSize(1);
        GraphApplication application = named.get(0);
        assertThat(application.tags()).containsExactly("pullbridge:" + created.id());
        assertThat(azure.callLines()).filteredOn("POST /v1.0/applications"::equals).hasSize(1);
        String job = Api.reader(mvc).get("/api/v1/jobs/" + created.job())
                .andExpect(jsonPath("$.failedAttempts").value(1))
                .andReturn().getResponse().getContentAsString();
        List<String> found = JsonPath.read(job, "$.steps[?(@.name == 'find-application')].detail");
        assertThat(found).last().asString().contains("found application " + application.appId())
                .contains("earlier run");
        Api.reader(mvc).get(created.location())
                .andExpect(jsonPath("$.status.phase").value("Ready"))
                .andExpect(jsonPath("$.appId").value(application.appId()));
        assertThat(azure.servicePrincipalByAppId(application.appId())).isPresent();
        assertThat(auditActions(created.id())).contains("service-principal.application-found");
    }

    @Test
    void aPasswordGraphAddedButTheJobNeverRecordedIsRemovedBeforeAnotherIsAdded() throws Exception {
        String name = "lost-password-" + UUID.randomUUID();
        azure.loseNextAnswer(1, "POST", "addPassword$");

        Principals.Accepted created = Principals.created(operator, jdbc, createBody(name, null, "acrpull"),
                "succeeded");

        GraphApplication application = azure.applications().stream()
                .filter(app -> app.displayName().equals(name)).findFirst().orElseThrow();
        PullCredential recorded = service.pullCredential(created.id()).orElseThrow();
        // Exactly one valid password: the one recorded. The one whose answer was lost is gone.
        assertThat(application.passwords()).singleElement().satisfies(password -> {
            assertThat(password.secretText()).isEqualTo(recorded.password());
            assertThat(password.displayName()).startsWith("pullbridge:" + created.id() + " ");
        });
        List<RecordedRequest> graph = azure.requests(RecordedRequest.Surface.GRAPH);
        List<String> passwordCalls = graph.stream().map(RecordedRequest::line)
                .filter(line -> line.contains("Password")).toList();
        assertThat(passwordCalls).containsExactly(
                "POST /v1.0/applications/" + application.id() + "/microsoft.graph.addPassword",
                "POST /v1.0/applications/" + application.id() + "/microsoft.graph.removePassword",
                "POST /v1.0/applications/" + application.id() + "/microsoft.graph.addPassword");
        Api.reader(mvc).get("/api/v1/jobs/" + created.job())
                .andExpect(jsonPath("$.failedAttempts").value(1))
                .andExpect(jsonPath("$.steps[?(@.name == 'add-password' && @.state == 'succeeded')].detail",
                        contains(containsString("removed 1 password(s) an earlier run added but never recorded"))));
        assertThat(auditActions(created.id())).contains("service-principal.password-removed");
    }

    @Test
    void aRotationPasswordGraphAddedButTheJobNeverRecordedIsRemovedAndOnlyTheNewOneStays() throws Exception {
        Principals.Accepted created = Principals.created(operator, jdbc,
                createBody("lost-rotation-" + UUID.randomUUID(), null, "acrpull"), "succeeded");
        PullCredential old = service.pullCredential(created.id()).orElseThrow();
        GraphApplication application = azure.applicationByAppId(old.username()).orElseThrow();
        azure.loseNextAnswer(1, "POST", "addPassword$");

        UUID rotation = Principals.rotation(operator.post(created.location() + ":rotate", ""));
        Principals.awaitJob(jdbc, rotation, "succeeded");

        PullCredential current = service.pullCredential(created.id()).orElseThrow();
        assertThat(current.password()).isNotEqualTo(old.password());
        assertThat(application.passwords()).singleElement()
                .satisfies(password -> assertThat(password.secretText()).isEqualTo(current.password()));
        Api.reader(mvc).get("/api/v1/jobs/" + rotation)
                .andExpect(jsonPath("$.failedAttempts").value(1))
                .andExpect(jsonPath("$.steps[?(@.name == 'add-password' && @.state == 'succeeded')].detail",
                        contains(containsString("removed 1 password(s) an earlier run added but never recorded"))));
    }

    @Test
    void deletingAPrincipalWhoseApplicationWasNeverRecordedDeletesItByItsTag() throws Exception {
        String name = "lost-then-deleted-" + UUID.randomUUID();
        azure.loseNextAnswer(1, "POST", "^/v1\\.0/applications$");
        Principals.Accepted created = Principals.accepted(operator.post("/api/v1/service-principals",
                createBody(name, null, "acrpull")));
        await("the create job to stop after Graph made the application").atMost(Principals.TIMEOUT)
                .until(() -> jdbc.sql("select failed_attempts > 0 and state = 'queued' from jobs where id = ?")
                        .param(created.job()).query(Boolean.class).single());
        assertThat(azure.applications()).filteredOn(app -> app.displayName().equals(name)).hasSize(1);

        UUID delete = DeleteJobs.accepted(operator.delete(created.location()));
        DeleteJobs.awaitSucceeded(jdbc, delete);

        assertThat(azure.applications()).filteredOn(app -> app.displayName().equals(name)).isEmpty();
        Api.reader(mvc).get("/api/v1/jobs/" + delete)
                .andExpect(jsonPath("$.steps[*].name").value(hasItem("delete-unrecorded-application")));
    }

    @Test
    void deletingAPrincipalAlsoDeletesEveryOtherApplicationCarryingItsTag() throws Exception {
        String name = "doubled-" + UUID.randomUUID();
        Principals.Accepted created = Principals.created(operator, jdbc, createBody(name, null, "acrpull"),
                "succeeded");
        String appId = JsonPath.read(Api.reader(mvc).get(created.location()).andReturn().getResponse()
                .getContentAsString(), "$.appId");
        // As a runner presumed dead would have made it, after the runner that took its job over recorded the first.
        EntraDirectory.DirectoryApplication second = directory.createApplication(name, "pullbridge:" + created.id());

        UUID delete = DeleteJobs.accepted(operator.delete(created.location()));
        DeleteJobs.awaitSucceeded(jdbc, delete);

        assertThat(azure.applicationByAppId(appId)).isEmpty();
        assertThat(azure.applicationByAppId(second.appId().toString())).isEmpty();
        assertThat(azure.applications()).noneMatch(app -> app.tags().contains("pullbridge:" + created.id()));
        Api.reader(mvc).get("/api/v1/jobs/" + delete)
                .andExpect(jsonPath("$.steps[?(@.name == 'delete-unrecorded-application')].detail",
                        contains(containsString("application " + second.appId()))));
    }

    // ---- role assignments -----------------------------------------------------------------------------------

    @Test
    void aPrincipalNotYetPropagatedIsAssignedAgainUntilAzureSeesIt() throws Exception {
        azure.principalPropagationDelay(Duration.ofMinutes(5));
        try {
            String name = "fresh-" + UUID.randomUUID();
            Principals.Accepted created = Principals.accepted(operator.post("/api/v1/service-principals",
                    createBody(name, null, "acrpull")));
            awaitGrantMessage(created.id(), "still replicating");
            awaitStatusMessage(created.id(), "Waiting: Entra ID is still replicating");
            Api.reader(mvc).get(created.location())
                    .andExpect(jsonPath("$.grants[0].status.phase").value("Pending"));
            assertThat(Principals.state(jdbc, created.job())).isIn("queued", "running");

            azure.completePropagation();
            Principals.awaitJob(jdbc, created.job(), "succeeded");

            String job = Api.reader(mvc).get("/api/v1/jobs/" + created.job())
                    .andExpect(jsonPath("$.failedAttempts").value(0))
                    .andReturn().getResponse().getContentAsString();
            // The job waited in the assignment and resumed there: one step, polled until Azure saw the principal.
            List<String> states = JsonPath.read(job, "$.steps[?(@.name == 'assign-acrpull-on-" + registryName()
                    + "')].state");
            assertThat(states).containsExactly("succeeded");
            List<Integer> polls = JsonPath.read(job, "$.steps[?(@.name == 'assign-acrpull-on-" + registryName()
                    + "')].polls");
            assertThat(polls).singleElement().satisfies(count -> assertThat(count).isGreaterThanOrEqualTo(2));
            assertThat(azure.requests(RecordedRequest.Surface.ARM).stream()
                    .filter(request -> request.method().equals("PUT")).map(RecordedRequest::status))
                    .startsWith(400).endsWith(201);
            Api.reader(mvc).get(created.location()).andExpect(jsonPath("$.status.phase").value("Ready"));
        } finally {
            azure.principalPropagationDelay(Duration.ZERO).completePropagation();
        }
    }

    @Test
    void aPrincipalStillNotPropagatedAfterTheWindowFailsSayingSo() throws Exception {
        azure.principalPropagationDelay(Duration.ofMinutes(30));
        try {
            Principals.Accepted created = Principals.accepted(operator.post("/api/v1/service-principals",
                    createBody("slow-" + UUID.randomUUID(), null, "acrpull")));
            awaitGrantMessage(created.id(), "still replicating");
            awaitStatusMessage(created.id(), "Waiting: Entra ID is still replicating");
            // As if PullBridge had created it longer ago than the window (PT10M).
            jdbc.sql("update service_principals set principal_created_at = principal_created_at - interval '1 hour' "
                    + "where id = ?").param(created.id()).update();

            Principals.awaitJob(jdbc, created.job(), "failed");
            Api.reader(mvc).get("/api/v1/jobs/" + created.job())
                    .andExpect(jsonPath("$.failureClass").value("permanent"))
                    .andExpect(jsonPath("$.lastError.type").value(PROBLEMS + "service-principal-not-propagated"))
                    .andExpect(jsonPath("$.lastError.detail", containsString("PT10M")))
                    .andExpect(jsonPath("$.lastError.detail", containsString("pullbridge.principals.propagation-window")))
                    .andExpect(jsonPath("$.lastError.remoteRequestId").isNotEmpty());
            Api.reader(mvc).get(created.location())
                    .andExpect(jsonPath("$.status.phase").value("Failed"))
                    .andExpect(jsonPath("$.grants[0].status.phase").value("Failed"));
        } finally {
            azure.principalPropagationDelay(Duration.ZERO).completePropagation();
        }
    }

    @Test
    void anExistingAssignmentIsAdoptedAndOnlyPullBridgesAreRemovedWithAnAdoptedPrincipal() throws Exception {
        GraphServicePrincipal existing = azure.addServicePrincipal("shared-" + UUID.randomUUID());
        RoleAssignment theirs = azure.addRoleAssignment(registry.resourceId(), UUID.randomUUID().toString(),
                BuiltInRoles.ACR_PULL, existing.id(), "ServicePrincipal");
        Principals.Accepted adopted = Principals.created(admin, jdbc, """
                {"mode": "adopt", "appId": "%s", "objectId": "%s", "password": "%s",
                 "grants": [{"registryId": "%s", "role": "acrpull"}, {"registryId": "%s", "role": "acrpush"}]}"""
                .formatted(existing.appId(), existing.id(), passwordOf(existing).secretText(), registry.id(),
                        registry.id()), "succeeded");
        String ours = assignmentId(registry.resourceId(), existing.id(), BuiltInRoles.ACR_PUSH);
        Api.reader(mvc).get(adopted.location())
                .andExpect(jsonPath("$.grants[0].status.roleAssignmentId").value(theirs.id()))
                .andExpect(jsonPath("$.grants[0].status.createdByPullBridge").value(false))
                .andExpect(jsonPath("$.grants[0].status.message", containsString("will not remove it")))
                .andExpect(jsonPath("$.grants[1].status.roleAssignmentId").value(ours))
                .andExpect(jsonPath("$.grants[1].status.createdByPullBridge").value(true));
        azure.clearRequests();

        UUID delete = DeleteJobs.accepted(operator.delete(adopted.location()));
        DeleteJobs.awaitSucceeded(jdbc, delete);

        assertThat(azure.callLines()).containsExactly("DELETE " + ours + API_VERSION);
        assertThat(azure.roleAssignmentsOf(existing.id())).extracting(RoleAssignment::id).containsExactly(theirs.id());
        assertThat(azure.servicePrincipal(existing.id())).isPresent();
        Api.reader(mvc).get("/api/v1/jobs/" + delete)
                .andExpect(jsonPath("$.steps[*].name").value(contains("check-references",
                        "keep-acrpull-on-" + registryName(), "remove-acrpush-on-" + registryName(),
                        "keep-adopted-principal", "remove-record")))
                .andExpect(jsonPath("$.steps[1].detail", containsString("did not create it")));
    }

    @Test
    void deletingACreatedPrincipalRemovesItsAssignmentsThenThePrincipalAndApplicationButNotAnAdoptedAssignment()
            throws Exception {
        Principals.Accepted created = Principals.created(operator, jdbc,
                createBody("doomed-" + UUID.randomUUID(), null, "acrpull"), "succeeded");
        String location = created.location();
        String objectId = JsonPath.read(Api.reader(mvc).get(location).andReturn().getResponse().getContentAsString(),
                "$.objectId");
        String appId = JsonPath.read(Api.reader(mvc).get(location).andReturn().getResponse().getContentAsString(),
                "$.appId");
        GraphApplication application = azure.applicationByAppId(appId).orElseThrow();
        // Someone else already gave it Owner: the grant PATCHed in adopts that assignment (409 RoleAssignmentExists).
        RoleAssignment owner = azure.addRoleAssignment(registry.resourceId(), UUID.randomUUID().toString(),
                BuiltInRoles.OWNER, objectId, "ServicePrincipal");
        Principals.Accepted patched = Principals.accepted(admin.patch(location, """
                {"grants": [{"registryId": "%s", "role": "acrpull"}, {"registryId": "%s", "role": "owner"}]}"""
                .formatted(registry.id(), registry.id())));
        Principals.awaitJob(jdbc, patched.job(), "succeeded");
        Api.reader(mvc).get(location)
                .andExpect(jsonPath("$.grants[1].status.roleAssignmentId").value(owner.id()))
                .andExpect(jsonPath("$.grants[1].status.createdByPullBridge").value(false));
        azure.clearRequests();

        UUID delete = DeleteJobs.accepted(operator.delete(location));
        DeleteJobs.awaitSucceeded(jdbc, delete);

        String pull = assignmentId(registry.resourceId(), objectId, BuiltInRoles.ACR_PULL);
        assertThat(azure.callLines()).containsExactly(
                "DELETE " + pull + API_VERSION,
                "GET /v1.0/applications?$filter=tags/any(t:t eq 'pullbridge:" + created.id() + "')",
                "DELETE /v1.0/servicePrincipals/" + objectId,
                "DELETE /v1.0/applications/" + application.id());
        assertThat(azure.roleAssignmentsOf(objectId)).extracting(RoleAssignment::id).containsExactly(owner.id());
        assertThat(azure.applicationByAppId(appId)).isEmpty();
        assertThat(azure.servicePrincipal(objectId)).isEmpty();
        assertThat(auditActions(created.id())).contains("service-principal.role-removed",
                "service-principal.application-deleted", "service-principal.delete");
    }

    @Test
    void onARegistryWithAbacRepositoryPermissionsGrantsUseTheRepositoryRolesAcrHonorsThere() throws Exception {
        String resourceId = Registries.seeded();
        azure.registry(resourceId).orElseThrow().abacEnabled(true);
        Registries.Registered abac = Registries.registered(mvc, jdbc, resourceId);
        String name = "abac-" + UUID.randomUUID();
        Principals.Accepted created = Principals.created(admin, jdbc, """
                {"mode": "create", "displayName": "%s", "grants": [{"registryId": "%s", "role": "acrpull"},
                 {"registryId": "%s", "role": "acrpush"}]}""".formatted(name, abac.id(), abac.id()), "succeeded");
        String objectId = JsonPath.read(Api.reader(mvc).get(created.location()).andReturn().getResponse()
                .getContentAsString(), "$.objectId");

        String reader = assignmentId(resourceId, objectId, BuiltInRoles.CONTAINER_REGISTRY_REPOSITORY_READER);
        String writer = assignmentId(resourceId, objectId, BuiltInRoles.CONTAINER_REGISTRY_REPOSITORY_WRITER);
        assertThat(azure.roleAssignmentsOf(objectId)).extracting(RoleAssignment::roleDefinitionGuid)
                .containsExactlyInAnyOrder(BuiltInRoles.CONTAINER_REGISTRY_REPOSITORY_READER,
                        BuiltInRoles.CONTAINER_REGISTRY_REPOSITORY_WRITER);
        String registryName = resourceId.substring(resourceId.lastIndexOf('/') + 1);
        Api.reader(mvc).get(created.location())
                .andExpect(jsonPath("$.grants[0].role").value("acrpull"))
                .andExpect(jsonPath("$.grants[0].status.roleAssignmentId").value(reader))
                .andExpect(jsonPath("$.grants[0].status.message").value("Container Registry Repository Reader (the "
                        + "registry uses ABAC repository permissions, where AcrPull is not honored) assigned on "
                        + registryName))
                .andExpect(jsonPath("$.grants[1].status.roleAssignmentId").value(writer));
        azure.clearRequests();

        DeleteJobs.awaitSucceeded(jdbc, DeleteJobs.accepted(operator.delete(created.location())));

        assertThat(azure.callLines()).contains("DELETE " + reader + API_VERSION, "DELETE " + writer + API_VERSION);
        assertThat(azure.roleAssignmentsOf(objectId)).isEmpty();
    }

    @Test
    void changedGrantsAreAssignedAndTheRemovedOnesRevoked() throws Exception {
        Registries.Registered second = Registries.registered(mvc, jdbc);
        azure.clearRequests();
        Principals.Accepted created = Principals.created(operator, jdbc,
                createBody("regrant-" + UUID.randomUUID(), null, "acrpull"), "succeeded");
        String objectId = JsonPath.read(Api.reader(mvc).get(created.location()).andReturn().getResponse()
                .getContentAsString(), "$.objectId");
        azure.clearRequests();

        MockHttpServletResponse patched = admin.patch(created.location(), """
                        {"grants": [{"registryId": "%s", "role": "acrpush"}, {"registryId": "%s", "role": "acrpull"}]}"""
                        .formatted(registry.id(), second.id()))
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.revokingGrants", hasSize(1)))
                .andExpect(jsonPath("$.revokingGrants[0].role").value("acrpull"))
                .andExpect(jsonPath("$.revokingGrants[0].registryId").value(registry.id().toString()))
                .andReturn().getResponse();
        UUID job = Registries.jobOf(patched);
        Principals.awaitJob(jdbc, job, "succeeded");

        String removed = assignmentId(registry.resourceId(), objectId, BuiltInRoles.ACR_PULL);
        assertThat(azure.callLines()).containsExactly(
                "GET " + roleDefinition(BuiltInRoles.ACR_PUSH) + API_VERSION,
                "PUT " + assignmentId(registry.resourceId(), objectId, BuiltInRoles.ACR_PUSH) + API_VERSION,
                "GET " + roleDefinition(second.resourceId(), BuiltInRoles.ACR_PULL) + API_VERSION,
                "PUT " + assignmentId(second.resourceId(), objectId, BuiltInRoles.ACR_PULL) + API_VERSION,
                "DELETE " + removed + API_VERSION);
        assertThat(azure.roleAssignmentsOf(objectId)).extracting(RoleAssignment::roleDefinitionGuid)
                .containsExactlyInAnyOrder(BuiltInRoles.ACR_PUSH, BuiltInRoles.ACR_PULL);
        Api.reader(mvc).get("/api/v1/jobs/" + job)
                .andExpect(jsonPath("$.type").value("service-principal.grants"))
                .andExpect(jsonPath("$.steps[*].name").value(contains("assign-acrpush-on-" + registryName(),
                        "assign-acrpull-on-" + name(second.resourceId()), "revoke-acrpull-on-" + registryName())));
        Api.reader(mvc).get(created.location())
                .andExpect(jsonPath("$.status.phase").value("Ready"))
                .andExpect(jsonPath("$.revokingGrants", hasSize(0)))
                .andExpect(jsonPath("$.grants[*].status.phase").value(contains("Ready", "Ready")));
    }

    @Test
    void aThrottledAssignmentIsRetriedAfterRetryAfter() throws Exception {
        // Longer than the adapter's in-place wait: the job engine retries once Retry-After has passed.
        azure.throttleNext(1, "PUT", "/roleAssignments/", Duration.ofSeconds(5));
        Principals.Accepted created = Principals.created(operator, jdbc,
                createBody("throttled-" + UUID.randomUUID(), null, "acrpull"), "succeeded");

        Api.reader(mvc).get("/api/v1/jobs/" + created.job())
                .andExpect(jsonPath("$.failedAttempts").value(1))
                .andExpect(jsonPath("$.attempts").value(2));
        assertThat(azure.callLines()).filteredOn(line -> line.equals("POST /v1.0/applications")).hasSize(1);
        assertThat(azure.callLines()).filteredOn(line -> line.startsWith("PUT ")).hasSize(2);
        Api.reader(mvc).get(created.location())
                .andExpect(jsonPath("$.status.phase").value("Ready"))
                .andExpect(jsonPath("$.grants[0].status.phase").value("Ready"));
    }

    @Test
    void aMissingRoleAssignmentPermissionFailsNamingTheScope() throws Exception {
        azure.denyRoleAssignmentWrite(TestPlatform.AZURE_CLIENT_ID, registry.resourceId());
        Principals.Accepted created = Principals.created(operator, jdbc,
                createBody("denied-" + UUID.randomUUID(), null, "acrpull"), "failed");

        Api.reader(mvc).get("/api/v1/jobs/" + created.job())
                .andExpect(jsonPath("$.failureClass").value("permanent"))
                .andExpect(jsonPath("$.lastError.type").value(PROBLEMS + "azure-authorization-failed"))
                .andExpect(jsonPath("$.lastError.detail",
                        containsString("Microsoft.Authorization/roleAssignments/write")))
                .andExpect(jsonPath("$.lastError.detail", containsString(registry.resourceId())))
                .andExpect(jsonPath("$.lastError.remoteRequestId").isNotEmpty());
        Api.reader(mvc).get(created.location())
                .andExpect(jsonPath("$.status.phase").value("Failed"))
                .andExpect(jsonPath("$.grants[0].status.phase").value("Failed"))
                .andExpect(jsonPath("$.grants[0].status.message",
                        containsString("Microsoft.Authorization/roleAssignments/write")))
                // The principal and its password exist: only the grant failed.
                .andExpect(jsonPath("$.credential.set").value(true));
    }

    @Test
    void theRoleAssignmentLimitFailsTheJobWithItsOwnProblem() throws Exception {
        azure.roleAssignmentLimit(0);
        try {
            Principals.Accepted created = Principals.created(operator, jdbc,
                    createBody("limited-" + UUID.randomUUID(), null, "acrpull"), "failed");
            Api.reader(mvc).get("/api/v1/jobs/" + created.job())
                    .andExpect(jsonPath("$.lastError.type").value(PROBLEMS + "azure-role-assignment-limit"))
                    .andExpect(jsonPath("$.lastError.remoteRequestId").isNotEmpty());
        } finally {
            azure.roleAssignmentLimit(4000);
        }
    }

    // ---- rotation -------------------------------------------------------------------------------------------

    @Test
    void rotationKeepsTheOldPasswordUntilEveryUserSwitchedThenRemovesIt() throws Exception {
        Principals.Accepted created = Principals.created(operator, jdbc,
                createBody("rotated-" + UUID.randomUUID(), null, "acrpull"), "succeeded");
        PullCredential old = service.pullCredential(created.id()).orElseThrow();
        GraphApplication application = azure.applicationByAppId(old.username()).orElseThrow();
        String oldKeyId = application.passwords().get(0).keyId();
        users.hold(created.id(), old.fingerprint());
        azure.clearRequests();

        UUID rotation = Principals.rotation(operator.post(created.location() + ":rotate", ""));
        await("the rotation to wait for the user").atMost(Principals.TIMEOUT)
                .until(() -> users.asked(created.id()) >= 2);

        assertThat(application.passwords()).hasSize(2);
        PasswordCredential added = application.passwords().get(1);
        assertThat(Principals.state(jdbc, rotation)).isIn("queued", "running");
        Api.reader(mvc).get(created.location())
                .andExpect(jsonPath("$.credential.keyId").value(added.keyId()))
                .andExpect(jsonPath("$.credential.fingerprint").value(cipher.fingerprint(added.secretText())))
                .andExpect(jsonPath("$.credential.previous.keyId").value(oldKeyId))
                .andExpect(jsonPath("$.credential.previous.fingerprint").value(old.fingerprint()));
        awaitStatusMessage(created.id(), "Waiting: 1 user(s) of the credential still hold the old password");
        assertThat(users.rotations()).contains(new CredentialRotated(new Reference("service-principal",
                created.id()), cipher.fingerprint(added.secretText())));
        // What a binding's job does on CredentialRotated: write the new password wherever the old one was.
        PullCredential current = service.pullCredential(created.id()).orElseThrow();
        assertThat(current.password()).isEqualTo(added.secretText());
        users.hold(created.id(), current.fingerprint());

        Principals.awaitJob(jdbc, rotation, "succeeded");
        assertThat(application.passwords()).extracting(PasswordCredential::keyId).containsExactly(added.keyId());
        assertThat(azure.callLines()).containsExactly(
                "GET /v1.0/applications/" + application.id(),
                "POST /v1.0/applications/" + application.id() + "/microsoft.graph.addPassword",
                "POST /v1.0/applications/" + application.id() + "/microsoft.graph.removePassword",
                "GET /v1.0/applications/" + application.id());
        assertThat(azure.requests(RecordedRequest.Surface.GRAPH).get(2).body()).contains(oldKeyId);
        Api.reader(mvc).get(created.location())
                .andExpect(jsonPath("$.status.phase").value("Ready"))
                .andExpect(jsonPath("$.credential.previous").value(nullValue()));
        Api.reader(mvc).get("/api/v1/jobs/" + rotation)
                .andExpect(jsonPath("$.steps[*].name").value(contains("add-password", "wait-for-users",
                        "remove-old-password")));
        assertNoSecretStored(added.secretText());
        assertNoSecretStored(old.password());
    }

    @Test
    void aRotationWhoseUsersNeverSwitchFailsAfterTheTimeoutKeepingBothPasswords() throws Exception {
        Principals.Accepted created = Principals.created(operator, jdbc,
                createBody("stuck-" + UUID.randomUUID(), null, "acrpull"), "succeeded");
        PullCredential old = service.pullCredential(created.id()).orElseThrow();
        users.hold(created.id(), old.fingerprint());
        UUID rotation = Principals.rotation(operator.post(created.location() + ":rotate", ""));
        await("the rotation to set its deadline").atMost(Principals.TIMEOUT).until(() -> jdbc.sql(
                "select rotation_deadline is not null from service_principals where id = ?").param(created.id())
                .query(Boolean.class).single());
        jdbc.sql("update service_principals set rotation_deadline = now() - interval '1 minute' where id = ?")
                .param(created.id()).update();

        Principals.awaitJob(jdbc, rotation, "failed");
        Api.reader(mvc).get("/api/v1/jobs/" + rotation)
                .andExpect(jsonPath("$.lastError.type").value(PROBLEMS + "credential-users-not-switched"))
                .andExpect(jsonPath("$.lastError.detail", containsString("binding test-binding")))
                .andExpect(jsonPath("$.lastError.detail", containsString("retry this job")));
        assertThat(azure.applicationByAppId(old.username()).orElseThrow().passwords()).hasSize(2);

        users.hold(created.id(), service.pullCredential(created.id()).orElseThrow().fingerprint());
        operator.post("/api/v1/jobs/" + rotation + ":retry", "").andExpect(status().isAccepted());
        Principals.awaitJob(jdbc, rotation, "succeeded");
        assertThat(azure.applicationByAppId(old.username()).orElseThrow().passwords()).hasSize(1);
    }

    @Test
    void anAdoptedPrincipalRotatesToTheGivenPasswordOnceProvenAndLeavesTheOldOneToItsOwner() throws Exception {
        GraphServicePrincipal existing = azure.addServicePrincipal("legacy-" + UUID.randomUUID());
        String oldPassword = passwordOf(existing).secretText();
        Principals.Accepted adopted = Principals.created(admin, jdbc, """
                {"mode": "adopt", "appId": "%s", "password": "%s", "passwordExpiresAt": "2999-01-01T00:00:00Z",
                 "grants": [{"registryId": "%s", "role": "acrpull"}]}"""
                .formatted(existing.appId(), oldPassword, registry.id()), "succeeded");
        // The owner adds the new password in Entra ID, then gives it to PullBridge.
        String newPassword = passwordOf(existing).secretText();
        azure.clearRequests();

        operator.post(adopted.location() + ":rotate", "{}")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("password"));
        operator.post(adopted.location() + ":rotate", "{\"password\": \"" + oldPassword + "\"}")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].message", containsString("current password")))
                .andExpect(content().string(not(containsString(oldPassword))));
        MockHttpServletResponse accepted = operator.post(adopted.location() + ":rotate", """
                        {"password": "%s", "passwordExpiresAt": "2998-01-01T00:00:00Z"}""".formatted(newPassword))
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.type").value("service-principal.rotate"))
                .andExpect(jsonPath("$.target.id").value(adopted.id().toString()))
                .andExpect(content().string(not(containsString(newPassword))))
                .andReturn().getResponse();
        UUID job = Registries.jobOf(accepted);
        Principals.awaitJob(jdbc, job, "succeeded");

        assertThat(azure.callLines()).isEmpty();
        assertThat(users.rotations()).contains(new CredentialRotated(new Reference("service-principal",
                adopted.id()), cipher.fingerprint(newPassword)));
        Api.reader(mvc).get("/api/v1/jobs/" + job)
                .andExpect(jsonPath("$.type").value("service-principal.rotate"))
                .andExpect(jsonPath("$.steps[*].name").value(contains("prove-password", "wait-for-users",
                        "finish-rotation")))
                .andExpect(jsonPath("$.steps[2].detail", containsString("its owner must remove")));
        Api.reader(mvc).get(adopted.location())
                .andExpect(jsonPath("$.status.message", containsString("its owner must remove")))
                .andExpect(jsonPath("$.credential.fingerprint").value(cipher.fingerprint(newPassword)))
                .andExpect(jsonPath("$.credential.expiresAt").value("2998-01-01T00:00:00Z"))
                .andExpect(jsonPath("$.credential.keyId").value(nullValue()))
                .andExpect(jsonPath("$.credential.verifiedAt").isNotEmpty())
                .andExpect(jsonPath("$.credential.pending").value(nullValue()))
                .andExpect(jsonPath("$.credential.previous").value(nullValue()));
        assertThat(service.pullCredential(adopted.id()).orElseThrow().password()).isEqualTo(newPassword);
        assertNoSecretStored(newPassword);
        assertNoSecretStored(oldPassword);
    }

    @Test
    void aPrincipalPullBridgeCreatedTakesNoPasswordToRotateAndNoneBeforeItHasOne() throws Exception {
        Principals.Accepted created = Principals.created(operator, jdbc,
                createBody("own-" + UUID.randomUUID(), null, "acrpull"), "succeeded");
        operator.post(created.location() + ":rotate", "{\"password\": \"Sup3r-S3cret-given\"}")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("password"))
                .andExpect(content().string(not(containsString("Sup3r-S3cret-given"))));

        azure.addServicePrincipal("taken-" + created.id());
        Principals.Accepted failed = Principals.created(operator, jdbc,
                createBody("taken-" + created.id(), null, "acrpull"), "failed");
        operator.post(failed.location() + ":rotate", "")
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.type").value(PROBLEMS + "invalid-state"));
        operator.post("/api/v1/service-principals/" + UUID.randomUUID() + ":rotate", "")
                .andExpect(status().isNotFound());
        Api.reader(mvc).post(created.location() + ":rotate", "").andExpect(status().isForbidden());
    }

    // ---- expiry and automatic rotation ----------------------------------------------------------------------

    @Test
    void theCredentialExpiringConditionWarnsBeforeThePasswordExpires() throws Exception {
        Principals.Accepted created = Principals.created(operator, jdbc,
                createBody("expiring-" + UUID.randomUUID(), null, "acrpull"), "succeeded");
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant since = now.minus(Duration.ofDays(300));

        setPasswordDates(created.id(), since, now.plus(Duration.ofDays(10)));
        Api.reader(mvc).get(created.location())
                .andExpect(jsonPath("$.status.conditions[0].type").value("CredentialExpiring"))
                .andExpect(jsonPath("$.status.conditions[0].status").value("True"))
                .andExpect(jsonPath("$.status.conditions[0].reason").value("ExpiresSoon"))
                .andExpect(jsonPath("$.status.conditions[0].message", containsString("in 9 days")))
                .andExpect(jsonPath("$.status.conditions[0].lastTransitionTime")
                        .value(now.plus(Duration.ofDays(10)).minus(Duration.ofDays(30)).toString()));

        setPasswordDates(created.id(), since, now.minus(Duration.ofDays(1)));
        Api.reader(mvc).get(created.location())
                .andExpect(jsonPath("$.status.conditions[0].status").value("True"))
                .andExpect(jsonPath("$.status.conditions[0].reason").value("Expired"))
                .andExpect(jsonPath("$.status.conditions[0].message", containsString(":rotate")));

        setPasswordDates(created.id(), since, now.plus(Duration.ofDays(100)));
        Api.reader(mvc).get(created.location())
                .andExpect(jsonPath("$.status.conditions[0].status").value("False"))
                .andExpect(jsonPath("$.status.conditions[0].reason").value("Valid"))
                .andExpect(jsonPath("$.status.conditions[0].lastTransitionTime").value(since.toString()));

        GraphServicePrincipal existing = azure.addServicePrincipal("noexpiry-" + UUID.randomUUID());
        Principals.Accepted adopted = Principals.created(admin, jdbc,
                adoptBody(existing.appId(), existing.id(), passwordOf(existing).secretText()), "succeeded");
        Api.reader(mvc).get(adopted.location())
                .andExpect(jsonPath("$.status.conditions[0].status").value("Unknown"))
                .andExpect(jsonPath("$.status.conditions[0].reason").value("ExpiryUnknown"));
    }

    @Test
    void aPasswordPastTheConfiguredFractionOfItsLifetimeIsRotatedAutomatically() throws Exception {
        Principals.Accepted due = Principals.created(operator, jdbc,
                createBody("due-" + UUID.randomUUID(), null, "acrpull"), "succeeded");
        Principals.Accepted fresh = Principals.created(operator, jdbc,
                createBody("fresh-" + UUID.randomUUID(), null, "acrpull"), "succeeded");
        Instant now = Instant.now();
        // 82% of a 365-day lifetime has passed: due at the default auto-rotate-at of 0.8.
        setPasswordDates(due.id(), now.minus(Duration.ofDays(300)), now.plus(Duration.ofDays(65)));
        String oldKeyId = jdbc.sql("select credential_password_key_id::text from service_principals where id = ?")
                .param(due.id()).query(String.class).single();

        List<JobRequest> requests = rotations.reconcileRequests();
        assertThat(requests).filteredOn(request -> request.targetId().equals(due.id())).singleElement()
                .satisfies(request -> {
                    assertThat(request.type()).isEqualTo("service-principal.rotate");
                    assertThat(request.data()).containsEntry("reason", "automatic");
                });
        assertThat(requests).noneMatch(request -> request.targetId().equals(fresh.id()));
        assertThat(new ServicePrincipalRotations(null, properties(false), java.time.Clock.systemUTC())
                .reconcileRequests()).isEmpty();

        // What the reconcile pass does with each request.
        JobRequest request = requests.stream().filter(r -> r.targetId().equals(due.id())).findFirst().orElseThrow();
        UUID job = tx.execute(status -> jobs.enqueue(request)).id();
        Principals.awaitJob(jdbc, job, "succeeded");

        String appId = JsonPath.read(Api.reader(mvc).get(due.location()).andReturn().getResponse()
                .getContentAsString(), "$.appId");
        assertThat(azure.applicationByAppId(appId).orElseThrow().passwords()).extracting(PasswordCredential::keyId)
                .singleElement().isNotEqualTo(oldKeyId);
        Api.reader(mvc).get(due.location())
                .andExpect(jsonPath("$.status.phase").value("Ready"))
                .andExpect(jsonPath("$.status.conditions[0].status").value("False"));
        assertThat(rotations.reconcileRequests()).noneMatch(r -> r.targetId().equals(due.id()));
        assertThat(auditDetails(due.id(), "service-principal.password-added")).anyMatch(detail ->
                detail.contains("automatic rotation"));
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private String createBody(String displayName, String lifetime, String role) {
        return """
                {"mode": "create", "displayName": "%s", %s"grants": [{"registryId": "%s", "role": "%s"}]}"""
                .formatted(displayName, lifetime == null ? "" : "\"passwordLifetime\": \"" + lifetime + "\", ",
                        registry.id(), role);
    }

    private String adoptBody(String appId, String objectId, String password) {
        return """
                {"mode": "adopt", "appId": "%s", "objectId": "%s", "password": "%s",
                 "grants": [{"registryId": "%s", "role": "acrpull"}]}"""
                .formatted(appId, objectId, password, registry.id());
    }

    /** A new client secret of the principal's application in Entra ID, as its owner would add one. */
    private PasswordCredential passwordOf(GraphServicePrincipal principal) {
        return azure.addPassword(principal, secret(), Instant.now().plus(Duration.ofDays(365)));
    }

    private static String secret() {
        return "Sup3r-S3cret~" + UUID.randomUUID();
    }

    private String registryName() {
        return name(registry.resourceId());
    }

    private static String name(String resourceId) {
        return resourceId.substring(resourceId.lastIndexOf('/') + 1);
    }

    private static String roleDefinition(String scope, String role) {
        String subscription = scope.split("/")[2];
        return "/subscriptions/" + subscription + "/providers/Microsoft.Authorization/roleDefinitions/" + role;
    }

    private String roleDefinition(String role) {
        return roleDefinition(registry.resourceId(), role);
    }

    /** The assignment PullBridge makes: named by a name-based UUID of scope, principal and role. */
    private static String assignmentId(String scope, String principalId, String role) {
        String name = UUID.nameUUIDFromBytes((scope.toLowerCase(Locale.ROOT) + "|" + principalId + "|" + role)
                .getBytes(StandardCharsets.UTF_8)).toString();
        return scope + ROLE_ASSIGNMENTS + name;
    }

    private void awaitGrantMessage(UUID principal, String text) {
        await("a grant of " + principal + " to say '" + text + "'").atMost(Principals.TIMEOUT).until(() -> jdbc.sql(
                        "select count(*) from service_principal_grants where service_principal_id = ? "
                                + "and status_message like ?")
                .params(principal, "%" + text + "%").query(Long.class).single() > 0);
    }

    /** The principal's status message, which alternates with "working on it" while its job polls. */
    private void awaitStatusMessage(UUID principal, String text) {
        await(principal + " to say '" + text + "'").atMost(Principals.TIMEOUT).until(() -> jdbc.sql(
                        "select count(*) from service_principals where id = ? and status_message like ?")
                .params(principal, text + "%").query(Long.class).single() > 0);
    }

    private void setPasswordDates(UUID principal, Instant createdAt, Instant expiresAt) {
        jdbc.sql("update service_principals set credential_created_at = ?, credential_expires_at = ? where id = ?")
                .params(java.sql.Timestamp.from(createdAt), java.sql.Timestamp.from(expiresAt), principal).update();
    }

    private void assertNoSecretStored(String secret) {
        assertThat(jdbc.sql("select count(*) from jobs j where row_to_json(j)::text like ?")
                .param("%" + secret + "%").query(Long.class).single()).as("jobs holding the secret").isZero();
        assertThat(jdbc.sql("select count(*) from audit_events a where row_to_json(a)::text like ?")
                .param("%" + secret + "%").query(Long.class).single()).as("audit events holding the secret").isZero();
        assertThat(jdbc.sql("select count(*) from service_principals p where row_to_json(p)::text like ?")
                .param("%" + secret + "%").query(Long.class).single()).as("principals holding the secret").isZero();
    }

    private List<String> auditActions(UUID principal) {
        return jdbc.sql("select action from audit_events where resource_id = ? order by occurred_at")
                .param(principal.toString()).query(String.class).list();
    }

    private List<String> auditDetails(UUID principal, String action) {
        return jdbc.sql("select detail from audit_events where resource_id = ? and action = ?")
                .params(principal.toString(), action).query(String.class).list();
    }

    private static PrincipalsProperties properties(boolean autoRotate) {
        return new PrincipalsProperties(new PrincipalsProperties.PasswordLifetime(Duration.ofDays(1),
                Duration.ofDays(730), Duration.ofDays(365)), Duration.ofMinutes(10), Duration.ofDays(30), autoRotate,
                0.8, new PrincipalsProperties.Rotation(Duration.ofHours(1), Duration.ofSeconds(15)));
    }

    /** A stand-in for the bindings that will write the principals' passwords into pull secrets. */
    @TestConfiguration(proxyBeanMethods = false)
    static class Users {

        @Bean
        SwitchableUsers switchableUsers() {
            return new SwitchableUsers();
        }
    }

    /**
     * Users of credentials that hold the password a test says, reporting themselves not switched until they hold
     * the one a rotation asks for, and recording every {@link CredentialRotated}.
     */
    static class SwitchableUsers implements CredentialUsers {

        private final Map<UUID, String> holding = new ConcurrentHashMap<>();
        private final Map<UUID, Integer> asked = new ConcurrentHashMap<>();
        private final List<CredentialRotated> rotations = new CopyOnWriteArrayList<>();

        void reset() {
            holding.clear();
            asked.clear();
        }

        void hold(UUID principal, String fingerprint) {
            holding.put(principal, fingerprint);
        }

        int asked(UUID principal) {
            return asked.getOrDefault(principal, 0);
        }

        List<CredentialRotated> rotations() {
            return List.copyOf(rotations);
        }

        @EventListener
        void on(CredentialRotated rotated) {
            rotations.add(rotated);
        }

        @Override
        public List<String> notYetSwitched(Reference credential, String fingerprint) {
            asked.merge(credential.id(), 1, Integer::sum);
            String held = holding.get(credential.id());
            return held == null || held.equals(fingerprint) ? List.of()
                    : List.of("binding test-binding in cluster test-cluster holds " + held);
        }
    }
}
