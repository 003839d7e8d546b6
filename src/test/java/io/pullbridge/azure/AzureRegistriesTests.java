package io.pullbridge.azure;

import io.pullbridge.jobs.JobFailure;
import io.pullbridge.registries.RegistryDirectory.RegistryFacts;
import io.pullbridge.registries.RegistryTokenStore.GeneratedPassword;
import io.pullbridge.registries.RegistryTokenStore.PasswordSlot;
import io.pullbridge.support.azure.AzureEmulator;
import io.pullbridge.support.azure.EmulatedRegistry;
import io.pullbridge.support.azure.RecordedRequest;
import io.pullbridge.support.azure.RecordedRequest.Surface;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.pullbridge.azure.AzureTestSupport.CLIENT_ID;
import static io.pullbridge.azure.AzureTestSupport.CLIENT_SECRET;
import static io.pullbridge.azure.AzureTestSupport.OTHER_SUBSCRIPTION;
import static io.pullbridge.azure.AzureTestSupport.SUBSCRIPTION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Registries and their repository-scoped tokens, asserted call by call against the Azure emulator. */
class AzureRegistriesTests {

    @AutoClose
    private static final AzureEmulator emulator = AzureEmulator.start();

    private EmulatedRegistry registry;
    private AzureRegistryDirectory directory;
    private AzureRegistryTokenStore tokens;

    @BeforeEach
    void seed() {
        emulator.reset();
        emulator.registerPullBridge(CLIENT_ID, CLIENT_SECRET);
        registry = emulator.addRegistry(SUBSCRIPTION, "rg1", "myregistry");
        AzureClients clients = AzureTestSupport.clients(emulator);
        directory = new AzureRegistryDirectory(clients);
        tokens = new AzureRegistryTokenStore(clients);
    }

    // ---- registries

    @Test
    void readsARegistrysFactsWithOneGet() {
        registry.sku("Premium").location("northeurope").abacEnabled(true).dataEndpointEnabled(true);

        RegistryFacts facts = directory.read(registry.id()).orElseThrow();

        assertThat(facts).isEqualTo(new RegistryFacts(registry.id(), "myregistry", "myregistry.azurecr.io", "Premium",
                "northeurope", true, true));
        assertThat(emulator.callLines()).containsExactly("GET " + registry.id() + "?api-version=2025-11-01");
    }

    @Test
    void aLegacyRegistryWithoutDataEndpointSaysSo() {
        RegistryFacts facts = directory.read(registry.id()).orElseThrow();

        assertThat(facts.abacEnabled()).isFalse();
        assertThat(facts.dataEndpointEnabled()).isFalse();
        assertThat(facts.sku()).isEqualTo("Standard");
    }

    @Test
    void readsARegistryFromTheSubscriptionItsIdNamesNotAnother() {
        EmulatedRegistry elsewhere = emulator.addRegistry(OTHER_SUBSCRIPTION, "rg1", "myregistry");
        directory.read(registry.id());
        emulator.clearRequests();

        RegistryFacts facts = directory.read(elsewhere.id()).orElseThrow();

        assertThat(facts.resourceId()).isEqualTo(elsewhere.id());
        assertThat(emulator.callLines()).containsExactly("GET " + elsewhere.id() + "?api-version=2025-11-01");
    }

    @Test
    void aMissingRegistryOrSubscriptionIsEmpty() {
        String missing = "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/rg1/providers/"
                + "Microsoft.ContainerRegistry/registries/nosuchregistry";
        String unknownSubscription = "/subscriptions/" + UUID.randomUUID() + "/resourceGroups/rg1/providers/"
                + "Microsoft.ContainerRegistry/registries/myregistry";

        assertThat(directory.read(missing)).isEmpty();
        assertThat(directory.read(unknownSubscription)).isEmpty();
    }

    @Test
    void listsTheRegistriesOfASubscriptionOrOfOneResourceGroup() {
        emulator.addRegistry(SUBSCRIPTION, "rg1", "second");
        emulator.addRegistry(SUBSCRIPTION, "rg2", "third");

        List<RegistryFacts> all = directory.list(UUID.fromString(SUBSCRIPTION), null);
        List<RegistryFacts> inGroup = directory.list(UUID.fromString(SUBSCRIPTION), "rg1");

        assertThat(all).extracting(RegistryFacts::name).containsExactly("myregistry", "second", "third");
        assertThat(inGroup).extracting(RegistryFacts::name).containsExactly("myregistry", "second");
        assertThat(emulator.callLines()).containsExactly(
                "GET /subscriptions/" + SUBSCRIPTION + "/providers/Microsoft.ContainerRegistry/registries"
                        + "?api-version=2025-11-01",
                "GET /subscriptions/" + SUBSCRIPTION + "/resourceGroups/rg1/providers/Microsoft.ContainerRegistry"
                        + "/registries?api-version=2025-11-01");
    }

    @Test
    void listingAnUnknownResourceGroupIsANotFoundFailure() {
        JobFailure failure = catchThrowableOfType(JobFailure.class,
                () -> directory.list(UUID.fromString(SUBSCRIPTION), "nosuchgroup"));

        assertThat(failure.problem().type()).isEqualTo("https://pullbridge.io/problems/azure-not-found");
        assertThat(failure.isTransient()).isFalse();
        assertThat(failure.problem().detail()).contains("ResourceGroupNotFound");
        assertThat(failure.problem().remoteRequestId()).isNotBlank();
    }

    @Test
    void aCallerWithoutReadRightsGetsAnAuthorizationFailureNamingTheAction() {
        emulator.denyAction(CLIENT_ID, "Microsoft.ContainerRegistry/registries/read", registry.id());

        JobFailure failure = catchThrowableOfType(JobFailure.class, () -> directory.read(registry.id()));

        assertThat(failure.problem().type()).isEqualTo("https://pullbridge.io/problems/azure-authorization-failed");
        assertThat(failure.problem().detail())
                .contains("lacks the permission 'Microsoft.ContainerRegistry/registries/read' at scope '"
                        + registry.id() + "'");
    }

    @Test
    void aServerErrorIsRetriedBrieflyInPlaceThenComesBackAsUnavailable() {
        emulator.failNext(1, "GET", "/registries/myregistry$", 503, "ServiceUnavailable", "Try again.");

        assertThat(directory.read(registry.id())).isPresent();
        assertThat(emulator.requests(Surface.ARM)).extracting(RecordedRequest::status).containsExactly(503, 200);

        emulator.clearRequests().failNext(5, "GET", "/registries/myregistry$", 500, "InternalServerError", "Oops.");
        JobFailure failure = catchThrowableOfType(JobFailure.class, () -> directory.read(registry.id()));

        assertThat(failure.problem().type()).isEqualTo("https://pullbridge.io/problems/azure-unavailable");
        assertThat(failure.isTransient()).isTrue();
        // The first try and two retries, then the job engine takes over.
        assertThat(emulator.requests(Surface.ARM)).hasSize(3);
    }

    @Test
    void aShortRetryAfterIsWaitedOutInPlaceALongOneGoesBackToTheJobEngine() {
        emulator.throttleNext(1, "GET", "/registries/myregistry$", Duration.ZERO);
        assertThat(directory.read(registry.id())).isPresent();

        emulator.clearRequests().throttleNext(1, "GET", "/registries/myregistry$", Duration.ofSeconds(30));
        JobFailure failure = catchThrowableOfType(JobFailure.class, () -> directory.read(registry.id()));

        assertThat(failure.problem().type()).isEqualTo("https://pullbridge.io/problems/azure-throttled");
        assertThat(failure.retryAfter()).contains(Duration.ofSeconds(30));
        assertThat(emulator.requests(Surface.ARM)).hasSize(1);
    }

    // ---- tokens

    @Test
    void createsAScopeMapAndAnEnabledTokenBoundToIt() {
        Map<String, List<String>> repositories = new LinkedHashMap<>();
        repositories.put("team-a/*", List.of("content/read", "metadata/read"));
        repositories.put("base/alpine", List.of("content/read"));

        tokens.putScopeMap(registry.id(), "team-a-pull-scope", repositories);
        tokens.putToken(registry.id(), "team-a-pull", "team-a-pull-scope");

        assertThat(registry.scopeMap("team-a-pull-scope").actions()).containsExactly(
                "repositories/base/alpine/content/read",
                "repositories/team-a/*/content/read",
                "repositories/team-a/*/metadata/read");
        assertThat(registry.token("team-a-pull").scopeMapId()).isEqualTo(registry.id() + "/scopeMaps/team-a-pull-scope");
        assertThat(registry.token("team-a-pull").status()).isEqualTo("enabled");
        assertThat(emulator.callLines()).containsExactly(
                "PUT " + registry.id() + "/scopeMaps/team-a-pull-scope?api-version=2025-11-01",
                "PUT " + registry.id() + "/tokens/team-a-pull?api-version=2025-11-01");
        assertThat(emulator.requests(Surface.ARM).get(1).body()).contains("\"status\":\"enabled\"")
                .doesNotContain("credentials");
    }

    @Test
    void generatesAPasswordInOneSlotWithItsExpiryAndKeepsTheOtherWorking() {
        tokens.putScopeMap(registry.id(), "pull-scope", Map.of("app", List.of("content/read")));
        tokens.putToken(registry.id(), "puller", "pull-scope");
        Instant expiry = Instant.now().plus(Duration.ofDays(90)).truncatedTo(ChronoUnit.SECONDS);
        emulator.clearRequests();

        GeneratedPassword first = tokens.generatePassword(registry.id(), "puller", PasswordSlot.PASSWORD1, expiry);
        GeneratedPassword second = tokens.generatePassword(registry.id(), "puller", PasswordSlot.PASSWORD2, expiry);
        // Updating the token later must not drop its passwords.
        tokens.putToken(registry.id(), "puller", "pull-scope");

        assertThat(first.slot()).isEqualTo(PasswordSlot.PASSWORD1);
        assertThat(first.value()).isEqualTo(registry.token("puller").password("password1").value());
        assertThat(first.expiresAt()).isEqualTo(expiry);
        assertThat(first.toString()).doesNotContain(first.value());
        assertThat(second.value()).isEqualTo(registry.token("puller").password("password2").value())
                .isNotEqualTo(first.value());
        assertThat(emulator.callLines()).containsExactly(
                "POST " + registry.id() + "/generateCredentials?api-version=2025-11-01",
                "POST " + registry.id() + "/generateCredentials?api-version=2025-11-01",
                "PUT " + registry.id() + "/tokens/puller?api-version=2025-11-01");
        assertThat(emulator.requests(Surface.ARM).get(0).body())
                .contains("\"tokenId\":\"" + registry.id() + "/tokens/puller\"")
                .contains("\"name\":\"password1\"")
                .contains("\"expiry\":\"" + expiry + "\"");
    }

    @Test
    void deletesTokenAndScopeMapAndDeletingAgainIsNoError() {
        tokens.putScopeMap(registry.id(), "pull-scope", Map.of("app", List.of("content/read")));
        tokens.putToken(registry.id(), "puller", "pull-scope");
        emulator.clearRequests();

        tokens.deleteToken(registry.id(), "puller");
        tokens.deleteScopeMap(registry.id(), "pull-scope");
        tokens.deleteToken(registry.id(), "puller");
        tokens.deleteScopeMap(registry.id(), "pull-scope");

        assertThat(registry.tokens()).isEmpty();
        assertThat(registry.scopeMaps()).isEmpty();
        assertThat(emulator.callLines()).containsExactly(
                "DELETE " + registry.id() + "/tokens/puller?api-version=2025-11-01",
                "DELETE " + registry.id() + "/scopeMaps/pull-scope?api-version=2025-11-01",
                "DELETE " + registry.id() + "/tokens/puller?api-version=2025-11-01",
                "DELETE " + registry.id() + "/scopeMaps/pull-scope?api-version=2025-11-01");
    }

    @Test
    void deletingFromARegistryThatIsGoneIsNoError() {
        emulator.removeRegistry(registry.id());

        tokens.deleteToken(registry.id(), "puller");
        tokens.deleteScopeMap(registry.id(), "pull-scope");

        assertThat(emulator.requests(Surface.ARM)).extracting(RecordedRequest::status).containsOnly(404);
    }

    @Test
    void generatingForAMissingTokenIsNotFound() {
        JobFailure failure = catchThrowableOfType(JobFailure.class, () -> tokens.generatePassword(registry.id(),
                "nosuchtoken", PasswordSlot.PASSWORD1, Instant.now().plus(Duration.ofDays(1))));

        assertThat(failure.problem().type()).isEqualTo("https://pullbridge.io/problems/azure-not-found");
        assertThat(failure.getMessage()).contains("nosuchtoken");
    }
}
