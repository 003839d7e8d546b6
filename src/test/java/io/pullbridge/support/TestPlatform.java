package io.pullbridge.support;

import io.pullbridge.support.azure.AzureEmulator;
import io.pullbridge.support.azure.PullBridgeRole;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * What a test context needs from the outside, provided hermetically: a fresh database on the embedded
 * PostgreSQL server, a master key, token validation against {@link TestTokens}, and Azure: the JVM's shared
 * {@link AzureEmulator} as a custom cloud, signed in to with the client secret it accepts.
 */
public class TestPlatform implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    /** The client PullBridge signs in to the shared Azure emulator as. */
    public static final String AZURE_CLIENT_ID = "0b5b1b2e-6e0c-4c1a-9d43-5f0a7c1e2b3d";
    public static final String AZURE_CLIENT_SECRET = "pullbridge-test-client-secret";

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        Map<String, Object> properties = properties("test");
        // Emulated clusters serve on 127.0.0.1, which the kubeconfig server check refuses by default; a test class
        // that sets its own list keeps it.
        if (!context.getEnvironment().containsProperty("pullbridge.clusters.allowed-hosts")) {
            properties.put("pullbridge.clusters.allowed-hosts", "127.0.0.1");
        }
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("pullbridge-test-platform",
                properties));
    }

    public static Map<String, Object> properties(String databasePrefix) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("spring.datasource.url", EmbeddedDatabase.newDatabase(databasePrefix));
        properties.put("spring.datasource.username", "postgres");
        properties.put("spring.datasource.password", "postgres");
        // A cached context that waits for its next test class holds no more connections than it uses: Hikari keeps
        // the pool's maximum open otherwise, and dozens of cached contexts would exhaust the server.
        properties.put("spring.datasource.hikari.minimum-idle", "1");
        properties.put("spring.datasource.hikari.idle-timeout", "10000");
        properties.put("spring.security.oauth2.resourceserver.jwt.issuer-uri", TestTokens.instance().issuer());
        properties.put("spring.security.oauth2.resourceserver.jwt.audiences", TestTokens.AUDIENCE);
        properties.put("pullbridge.security.master-key", randomKey());
        properties.put("pullbridge.azure.tenant-id", "72f988bf-86f1-41af-91ab-2d7cd011db47");
        AzureEmulator azure = AzureEmulator.shared();
        registerAzureClient(azure);
        properties.putAll(azure.pullBridgeProperties());
        properties.put("pullbridge.azure.credential", "client-secret");
        properties.put("pullbridge.azure.client-id", AZURE_CLIENT_ID);
        properties.put("pullbridge.azure.client-secret", AZURE_CLIENT_SECRET);
        return properties;
    }

    /**
     * Empties the shared Azure emulator for a test (resources, directory, rules, faults, recorded requests) and
     * registers PullBridge's client again; tokens already issued stay valid, since application contexts cache theirs.
     */
    public static AzureEmulator resetAzure() {
        AzureEmulator azure = AzureEmulator.shared().resetKeepingTokens();
        registerAzureClient(azure);
        return azure;
    }

    private static void registerAzureClient(AzureEmulator azure) {
        synchronized (TestPlatform.class) {
            // PullBridge may do in the emulated ARM only what deploy/azure/pullbridge-role.json allows.
            azure.grantOnly(AZURE_CLIENT_ID, PullBridgeRole.actions());
            if (azure.applicationByAppId(AZURE_CLIENT_ID).isEmpty()) {
                azure.registerClient(AZURE_CLIENT_ID, AZURE_CLIENT_SECRET);
            }
        }
    }

    public static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
