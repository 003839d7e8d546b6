package io.pullbridge.bindings;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** Checks shared by the handshake tests. */
final class HandshakeAssertions {

    private HandshakeAssertions() {
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Neither the password nor its Basic encoding shows anywhere in the result or in the login's toString. */
    static void assertKeepsSecret(PullCheck check, RegistryLogin login) {
        String basic = basic(login.username(), login.password()).substring("Basic ".length());
        for (String text : new String[] {check.message(), check.toString(), login.toString()}) {
            assertThat(text).doesNotContain(login.password()).doesNotContain(basic);
        }
    }
}
