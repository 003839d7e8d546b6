package io.pullbridge.web;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pullbridge.crypto.SecretCipher;
import java.time.Clock;
import org.mockito.Mockito;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwtDecoder;

/**
 * What a {@code @WebMvcTest} of a controller needs from {@code web} to answer as the service does: the security
 * rules (roles, 401 and 403 problem documents), problem documents, and the request filters' collaborators. Requests
 * carry their roles through Spring Security's {@code jwt()} request post-processor (build MockMvc with
 * {@code springSecurity()}): no token is ever decoded.
 */
@TestConfiguration(proxyBeanMethods = false)
@EnableWebSecurity
@Import({SecurityConfiguration.class, Problems.class, UnauthenticatedRequests.class, AudienceRequirement.class})
@EnableConfigurationProperties({WebProperties.class, TokenProperties.class, OAuth2ResourceServerProperties.class})
public class WebSliceConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    MeterRegistry meterRegistry() {
        return new SimpleMeterRegistry();
    }

    @Bean
    IdempotencyStore idempotencyStore() {
        return Mockito.mock(IdempotencyStore.class);
    }

    @Bean
    SecretCipher secretCipher() {
        return Mockito.mock(SecretCipher.class);
    }

    @Bean
    JwtDecoder jwtDecoder() {
        return token -> {
            throw new BadJwtException("a slice test sends no token to decode");
        };
    }
}
