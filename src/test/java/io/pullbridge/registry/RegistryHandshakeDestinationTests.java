package io.pullbridge.registry;

import io.pullbridge.registry.PullCheck.Reason;
import io.pullbridge.support.registry.ScriptedServer;
import io.pullbridge.support.registry.ScriptedServer.Answer;
import io.pullbridge.support.registry.ScriptedServer.Route;
import io.pullbridge.support.azure.AzureEmulatorTrust;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.pullbridge.registry.HandshakeAssertions.assertKeepsSecret;
import static io.pullbridge.registry.HandshakeAssertions.basic;
import static io.pullbridge.registry.HandshakeAssertions.loopback;
import static io.pullbridge.registry.HandshakeAssertions.loopbackPolicy;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where the handshake sends a registry login, against registries that try to have it sent elsewhere: a token realm
 * on another host, a name that resolves to the cloud's metadata endpoint, a redirect. Scripted loopback servers stand
 * in for them; {@code localhost} names the same loopback servers as {@code 127.0.0.1} under another host name.
 */
class RegistryHandshakeDestinationTests {

    private static final String PASSWORD = "p@ss:word\"ü-42";

    private final List<ScriptedServer> servers = new ArrayList<>();

    @AfterEach
    void stopServers() {
        servers.forEach(ScriptedServer::close);
    }

    @Test
    void aChallengeNamingARealmOnAnotherHostGetsNoCredentialThere() {
        ScriptedServer collector = start((method, path, headers) ->
                new Answer(200, Map.of(), "{\"token\":\"collected\"}"));
        ScriptedServer registry = start((method, path, headers) -> new Answer(401, Map.of("WWW-Authenticate",
                "Bearer realm=\"" + collector.url("localhost", "/token") + "\",service=\"evil\""), ""));
        RegistryLogin login = new RegistryLogin(registry.server(), "puller", PASSWORD);

        PullCheck check = new RegistryHandshake(RegistryHandshake.Settings.defaults(), loopback()).verify(login);

        assertThat(check.reason()).isEqualTo(Reason.REALM_NOT_ALLOWED);
        assertThat(check.success()).isFalse();
        assertThat(check.statuses()).containsExactly(401);
        assertThat(collector.requests()).isEmpty();
        assertThat(registry.authorizations()).isEmpty();
        assertThat(check.message()).isEqualTo("The registry " + registry.server() + " sends clients for tokens to "
                + collector.url("localhost", "/token") + "; the credentials were not sent there: the token realm's "
                + "host localhost is neither the registry's own host (127.0.0.1) nor listed in "
                + "pullbridge.bindings.token-realm-hosts (*.azurecr.io).");
        assertKeepsSecret(check, login);
    }

    @Test
    void aRealmOnAnAllowedHostGetsTheCredentialsAndTheTokenWorks() {
        ScriptedServer tokens = start((method, path, headers) ->
                new Answer(200, Map.of(), "{\"token\":\"issued-token\"}"));
        ScriptedServer registry = start((method, path, headers) -> "Bearer issued-token".equals(
                headers.getFirst("Authorization")) ? new Answer(200, Map.of(), "{}")
                : new Answer(401, Map.of("WWW-Authenticate", "Bearer realm=\"" + tokens.url("localhost", "/token")
                + "\",service=\"tokens\""), ""));
        RegistryLogin login = new RegistryLogin(registry.server(), "puller", PASSWORD);

        PullCheck check = new RegistryHandshake(RegistryHandshake.Settings.defaults(),
                loopback(List.of("localhost"))).verify(login);

        assertThat(check.reason()).isEqualTo(Reason.CREDENTIALS_ACCEPTED);
        assertThat(check.statuses()).containsExactly(401, 200, 200);
        assertThat(tokens.authorizations()).containsExactly(basic("puller", PASSWORD));
        assertThat(registry.authorizations()).containsExactly("Bearer issued-token");
    }

    @Test
    void aRealmOnTheRegistrysOwnHostIsAllowedWhateverTheList() {
        ScriptedServer tokens = start((method, path, headers) -> new Answer(200, Map.of(), "{\"token\":\"t0k3n\"}"));
        ScriptedServer registry = start((method, path, headers) -> headers.getFirst("Authorization") != null
                ? new Answer(200, Map.of(), "{}")
                : new Answer(401, Map.of("WWW-Authenticate", "Bearer realm=\"" + tokens.url("/token") + "\""), ""));

        PullCheck check = new RegistryHandshake(RegistryHandshake.Settings.defaults(), loopback(List.of()))
                .verify(new RegistryLogin(registry.server(), "puller", PASSWORD));

        assertThat(check.reason()).isEqualTo(Reason.CREDENTIALS_ACCEPTED);
        assertThat(tokens.authorizations()).containsExactly(basic("puller", PASSWORD));
    }

    @Test
    void theCloudsRegistryDomainIsTheDefaultListAndMatchesOnlyItsOwnNames() {
        RegistryDestinations destinations = RegistryDestinations.defaults();

        assertThat(destinations.realmRefusal("myacr.azurecr.io", "myacr.azurecr.io")).isEmpty();
        assertThat(destinations.realmRefusal("myacr.azurecr.io", "other.azurecr.io")).isEmpty();
        assertThat(destinations.realmRefusal("myacr.azurecr.io", "MyAcr.AzureCR.io.")).isEmpty();
        assertThat(destinations.realmRefusal("myacr.azurecr.io", "myacr.azurecr.io.evil.example")).isPresent();
        assertThat(destinations.realmRefusal("myacr.azurecr.io", "evilazurecr.io")).isPresent();
        assertThat(destinations.realmRefusal("myacr.azurecr.io", "169.254.169.254")).get().asString()
                .contains("neither the registry's own host");
    }

    @Test
    void aRegistryAddressThatIsOrResolvesToAMetadataLinkLocalOrLoopbackAddressIsRefusedBeforeConnecting() {
        ScriptedServer registry = start((method, path, headers) -> new Answer(401, Map.of("WWW-Authenticate",
                "Basic realm=\"r\""), ""));
        RegistryDestinations resolvingToMetadata = new RegistryDestinations(loopbackPolicy(), List.of("*.azurecr.io"),
                host -> switch (host) {
                    case "myacr.azurecr.io" -> addresses("169.254.169.254");
                    case "mixed.azurecr.io" -> addresses("20.50.1.1", "169.254.10.10");
                    default -> InetAddress.getAllByName(host);
                });
        RegistryHandshake handshake = new RegistryHandshake(RegistryHandshake.Settings.defaults(),
                resolvingToMetadata);

        PullCheck metadata = handshake.verify(new RegistryLogin("myacr.azurecr.io", "puller", PASSWORD));
        PullCheck mixed = handshake.verify(new RegistryLogin("mixed.azurecr.io", "puller", PASSWORD));
        PullCheck literal = handshake.verify(new RegistryLogin("169.254.169.254", "puller", PASSWORD));
        PullCheck linkLocal = handshake.verify(new RegistryLogin("[fe80::1]:443", "puller", PASSWORD));
        PullCheck loopbackByDefault = new RegistryHandshake().verify(new RegistryLogin(registry.server(), "puller",
                PASSWORD));

        assertThat(List.of(metadata, mixed, literal, linkLocal, loopbackByDefault)).allSatisfy(check -> {
            assertThat(check.reason()).isEqualTo(Reason.ADDRESS_REFUSED);
            assertThat(check.reason().retryable()).isFalse();
            assertThat(check.exchanges()).isEmpty();
        });
        assertThat(metadata.message()).isEqualTo("PullBridge does not connect to myacr.azurecr.io: server host "
                + "myacr.azurecr.io (169.254.169.254) is a cloud metadata endpoint; allow it with "
                + "pullbridge.clusters.allowed-hosts.");
        assertThat(mixed.message()).contains("(169.254.10.10) is a link-local address");
        assertThat(literal.message()).isEqualTo("PullBridge does not connect to the registry 169.254.169.254: the "
                + "registry's server host 169.254.169.254 is a cloud metadata endpoint; allow it with "
                + "pullbridge.clusters.allowed-hosts.");
        assertThat(linkLocal.message()).contains("is a link-local address");
        assertThat(loopbackByDefault.message()).contains("is a loopback address");
        assertThat(registry.requests()).isEmpty();
    }

    @Test
    void anAllowedRealmNameThatResolvesToARefusedAddressGetsNoCredential() {
        ScriptedServer registry = start((method, path, headers) -> new Answer(401, Map.of("WWW-Authenticate",
                "Bearer realm=\"https://tokens.azurecr.io/oauth2/token\",service=\"r\""), ""));
        RegistryDestinations destinations = new RegistryDestinations(loopbackPolicy(), List.of("*.azurecr.io"),
                host -> host.equals("tokens.azurecr.io") ? addresses("169.254.169.254") : InetAddress.getAllByName(host));

        PullCheck check = new RegistryHandshake(RegistryHandshake.Settings.defaults(), destinations)
                .verify(new RegistryLogin(registry.server(), "puller", PASSWORD));

        assertThat(check.reason()).isEqualTo(Reason.ADDRESS_REFUSED);
        assertThat(check.statuses()).containsExactly(401);
        assertThat(check.message()).startsWith("PullBridge does not connect to tokens.azurecr.io: server host "
                + "tokens.azurecr.io (169.254.169.254) is a cloud metadata endpoint");
    }

    @Test
    void redirectsAreNotFollowedSoNoCredentialGoesToAnotherHost() {
        ScriptedServer elsewhere = start((method, path, headers) -> new Answer(200, Map.of(), "{\"token\":\"x\"}"));
        ScriptedServer[] bearer = new ScriptedServer[1];
        bearer[0] = start((method, path, headers) -> path.equals("/token")
                ? new Answer(307, Map.of("Location", elsewhere.url("localhost", "/token")), "")
                : new Answer(401, Map.of("WWW-Authenticate", "Bearer realm=\"" + bearer[0].url("/token") + "\""), ""));
        ScriptedServer basic = start((method, path, headers) -> headers.getFirst("Authorization") == null
                ? new Answer(401, Map.of("WWW-Authenticate", "Basic realm=\"r\""), "")
                : new Answer(302, Map.of("Location", elsewhere.url("localhost", "/v2/")), ""));
        // Even a host credentials may go to as a token realm gets none by redirect.
        RegistryHandshake handshake = new RegistryHandshake(RegistryHandshake.Settings.defaults(),
                loopback(List.of("localhost")));

        PullCheck fromRealm = handshake.verify(new RegistryLogin(bearer[0].server(), "puller", PASSWORD));
        PullCheck fromRegistry = handshake.verify(new RegistryLogin(basic.server(), "puller", PASSWORD));

        assertThat(fromRealm.reason()).isEqualTo(Reason.UNEXPECTED_RESPONSE);
        assertThat(fromRealm.statuses()).containsExactly(401, 307);
        assertThat(fromRealm.message()).contains("was redirected (307) to " + elsewhere.url("localhost", "/token"));
        assertThat(fromRegistry.reason()).isEqualTo(Reason.UNEXPECTED_RESPONSE);
        assertThat(fromRegistry.statuses()).containsExactly(401, 302);
        assertThat(elsewhere.requests()).isEmpty();
    }

    private static InetAddress[] addresses(String... literals) throws UnknownHostException {
        InetAddress[] addresses = new InetAddress[literals.length];
        for (int i = 0; i < literals.length; i++) {
            addresses[i] = InetAddress.getByName(literals[i]);
        }
        return addresses;
    }

    private ScriptedServer start(Route route) {
        ScriptedServer server = new ScriptedServer(AzureEmulatorTrust.trustedServerContext(), route);
        servers.add(server);
        return server;
    }
}
