package io.pullbridge.registry;

import io.pullbridge.registry.PullCheck.Exchange;
import io.pullbridge.registry.PullCheck.Reason;
import io.pullbridge.support.registry.DistributionRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.pullbridge.registry.HandshakeAssertions.assertKeepsSecret;
import static io.pullbridge.registry.HandshakeAssertions.basic;
import static io.pullbridge.registry.HandshakeAssertions.onLoopback;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The handshake against a real distribution registry with htpasswd users (a Basic challenge), over HTTPS trusted
 * through the JVM trust store; and against registries without authentication and over plain HTTP.
 */
class RegistryHandshakeBasicAuthTests {

    private static final String PASSWORD = "pull-Secret-42";
    /** Everything that breaks naive handling: ':' and '@' (URL userinfo, Basic), quotes, backslashes, non-ASCII. */
    private static final String TRICKY_PASSWORD = "p:a@s\"s'w\\o:rd-Ünïcødé-密码@:";

    private static DistributionRegistry registry;
    private static String digest;

    private final RegistryHandshake handshake = onLoopback(RegistryHandshake.Settings.defaults());

    @BeforeAll
    static void startRegistry() {
        if (!DistributionRegistry.installed()) {
            return;
        }
        registry = DistributionRegistry.builder()
                .user("puller", PASSWORD)
                .user("tricky", TRICKY_PASSWORD)
                .start();
        digest = registry.push("team/app", "1.0", basic("puller", PASSWORD));
    }

    @BeforeEach
    void requireTheRegistry() {
        DistributionRegistry.assumeInstalled();
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void goodCredentialsPullANamedImageAndGetItsDigest() {
        RegistryLogin login = new RegistryLogin(registry.server(), "puller", PASSWORD);

        PullCheck check = handshake.verify(login, ImageReference.parse("team/app:1.0"));

        assertThat(check.reason()).isEqualTo(Reason.PULL_ALLOWED);
        assertThat(check.success()).isTrue();
        assertThat(check.manifestDigest()).isEqualTo(digest);
        assertThat(check.exchanges()).containsExactly(
                new Exchange("GET", registry.url("/v2/").toString(), 401),
                new Exchange("GET", registry.url("/v2/").toString(), 200),
                new Exchange("HEAD", registry.url("/v2/team/app/manifests/1.0").toString(), 200));
        assertThat(check.message()).isEqualTo("puller can pull team/app:1.0 from " + registry.server()
                + " (manifest " + digest + ").");
        assertKeepsSecret(check, login);
    }

    @Test
    void anImageMayBeNamedByDigestAndWithTheRegistrysHost() {
        RegistryLogin login = new RegistryLogin(registry.server(), "puller", PASSWORD);

        PullCheck byDigest = handshake.verify(login, ImageReference.parse("team/app@" + digest));
        PullCheck withHost = handshake.verify(login, ImageReference.parse(registry.server() + "/team/app:1.0"));

        assertThat(byDigest.reason()).isEqualTo(Reason.PULL_ALLOWED);
        assertThat(byDigest.manifestDigest()).isEqualTo(digest);
        assertThat(byDigest.exchanges().get(2).url()).endsWith("/v2/team/app/manifests/" + digest);
        assertThat(withHost.reason()).isEqualTo(Reason.PULL_ALLOWED);
        assertThatIllegalArgumentException().isThrownBy(() ->
                        handshake.verify(login, ImageReference.parse("other.example/team/app:1.0")))
                .withMessageContaining("other.example");
    }

    @Test
    void goodCredentialsWithoutAnImageAreAccepted() {
        PullCheck check = handshake.verify(new RegistryLogin(registry.server(), "puller", PASSWORD));

        assertThat(check.reason()).isEqualTo(Reason.CREDENTIALS_ACCEPTED);
        assertThat(check.statuses()).containsExactly(401, 200);
        assertThat(check.manifestDigest()).isNull();
        assertThat(check.message()).contains("accepted the credentials of puller")
                .contains("No image was named");
    }

    @Test
    void aWrongPasswordIsRejected() {
        RegistryLogin login = new RegistryLogin(registry.server(), "puller", "not-" + PASSWORD);

        PullCheck check = handshake.verify(login, ImageReference.parse("team/app:1.0"));

        assertThat(check.reason()).isEqualTo(Reason.CREDENTIALS_REJECTED);
        assertThat(check.success()).isFalse();
        assertThat(check.reason().retryable()).isFalse();
        assertThat(check.statuses()).containsExactly(401, 401);
        assertThat(check.message()).startsWith("The registry " + registry.server()
                + " rejected the user name and password of puller");
        assertKeepsSecret(check, login);
    }

    @Test
    void aMissingTagOrRepositoryIsNotFound() {
        RegistryLogin login = new RegistryLogin(registry.server(), "puller", PASSWORD);

        PullCheck missingTag = handshake.verify(login, ImageReference.parse("team/app:2.0"));
        PullCheck missingRepository = handshake.verify(login, ImageReference.parse("team/nothing"));

        assertThat(missingTag.reason()).isEqualTo(Reason.IMAGE_NOT_FOUND);
        assertThat(missingTag.statuses()).containsExactly(401, 200, 404);
        assertThat(missingTag.manifestDigest()).isNull();
        assertThat(missingTag.message()).contains("has no team/app:2.0").contains("tag");
        assertThat(missingRepository.reason()).isEqualTo(Reason.IMAGE_NOT_FOUND);
        assertThat(missingRepository.message()).contains("team/nothing:latest");
    }

    @Test
    void aPasswordWithColonsAtSignsQuotesBackslashesAndNonAsciiLettersWorksEndToEnd() {
        RegistryLogin login = new RegistryLogin(registry.server(), "tricky", TRICKY_PASSWORD);

        PullCheck check = handshake.verify(login, ImageReference.parse("team/app:1.0"));
        PullCheck almost = handshake.verify(new RegistryLogin(registry.server(), "tricky",
                TRICKY_PASSWORD.substring(0, TRICKY_PASSWORD.length() - 1)), ImageReference.parse("team/app:1.0"));

        assertThat(check.reason()).isEqualTo(Reason.PULL_ALLOWED);
        assertThat(check.manifestDigest()).isEqualTo(digest);
        assertKeepsSecret(check, login);
        assertThat(almost.reason()).isEqualTo(Reason.CREDENTIALS_REJECTED);
        assertKeepsSecret(almost, login);
    }

    @Test
    void plainHttpIsUsedOnlyForLoopbackAndOnlyWhenAllowed() {
        try (DistributionRegistry plain = DistributionRegistry.builder().user("puller", PASSWORD).plainHttp()
                .start()) {
            plain.push("team/app", "1.0", basic("puller", PASSWORD));
            RegistryLogin login = new RegistryLogin(plain.server(), "puller", PASSWORD);
            RegistryHandshake allowing = onLoopback(RegistryHandshake.Settings.defaults()
                    .withPlainHttpOnLoopback(true));

            PullCheck refused = handshake.verify(login, ImageReference.parse("team/app:1.0"));
            PullCheck allowed = allowing.verify(login, ImageReference.parse("team/app:1.0"));
            PullCheck elsewhere = allowing.verify(new RegistryLogin("http://registry.example", "puller", PASSWORD));

            assertThat(plain.server()).startsWith("http://127.0.0.1:");
            assertThat(refused.reason()).isEqualTo(Reason.INSECURE_ENDPOINT);
            assertThat(refused.exchanges()).isEmpty();
            assertThat(allowed.reason()).isEqualTo(Reason.PULL_ALLOWED);
            assertThat(allowed.statuses()).containsExactly(401, 200, 200);
            assertThat(elsewhere.reason()).isEqualTo(Reason.INSECURE_ENDPOINT);
            assertThat(elsewhere.exchanges()).isEmpty();
        }
    }

    @Test
    void aRegistryWithoutAuthenticationIsReportedAsSuch() {
        try (DistributionRegistry open = DistributionRegistry.builder().start()) {
            String pushed = open.push("library/hello", "latest", null);
            RegistryLogin login = new RegistryLogin(open.server(), "puller", PASSWORD);

            PullCheck withImage = handshake.verify(login, ImageReference.parse("library/hello"));
            PullCheck withoutImage = handshake.verify(login);

            assertThat(withImage.reason()).isEqualTo(Reason.NO_AUTH_REQUIRED);
            assertThat(withImage.success()).isTrue();
            assertThat(withImage.manifestDigest()).isEqualTo(pushed);
            assertThat(withImage.statuses()).containsExactly(200, 200);
            assertThat(withImage.message()).contains("without authentication").contains("not checked");
            assertThat(withoutImage.reason()).isEqualTo(Reason.NO_AUTH_REQUIRED);
            assertThat(withoutImage.statuses()).containsExactly(200);
        }
    }
}
