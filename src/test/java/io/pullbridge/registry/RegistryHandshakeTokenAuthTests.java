package io.pullbridge.registry;

import io.pullbridge.registry.PullCheck.Exchange;
import io.pullbridge.registry.PullCheck.Reason;
import io.pullbridge.support.registry.DistributionRegistry;
import io.pullbridge.support.registry.TokenServer;
import io.pullbridge.support.registry.TokenServer.TokenRequest;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.pullbridge.registry.HandshakeAssertions.assertKeepsSecret;
import static io.pullbridge.registry.HandshakeAssertions.onLoopback;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The handshake against a real distribution registry with token authentication (a Bearer challenge): the registry
 * sends clients to a test token service on loopback, which checks their Basic credentials and issues JWTs the
 * registry verifies against the service's signing certificate. Everything over HTTPS, trusted by the JVM.
 */
class RegistryHandshakeTokenAuthTests {

    private static final String SERVICE = "pullbridge-test-registry";
    private static final String PASSWORD = "token-Secret-7";
    private static final String TRICKY_PASSWORD = "t:o@k\"e'n\\-Ärger-ñ-口令:@";

    private static TokenServer tokens;
    private static DistributionRegistry registry;
    private static String digest;

    private final RegistryHandshake handshake = onLoopback(RegistryHandshake.Settings.defaults());

    @BeforeAll
    static void startRegistry() {
        if (!DistributionRegistry.installed()) {
            return;
        }
        tokens = TokenServer.https(SERVICE)
                .user("puller", PASSWORD).grant("puller", "team/app", "pull")
                .user("tricky", TRICKY_PASSWORD).grant("tricky", "team/app", "pull")
                .user("outsider", PASSWORD).grant("outsider", "team/other", "pull");
        registry = DistributionRegistry.builder().tokens(tokens).start();
        digest = registry.push("team/app", "1.0", tokens.bearer("pusher", "team/app", "pull", "push"));
    }

    @BeforeEach
    void requireTheRegistry() {
        DistributionRegistry.assumeInstalled();
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        if (tokens != null) {
            tokens.close();
        }
    }

    @Test
    void goodCredentialsGetAPullTokenForTheRepositoryAndReadTheManifest() {
        RegistryLogin login = new RegistryLogin(registry.server(), "puller", PASSWORD);
        int before = tokens.requests().size();

        PullCheck check = handshake.verify(login, ImageReference.parse("team/app:1.0"));

        assertThat(check.reason()).isEqualTo(Reason.PULL_ALLOWED);
        assertThat(check.manifestDigest()).isEqualTo(digest);
        assertThat(check.exchanges()).containsExactly(
                new Exchange("GET", registry.url("/v2/").toString(), 401),
                new Exchange("GET", tokens.realm(), 200),
                new Exchange("GET", registry.url("/v2/").toString(), 200),
                new Exchange("HEAD", registry.url("/v2/team/app/manifests/1.0").toString(), 200));
        TokenRequest request = tokens.requests().get(before);
        assertThat(request.user()).isEqualTo("puller");
        assertThat(request.param("service")).containsExactly(SERVICE);
        assertThat(request.param("scope")).containsExactly("repository:team/app:pull");
        assertKeepsSecret(check, login);
    }

    @Test
    void withoutAnImageTheTokenIsAskedForWithoutScopeAndTheRegistryAcceptsIt() {
        int before = tokens.requests().size();

        PullCheck check = handshake.verify(new RegistryLogin(registry.server(), "puller", PASSWORD));

        assertThat(check.reason()).isEqualTo(Reason.CREDENTIALS_ACCEPTED);
        assertThat(check.statuses()).containsExactly(401, 200, 200);
        assertThat(tokens.requests().get(before).param("scope")).isEmpty();
        assertThat(tokens.requests().get(before).param("service")).containsExactly(SERVICE);
    }

    @Test
    void aWrongPasswordIsRejectedByTheTokenService() {
        RegistryLogin login = new RegistryLogin(registry.server(), "puller", "wrong-" + PASSWORD);

        PullCheck check = handshake.verify(login, ImageReference.parse("team/app:1.0"));

        assertThat(check.reason()).isEqualTo(Reason.CREDENTIALS_REJECTED);
        assertThat(check.statuses()).containsExactly(401, 401);
        assertThat(check.message()).isEqualTo("The token service of " + registry.server() + " (" + tokens.realm()
                + ") rejected the user name and password of puller: UNAUTHORIZED: invalid user name or password.");
        assertKeepsSecret(check, login);
    }

    @Test
    void aMissingTagIsNotFound() {
        PullCheck check = handshake.verify(new RegistryLogin(registry.server(), "puller", PASSWORD),
                ImageReference.parse("team/app:9.9"));

        assertThat(check.reason()).isEqualTo(Reason.IMAGE_NOT_FOUND);
        assertThat(check.statuses()).containsExactly(401, 200, 200, 404);
    }

    @Test
    void aTokenWithoutPullAccessToTheRepositoryIsDenied() {
        int before = tokens.requests().size();

        PullCheck check = handshake.verify(new RegistryLogin(registry.server(), "outsider", PASSWORD),
                ImageReference.parse("team/app:1.0"));

        assertThat(check.reason()).isEqualTo(Reason.PULL_DENIED);
        assertThat(check.statuses()).containsExactly(401, 200, 200, 401);
        assertThat(tokens.requests().get(before).param("scope")).containsExactly("repository:team/app:pull");
        assertThat(check.message()).startsWith("outsider may sign in to " + registry.server()
                + " but may not pull team/app:1.0 (401: error=insufficient_scope");
    }

    @Test
    void aPasswordWithColonsAtSignsQuotesBackslashesAndNonAsciiLettersWorksEndToEnd() {
        RegistryLogin login = new RegistryLogin(registry.server(), "tricky", TRICKY_PASSWORD);
        int before = tokens.requests().size();

        PullCheck check = handshake.verify(login, ImageReference.parse("team/app:1.0"));

        assertThat(check.reason()).isEqualTo(Reason.PULL_ALLOWED);
        assertThat(tokens.requests().get(before).user()).isEqualTo("tricky");
        assertKeepsSecret(check, login);
    }

    @Test
    void credentialsAreNotSentToAPlainHttpRealmUnlessLoopbackIsAllowed() {
        try (TokenServer plainTokens = TokenServer.plainHttp(SERVICE).user("puller", PASSWORD)
                .grant("puller", "team/app", "pull");
             DistributionRegistry plainRealm = DistributionRegistry.builder().tokens(plainTokens).start()) {
            plainRealm.push("team/app", "1.0", plainTokens.bearer("pusher", "team/app", "pull", "push"));
            RegistryLogin login = new RegistryLogin(plainRealm.server(), "puller", PASSWORD);

            PullCheck refused = handshake.verify(login, ImageReference.parse("team/app:1.0"));
            List<TokenRequest> seenWhenRefused = plainTokens.requests();
            PullCheck allowed = onLoopback(RegistryHandshake.Settings.defaults()
                    .withPlainHttpOnLoopback(true)).verify(login, ImageReference.parse("team/app:1.0"));

            assertThat(plainTokens.realm()).startsWith("http://127.0.0.1:");
            assertThat(refused.reason()).isEqualTo(Reason.INSECURE_ENDPOINT);
            assertThat(refused.statuses()).containsExactly(401);
            assertThat(refused.message()).contains(plainTokens.realm());
            assertThat(seenWhenRefused).isEmpty();
            assertThat(allowed.reason()).isEqualTo(Reason.PULL_ALLOWED);
            assertThat(plainTokens.requests()).hasSize(1);
        }
    }
}
