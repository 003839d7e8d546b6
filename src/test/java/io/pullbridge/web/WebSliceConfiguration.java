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
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.JwtRequestPostProcessor;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;

import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.jwt;
import static org.springframework.security.test.web.servlet.setup.SecurityMockMvcConfigurers.springSecurity;

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

    /** The problem type URIs' common prefix. */
    public static final String PROBLEM = "https://pullbridge.io/problems/";

    /** MockMvc over the slice's context, behind the service's security filters. */
    public static MockMvc securedMockMvc(WebApplicationContext context) {
        return MockMvcBuilders.webAppContextSetup(context).apply(springSecurity()).build();
    }

    /** A request from a caller who holds {@code role} (and so, through the hierarchy, the roles below it). */
    public static JwtRequestPostProcessor as(Role role) {
        return jwt().authorities(new SimpleGrantedAuthority("ROLE_" + role.claim()));
    }

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
