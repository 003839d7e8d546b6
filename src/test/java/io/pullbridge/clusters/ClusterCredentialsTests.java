package io.pullbridge.clusters;

import io.pullbridge.common.SecretMask;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What a cluster's credentials hold that an API server may quote back, for a job's mask. */
class ClusterCredentialsTests {

    private static final URI SERVER = URI.create("https://cluster.example:6443");

    @Test
    void aBearerTokenABasicPasswordAndAClientKeyAreEachMaskedAnEntraTokenIsTheClientsToSay() {
        assertThat(credentials(new ClusterCredentials.BearerToken("bearer-token-1234")).secrets())
                .containsExactly("bearer-token-1234");
        assertThat(credentials(new ClusterCredentials.Basic("admin", "basic-pw-1234")).secrets())
                .containsExactly("basic-pw-1234", SecretMask.basicCredentials("admin", "basic-pw-1234"));
        String key = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04fSeQ6tF1aY/PuoAoGCCqGSM49\n"
                + "AwEHoUQDQgAEPR3tU2Fta9ktY+6P9G0cWO+0kETA6SnEzgE0ZRmU\n-----END EC PRIVATE KEY-----\n";
        assertThat(credentials(new ClusterCredentials.ClientCertificate(new byte[0],
                key.getBytes(StandardCharsets.US_ASCII))).secrets()).contains(key,
                "MHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04fSeQ6tF1aY/PuoAoGCCqGSM49"
                        + "AwEHoUQDQgAEPR3tU2Fta9ktY+6P9G0cWO+0kETA6SnEzgE0ZRmU",
                "MHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04fSeQ6tF1aY/PuoAoGCCqGSM49");
        assertThat(credentials(new ClusterCredentials.EntraToken(null, "server/.default")).secrets()).isEmpty();
        assertThat(credentials(new ClusterCredentials.Anonymous()).secrets()).isEmpty();
    }

    private static ClusterCredentials credentials(ClusterCredentials.Credential credential) {
        return new ClusterCredentials(UUID.randomUUID(), "v1", SERVER, null, false, null, credential);
    }
}
