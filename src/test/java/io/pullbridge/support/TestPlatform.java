package io.pullbridge.support;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * What a test context needs from the outside, provided hermetically: a fresh database on the embedded
 * PostgreSQL server, a master key, and token validation against {@link TestTokens}.
 */
public class TestPlatform implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("pullbridge-test-platform",
                properties("test")));
    }

    public static Map<String, Object> properties(String databasePrefix) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("spring.datasource.url", EmbeddedDatabase.newDatabase(databasePrefix));
        properties.put("spring.datasource.username", "postgres");
        properties.put("spring.datasource.password", "postgres");
        properties.put("spring.security.oauth2.resourceserver.jwt.issuer-uri", TestTokens.instance().issuer());
        properties.put("spring.security.oauth2.resourceserver.jwt.audiences", TestTokens.AUDIENCE);
        properties.put("pullbridge.security.master-key", randomKey());
        properties.put("pullbridge.azure.tenant-id", "72f988bf-86f1-41af-91ab-2d7cd011db47");
        return properties;
    }

    public static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
