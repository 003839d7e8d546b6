package io.pullbridge.registry;

import io.pullbridge.registry.PullCheck.Reason;
import io.pullbridge.support.registry.ScriptedServer;
import io.pullbridge.support.registry.ScriptedServer.Answer;
import io.pullbridge.support.registry.ScriptedServer.Route;
import io.pullbridge.support.azure.AzureEmulatorTrust;
import io.pullbridge.support.registry.SelfSignedIdentity;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.pullbridge.registry.HandshakeAssertions.assertKeepsSecret;
import static io.pullbridge.registry.HandshakeAssertions.onLoopback;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * What the network and misbehaving registries do to the handshake, with scripted loopback servers in place of a
 * registry (these need no registry binary): no connection, no answer, an untrusted certificate, overload,
 * redirects, oversized or odd answers, and a token service that echoes what it was sent.
 */
class RegistryHandshakeTransportTests {

    private static final String PASSWORD = "p@ss:word\"ü";

    private final List<ScriptedServer> servers = new ArrayList<>();
    private final RegistryHandshake handshake = onLoopback(RegistryHandshake.Settings.defaults());

    @AfterEach
    void stopServers() {
        servers.forEach(ScriptedServer::close);
    }

    @Test
    void aClosedPortIsUnreachable() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }

        PullCheck check = handshake.verify(new RegistryLogin("127.0.0.1:" + port, "puller", PASSWORD));

        assertThat(check.reason()).isEqualTo(Reason.REGISTRY_UNREACHABLE);
        assertThat(check.reason().retryable()).isTrue();
        assertThat(check.exchanges()).isEmpty();
        assertThat(check.message()).startsWith("Cannot connect to 127.0.0.1:" + port);
    }

    @Test
    void aServerThatNeverAnswersIsUnreachableOnceTheTimeoutsPass() throws IOException {
        // Bound but never accepting: the kernel completes the TCP handshake, then nothing ever comes back.
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            RegistryHandshake impatient = onLoopback(RegistryHandshake.Settings.defaults()
                    .withTimeouts(Duration.ofMillis(300), Duration.ofMillis(300)));

            PullCheck check = impatient.verify(new RegistryLogin("127.0.0.1:" + silent.getLocalPort(), "puller",
                    PASSWORD));

            assertThat(check.reason()).isEqualTo(Reason.REGISTRY_UNREACHABLE);
            assertThat(check.exchanges()).isEmpty();
            assertThat(check.message()).containsAnyOf("within 300 ms", "within 600 ms");
        }
    }

    @Test
    void aCertificateTheJvmDoesNotTrustIsReportedBeforeAnyRequestIsSent() {
        ScriptedServer untrusted = start(SelfSignedIdentity.create("untrusted registry").serverContext(),
                (method, path, headers) -> new Answer(200, Map.of(), "{}"));

        PullCheck check = handshake.verify(new RegistryLogin(untrusted.server(), "puller", PASSWORD),
                ImageReference.parse("team/app:1.0"));

        assertThat(check.reason()).isEqualTo(Reason.TLS_UNTRUSTED);
        assertThat(check.reason().retryable()).isFalse();
        assertThat(check.exchanges()).isEmpty();
        assertThat(untrusted.requests()).isEmpty();
        assertThat(check.message()).startsWith("The TLS certificate of " + untrusted.server() + " is not trusted");
    }

    @Test
    void anOverloadedRegistryIsUnavailableAndWorthRetrying() {
        ScriptedServer busy = start(trusted(), (method, path, headers) ->
                new Answer(503, Map.of("Retry-After", "30"), "{\"errors\":[{\"code\":\"UNAVAILABLE\","
                        + "\"message\":\"service unavailable\"}]}"));

        PullCheck check = handshake.verify(new RegistryLogin(busy.server(), "puller", PASSWORD));

        assertThat(check.reason()).isEqualTo(Reason.REGISTRY_UNAVAILABLE);
        assertThat(check.reason().retryable()).isTrue();
        assertThat(check.statuses()).containsExactly(503);
        assertThat(check.message()).isEqualTo("GET " + busy.url("/v2/") + " answered 503, Retry-After 30: "
                + "UNAVAILABLE: service unavailable: the service cannot serve now.");
    }

    @Test
    void redirectsAreNotFollowed() {
        ScriptedServer redirecting = start(trusted(), (method, path, headers) -> path.equals("/v2/")
                ? new Answer(302, Map.of("Location", "/elsewhere/?state=x"), "")
                : new Answer(200, Map.of(), "{}"));

        PullCheck check = handshake.verify(new RegistryLogin(redirecting.server(), "puller", PASSWORD));

        assertThat(check.reason()).isEqualTo(Reason.UNEXPECTED_RESPONSE);
        assertThat(check.statuses()).containsExactly(302);
        assertThat(redirecting.requests()).containsExactly("GET /v2/ anonymous");
        assertThat(check.message()).isEqualTo("GET " + redirecting.url("/v2/") + " was redirected (302) to "
                + redirecting.url("/elsewhere/") + "; redirects are not followed.");
    }

    @Test
    void aTokenResponseLargerThanTheBoundIsNotRead() {
        ScriptedServer registry = startBearerRegistry((method, path, headers) ->
                new Answer(200, Map.of(), "{\"token\":\"" + "x".repeat(64 * 1024) + "\"}"));
        RegistryHandshake bounded = onLoopback(new RegistryHandshake.Settings(Duration.ofSeconds(5),
                Duration.ofSeconds(5), 4096, false));

        PullCheck check = bounded.verify(new RegistryLogin(registry.server(), "puller", PASSWORD));

        assertThat(check.reason()).isEqualTo(Reason.UNEXPECTED_RESPONSE);
        assertThat(check.statuses()).containsExactly(401, 200);
        assertThat(check.message()).endsWith("answered 200 with a body longer than 4096 bytes.");
    }

    @Test
    void whatARegistryEchoesOfTheCredentialsIsCutFromTheMessage() {
        ScriptedServer registry = startBearerRegistry((method, path, headers) ->
                new Answer(401, Map.of(), "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"bad password "
                        + PASSWORD.replace("\"", "\\\"") + " in " + headers.getFirst("Authorization") + "\"}]}"));
        RegistryLogin login = new RegistryLogin(registry.server(), "puller", PASSWORD);

        PullCheck check = handshake.verify(login);

        assertThat(check.reason()).isEqualTo(Reason.CREDENTIALS_REJECTED);
        assertThat(check.message()).endsWith("UNAUTHORIZED: bad password (redacted) in Basic (redacted).");
        assertKeepsSecret(check, login);
    }

    @Test
    void aRegistryThatRefusesItsOwnTokenServicesTokenIsReportedAsInconsistent() {
        ScriptedServer registry = startBearerRegistry((method, path, headers) ->
                new Answer(200, Map.of(), "{\"access_token\":\"issued-token\"}"));

        PullCheck check = handshake.verify(new RegistryLogin(registry.server(), "puller", PASSWORD));

        assertThat(check.reason()).isEqualTo(Reason.UNEXPECTED_RESPONSE);
        assertThat(check.statuses()).containsExactly(401, 200, 401);
        assertThat(registry.requests()).containsExactly("GET /v2/ anonymous", "GET /token Basic",
                "GET /v2/ Bearer");
        assertThat(check.message()).contains("refused the token its own token service issued to puller")
                .doesNotContain("issued-token");
    }

    @Test
    void aRealmOverPlainHttpOffLoopbackIsRefusedEvenWhenLoopbackHttpIsAllowed() {
        ScriptedServer registry = start(trusted(), (method, path, headers) -> new Answer(401,
                Map.of("WWW-Authenticate", "Bearer realm=\"http://tokens.example/token\",service=\"r\""), ""));
        RegistryHandshake allowingLoopback = onLoopback(RegistryHandshake.Settings.defaults()
                .withPlainHttpOnLoopback(true));

        PullCheck check = allowingLoopback.verify(new RegistryLogin(registry.server(), "puller", PASSWORD));

        assertThat(check.reason()).isEqualTo(Reason.INSECURE_ENDPOINT);
        assertThat(check.statuses()).containsExactly(401);
        assertThat(check.message()).contains("http://tokens.example/token");
    }

    @Test
    void aChallengeTheRegistryProtocolDoesNotUseIsUnexpected() {
        ScriptedServer noChallenge = start(trusted(), (method, path, headers) -> new Answer(401, Map.of(), ""));
        ScriptedServer negotiate = start(trusted(), (method, path, headers) ->
                new Answer(401, Map.of("WWW-Authenticate", "Negotiate"), ""));

        PullCheck without = handshake.verify(new RegistryLogin(noChallenge.server(), "puller", PASSWORD));
        PullCheck other = handshake.verify(new RegistryLogin(negotiate.server(), "puller", PASSWORD));

        assertThat(without.reason()).isEqualTo(Reason.UNEXPECTED_RESPONSE);
        assertThat(without.message()).contains("without a WWW-Authenticate challenge");
        assertThat(other.reason()).isEqualTo(Reason.UNEXPECTED_RESPONSE);
        assertThat(other.message()).contains("asks for Negotiate authentication");
    }

    @Test
    void loopbackMeansLiteralLoopbackNamesAndAddresses() {
        assertThat(RegistryHandshake.isLoopback("localhost")).isTrue();
        assertThat(RegistryHandshake.isLoopback("127.0.0.1")).isTrue();
        assertThat(RegistryHandshake.isLoopback("127.8.9.10")).isTrue();
        assertThat(RegistryHandshake.isLoopback("[::1]")).isTrue();
        assertThat(RegistryHandshake.isLoopback("127.0.0.1.nip.io")).isFalse();
        assertThat(RegistryHandshake.isLoopback("10.0.0.1")).isFalse();
        assertThat(RegistryHandshake.isLoopback("[::2]")).isFalse();
        assertThat(RegistryHandshake.isLoopback(null)).isFalse();
    }

    @Test
    void aServerThatIsNoRegistryAddressIsRefusedUpFront() {
        assertThatIllegalArgumentException().isThrownBy(() ->
                handshake.verify(new RegistryLogin("ftp://registry.example", "puller", PASSWORD)));
        assertThatIllegalArgumentException().isThrownBy(() ->
                handshake.verify(new RegistryLogin("user@registry.example", "puller", PASSWORD)));
        assertThatIllegalArgumentException().isThrownBy(() -> new RegistryLogin("r.example", "a:b", PASSWORD));
        assertThat(new RegistryLogin("r.example", "puller", PASSWORD).toString()).doesNotContain(PASSWORD)
                .contains("password=(redacted)");
    }

    private static SSLContext trusted() {
        return AzureEmulatorTrust.trustedServerContext();
    }

    /** A registry whose /v2/ asks for a Bearer token from its own /token, answered by {@code tokens}. */
    private ScriptedServer startBearerRegistry(Route tokens) {
        ScriptedServer[] self = new ScriptedServer[1];
        self[0] = start(trusted(), (method, path, headers) -> path.equals("/token")
                ? tokens.answer(method, path, headers)
                : new Answer(401, Map.of("WWW-Authenticate", "Bearer realm=\"" + self[0].url("/token")
                        + "\",service=\"scripted\""), "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}"));
        return self[0];
    }

    private ScriptedServer start(SSLContext tls, Route route) {
        ScriptedServer server = new ScriptedServer(tls, route);
        servers.add(server);
        return server;
    }
}
