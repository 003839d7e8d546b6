package io.pullbridge.registry;

import io.pullbridge.clusters.ClustersProperties;
import io.pullbridge.clusters.ServerHostPolicy;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/** Checks shared by the handshake tests. */
public final class HandshakeAssertions {

    private HandshakeAssertions() {
    }

    /**
     * The test registries and token services serve on loopback, which the cluster host policy refuses by default:
     * these destinations allow it, as {@code pullbridge.clusters.allowed-hosts=127.0.0.1,localhost} would, and keep
     * the default token realm hosts.
     */
    public static RegistryDestinations loopback() {
        return loopback(List.of("*.azurecr.io"));
    }

    public static RegistryDestinations loopback(List<String> tokenRealmHosts) {
        return new RegistryDestinations(loopbackPolicy(), tokenRealmHosts);
    }

    public static ServerHostPolicy loopbackPolicy() {
        return new ServerHostPolicy(new ClustersProperties(List.of("127.0.0.1", "localhost"), List.of(),
                DataSize.ofMegabytes(1)));
    }

    /** A handshake with these settings that may reach loopback (see {@link #loopback()}). */
    public static RegistryHandshake onLoopback(RegistryHandshake.Settings settings) {
        return new RegistryHandshake(settings, loopback());
    }

    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Neither the password nor its Basic encoding shows anywhere in the result or in the login's toString. */
    public static void assertKeepsSecret(PullCheck check, RegistryLogin login) {
        String basic = basic(login.username(), login.password()).substring("Basic ".length());
        for (String text : new String[] {check.message(), check.toString(), login.toString()}) {
            assertThat(text).doesNotContain(login.password()).doesNotContain(basic);
        }
    }
}
