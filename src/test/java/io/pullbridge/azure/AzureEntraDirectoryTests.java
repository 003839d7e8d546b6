package io.pullbridge.azure;

import io.pullbridge.jobs.JobFailure;
import io.pullbridge.principals.EntraDirectory.DirectoryApplication;
import io.pullbridge.principals.EntraDirectory.DirectoryPrincipal;
import io.pullbridge.principals.EntraDirectory.NewPassword;
import io.pullbridge.principals.EntraDirectory.PasswordInfo;
import io.pullbridge.support.azure.AzureEmulator;
import io.pullbridge.support.azure.GraphApplication;
import io.pullbridge.support.azure.GraphServicePrincipal;
import io.pullbridge.support.azure.PasswordCredential;
import io.pullbridge.support.azure.RecordedRequest;
import io.pullbridge.support.azure.RecordedRequest.Surface;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.pullbridge.azure.AzureTestSupport.CLIENT_ID;
import static io.pullbridge.azure.AzureTestSupport.CLIENT_SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Entra ID applications, service principals and passwords through Graph, asserted call by call. */
class AzureEntraDirectoryTests {

    @AutoClose
    private static final AzureEmulator emulator = AzureEmulator.start();

    private AzureEntraDirectory directory;

    @BeforeEach
    void seed() {
        emulator.reset();
        emulator.registerPullBridge(CLIENT_ID, CLIENT_SECRET);
        directory = new AzureEntraDirectory(AzureTestSupport.clients(emulator));
    }

    @Test
    void createsAnApplicationAndItsServicePrincipal() {
        DirectoryPrincipal created = directory.createApplicationWithPrincipal("acr-pull-team-a");

        GraphApplication application = emulator.applicationByAppId(created.appId().toString()).orElseThrow();
        GraphServicePrincipal principal = emulator.servicePrincipal(created.servicePrincipalObjectId().toString())
                .orElseThrow();
        assertThat(created).isEqualTo(new DirectoryPrincipal(UUID.fromString(principal.id()),
                UUID.fromString(application.appId()), UUID.fromString(application.id()), "acr-pull-team-a"));
        assertThat(principal.accountEnabled()).isTrue();
        assertThat(emulator.callLines()).containsExactly("POST /v1.0/applications", "POST /v1.0/servicePrincipals");
        assertThat(emulator.requests(Surface.GRAPH).get(0).body()).contains("\"displayName\":\"acr-pull-team-a\"");
        assertThat(emulator.requests(Surface.GRAPH).get(1).body())
                .contains("\"appId\":\"" + application.appId() + "\"").contains("\"accountEnabled\":true");
    }

    @Test
    void tagsTheApplicationsItCreatesAndFindsThemByTagOldestFirst() {
        DirectoryApplication first = directory.createApplication("tagged-a", "pullbridge:1234");
        DirectoryApplication second = directory.createApplication("tagged-b", "pullbridge:1234");
        directory.createApplication("other", "pullbridge:5678");

        assertThat(directory.findApplicationsByTag("pullbridge:1234")).containsExactly(first, second);
        assertThat(directory.findApplicationsByTag("pullbridge:none")).isEmpty();
        assertThat(emulator.applicationByAppId(first.appId().toString()).orElseThrow().tags())
                .containsExactly("pullbridge:1234");
        assertThat(emulator.callLines()).endsWith(
                "GET /v1.0/applications?$filter=tags/any(t:t eq 'pullbridge:1234')",
                "GET /v1.0/applications?$filter=tags/any(t:t eq 'pullbridge:none')");
        assertThat(emulator.requests(Surface.GRAPH).get(0).body()).contains("\"tags\":[\"pullbridge:1234\"]");
    }

    @Test
    void aCallThatMakesSomethingIsNotRepeatedWhenItsAnswerIsLost() {
        emulator.loseNextAnswer(1, "POST", "^/v1\\.0/applications$");

        JobFailure failure = catchThrowableOfType(JobFailure.class,
                () -> directory.createApplication("lost-answer", "pullbridge:1234"));

        assertThat(failure.isTransient()).isTrue();
        // Made once: the rerun of the job finds it by its tag, instead of a second one made here in place.
        assertThat(emulator.applications()).filteredOn(a -> a.displayName().equals("lost-answer")).hasSize(1);
        assertThat(emulator.callLines()).containsExactly("POST /v1.0/applications");
        assertThat(directory.findApplicationsByTag("pullbridge:1234")).singleElement()
                .satisfies(found -> assertThat(found.displayName()).isEqualTo("lost-answer"));

        GraphServicePrincipal principal = emulator.addServicePrincipal("lost-password");
        UUID application = UUID.fromString(emulator.applicationByAppId(principal.appId()).orElseThrow().id());
        emulator.loseNextAnswer(1, "POST", "addPassword$");
        assertThat(catchThrowableOfType(JobFailure.class, () -> directory.addPassword(application,
                "pullbridge:1234 2026-01-01", Instant.now().plus(Duration.ofDays(1)))).isTransient()).isTrue();
        assertThat(directory.passwords(application)).singleElement()
                .satisfies(password -> assertThat(password.displayName()).isEqualTo("pullbridge:1234 2026-01-01"));
    }

    @Test
    void listsAnApplicationsPasswordsWithoutTheirSecrets() {
        GraphServicePrincipal principal = emulator.addServicePrincipal("listed");
        GraphApplication application = emulator.applicationByAppId(principal.appId()).orElseThrow();
        UUID applicationId = UUID.fromString(application.id());
        Instant expiry = Instant.now().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS);
        NewPassword added = directory.addPassword(applicationId, "pullbridge:42 2026-01-01", expiry);

        assertThat(directory.passwords(applicationId)).containsExactly(
                new PasswordInfo(added.keyId(), "pullbridge:42 2026-01-01", expiry));
        assertThat(directory.passwords(UUID.randomUUID())).isEmpty();
        assertThat(emulator.callLines()).hasSize(3).element(1).isEqualTo("GET /v1.0/applications/" + applicationId);
    }

    @Test
    void provesAPasswordBySigningInAsItsApplicationAndThrowsTheTokenAway() {
        GraphServicePrincipal principal = emulator.addServicePrincipal("adopted");
        String secret = "adopted-secret-" + UUID.randomUUID();
        emulator.addPassword(principal, secret, Instant.now().plus(Duration.ofDays(30)));
        emulator.clearRequests();

        directory.provePossession(UUID.fromString(emulator.tenantId()), UUID.fromString(principal.appId()), secret);

        assertThat(emulator.requests(Surface.TOKEN)).singleElement().satisfies(request -> {
            assertThat(request.path()).isEqualTo("/" + emulator.tenantId() + "/oauth2/v2.0/token");
            assertThat(request.clientId()).isEqualTo(principal.appId());
            assertThat(request.status()).isEqualTo(200);
        });
        assertThat(emulator.callLines()).isEmpty();
    }

    @Test
    void aWrongOrExpiredPasswordIsRejectedNamingOnlyEntrasCode() {
        GraphServicePrincipal principal = emulator.addServicePrincipal("adopted");
        UUID appId = UUID.fromString(principal.appId());
        UUID tenant = UUID.fromString(emulator.tenantId());
        emulator.addPassword(principal, "expired-secret-value", Instant.now().minus(Duration.ofDays(1)));

        JobFailure wrong = catchThrowableOfType(JobFailure.class,
                () -> directory.provePossession(tenant, appId, "made-up-secret-value"));
        JobFailure expired = catchThrowableOfType(JobFailure.class,
                () -> directory.provePossession(tenant, appId, "expired-secret-value"));
        JobFailure unknown = catchThrowableOfType(JobFailure.class,
                () -> directory.provePossession(tenant, UUID.randomUUID(), "made-up-secret-value"));

        assertThat(wrong.isTransient()).isFalse();
        assertThat(wrong.problem().type()).isEqualTo("https://pullbridge.io/problems/service-principal-password-rejected");
        assertThat(wrong.problem().detail()).contains("AADSTS7000215").contains(appId.toString())
                .doesNotContain("made-up-secret-value").doesNotContain("Trace ID").doesNotContain("Invalid client");
        assertThat(wrong.getCause()).isNull();
        assertThat(expired.problem().type()).isEqualTo(wrong.problem().type());
        assertThat(expired.problem().detail()).contains("AADSTS7000222").contains("expired")
                .doesNotContain("expired-secret-value");
        assertThat(unknown.problem().detail()).contains("AADSTS700016");
        assertThat(emulator.requests(Surface.TOKEN)).allSatisfy(request ->
                assertThat(request.body()).doesNotContain("made-up-secret-value").doesNotContain("expired-secret"));
    }

    @Test
    void anEntraOutageIsTransientNotARejection() {
        GraphServicePrincipal principal = emulator.addServicePrincipal("adopted");
        emulator.failNext(10, "POST", "/oauth2/v2\\.0/token$", 503, "temporarily_unavailable",
                "The service is temporarily unavailable.");

        JobFailure failure = catchThrowableOfType(JobFailure.class, () -> directory.provePossession(
                UUID.fromString(emulator.tenantId()), UUID.fromString(principal.appId()), "any-secret"));

        assertThat(failure.isTransient()).isTrue();
        assertThat(failure.problem().type()).isEqualTo("https://pullbridge.io/problems/azure-unavailable");
        assertThat(failure.problem().detail()).contains("HTTP 503").doesNotContain("any-secret");
    }

    @Test
    void tellsWhetherAnApplicationOfThatNameExists() {
        emulator.addServicePrincipal("it's-team-a");

        assertThat(directory.applicationExists("it's-team-a")).isTrue();
        assertThat(directory.applicationExists("team-b")).isFalse();
        assertThat(emulator.callLines()).containsExactly(
                "GET /v1.0/applications?$filter=displayName eq 'it''s-team-a'",
                "GET /v1.0/applications?$filter=displayName eq 'team-b'");
    }

    @Test
    void findsAPrincipalByAppIdOrObjectIdWithItsApplication() {
        GraphServicePrincipal principal = emulator.addServicePrincipal("adopted");
        GraphApplication application = emulator.applicationByAppId(principal.appId()).orElseThrow();
        DirectoryPrincipal expected = new DirectoryPrincipal(UUID.fromString(principal.id()),
                UUID.fromString(principal.appId()), UUID.fromString(application.id()), "adopted");

        assertThat(directory.findByAppId(UUID.fromString(principal.appId()))).contains(expected);
        assertThat(directory.findByObjectId(UUID.fromString(principal.id()))).contains(expected);
        assertThat(directory.findByAppId(UUID.randomUUID())).isEmpty();
        assertThat(directory.findByObjectId(UUID.randomUUID())).isEmpty();
        assertThat(emulator.callLines()).startsWith(
                "GET /v1.0/servicePrincipals?$filter=appId eq '" + principal.appId() + "'",
                "GET /v1.0/applications?$filter=appId eq '" + principal.appId() + "'",
                "GET /v1.0/servicePrincipals/" + principal.id(),
                "GET /v1.0/applications?$filter=appId eq '" + principal.appId() + "'");
    }

    @Test
    void addsAPasswordToTheApplicationAndRemovesItIdempotently() {
        GraphServicePrincipal principal = emulator.addServicePrincipal("rotated");
        GraphApplication application = emulator.applicationByAppId(principal.appId()).orElseThrow();
        UUID applicationId = UUID.fromString(application.id());
        Instant expiry = Instant.now().plus(Duration.ofDays(365)).truncatedTo(ChronoUnit.SECONDS);

        NewPassword password = directory.addPassword(applicationId, "pullbridge-1", expiry);

        PasswordCredential stored = application.passwords().get(0);
        assertThat(password.keyId()).isEqualTo(UUID.fromString(stored.keyId()));
        assertThat(password.secret()).isEqualTo(stored.secretText());
        assertThat(password.expiresAt()).isEqualTo(expiry);
        assertThat(password.toString()).doesNotContain(password.secret());
        assertThat(stored.displayName()).isEqualTo("pullbridge-1");

        directory.removePassword(applicationId, password.keyId());
        directory.removePassword(applicationId, password.keyId());
        UUID goneApplication = UUID.randomUUID();
        directory.removePassword(goneApplication, password.keyId());

        assertThat(application.passwords()).isEmpty();
        assertThat(emulator.callLines()).containsExactly(
                "POST /v1.0/applications/" + applicationId + "/microsoft.graph.addPassword",
                "POST /v1.0/applications/" + applicationId + "/microsoft.graph.removePassword",
                "POST /v1.0/applications/" + applicationId + "/microsoft.graph.removePassword",
                "POST /v1.0/applications/" + goneApplication + "/microsoft.graph.removePassword");
        // Gone already: the password (Graph's 400 naming the keyId), then the whole application (404).
        assertThat(emulator.requests(Surface.GRAPH)).extracting(RecordedRequest::status)
                .containsExactly(200, 204, 400, 404);
        assertThat(emulator.requests(Surface.GRAPH).get(0).body())
                .contains("\"displayName\":\"pullbridge-1\"").contains("\"endDateTime\":\"" + expiry + "\"");
    }

    @Test
    void deletesThePrincipalAndThenTheApplicationAndAgainWithoutError() {
        DirectoryPrincipal created = directory.createApplicationWithPrincipal("short-lived");
        emulator.clearRequests();

        directory.deleteApplicationAndPrincipal(created.applicationObjectId(), created.servicePrincipalObjectId());
        directory.deleteApplicationAndPrincipal(created.applicationObjectId(), created.servicePrincipalObjectId());

        assertThat(emulator.applicationByAppId(created.appId().toString())).isEmpty();
        assertThat(emulator.servicePrincipal(created.servicePrincipalObjectId().toString())).isEmpty();
        assertThat(emulator.requests(Surface.GRAPH)).extracting(RecordedRequest::line, RecordedRequest::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("DELETE /v1.0/servicePrincipals/"
                                + created.servicePrincipalObjectId(), 204),
                        org.assertj.core.groups.Tuple.tuple("DELETE /v1.0/applications/"
                                + created.applicationObjectId(), 204),
                        org.assertj.core.groups.Tuple.tuple("DELETE /v1.0/servicePrincipals/"
                                + created.servicePrincipalObjectId(), 404),
                        org.assertj.core.groups.Tuple.tuple("DELETE /v1.0/applications/"
                                + created.applicationObjectId(), 404));
    }

    @Test
    void aCallerWithoutGraphRightsGetsAGraphFailureThatSaysWhatIsMissing() {
        emulator.denyGraphWrites(CLIENT_ID);

        JobFailure failure = catchThrowableOfType(JobFailure.class,
                () -> directory.createApplicationWithPrincipal("not-allowed"));

        assertThat(failure.problem().type()).isEqualTo("https://pullbridge.io/problems/azure-graph-failed");
        assertThat(failure.problem().status()).isEqualTo(403);
        assertThat(failure.isTransient()).isFalse();
        assertThat(failure.problem().detail()).contains("Authorization_RequestDenied")
                .contains("Application.ReadWrite.OwnedBy");
        assertThat(failure.problem().remoteRequestId()).isNotBlank();
        assertThat(emulator.applications()).extracting(GraphApplication::displayName).doesNotContain("not-allowed");
    }

    @Test
    void graphThrottlingIsTransientWithItsRetryAfter() {
        emulator.throttleNext(1, "GET", "/v1.0/servicePrincipals/", Duration.ofSeconds(12));

        JobFailure failure = catchThrowableOfType(JobFailure.class,
                () -> directory.findByObjectId(UUID.randomUUID()));

        assertThat(failure.problem().type()).isEqualTo("https://pullbridge.io/problems/azure-throttled");
        assertThat(failure.retryAfter()).contains(Duration.ofSeconds(12));
        assertThat(failure.isTransient()).isTrue();
    }

    @Test
    void addingAPasswordToAMissingApplicationIsNotFound() {
        JobFailure failure = catchThrowableOfType(JobFailure.class,
                () -> directory.addPassword(UUID.randomUUID(), "x", Instant.now().plus(Duration.ofDays(1))));

        assertThat(failure.problem().type()).isEqualTo("https://pullbridge.io/problems/azure-not-found");
        assertThat(failure.problem().detail()).contains("Request_ResourceNotFound");
        assertThat(failure.problem().remoteRequestId()).isNotBlank();
    }
}
