package io.pullbridge.azure;

import io.pullbridge.common.AzureProperties;
import io.pullbridge.support.azure.AzureEmulator;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/** Points the adapter at an {@link AzureEmulator} the way the application does: a custom cloud and a client secret. */
final class AzureTestSupport {

    static final String SUBSCRIPTION = "22222222-2222-2222-2222-222222222222";
    static final String OTHER_SUBSCRIPTION = "99999999-9999-9999-9999-999999999999";
    static final String CLIENT_ID = "77777777-7777-7777-7777-777777777777";
    static final String CLIENT_SECRET = "pullbridge-client-s3cret";
    /** Short in-place retry delays so tests stay fast; the 4 s ceiling is the production default. */
    static final AzureProperties.Retry FAST_RETRY = new AzureProperties.Retry(2, Duration.ofMillis(5),
            Duration.ofSeconds(4));

    private AzureTestSupport() {
    }

    static AzureProperties properties(AzureEmulator emulator, String clientSecret) {
        return new AzureProperties("custom", UUID.fromString(emulator.tenantId()),
                new AzureProperties.Endpoints(emulator.armEndpoint(), emulator.graphEndpoint(),
                        emulator.authorityHost(), null),
                AzureProperties.CredentialKind.CLIENT_SECRET, CLIENT_ID, clientSecret, FAST_RETRY,
                Duration.ofSeconds(10));
    }

    static AzureClients clients(AzureEmulator emulator) {
        return clients(emulator, CLIENT_SECRET);
    }

    static AzureClients clients(AzureEmulator emulator, String clientSecret) {
        return new AzureClients(properties(emulator, clientSecret), Map.<String, String>of()::get);
    }
}
