package io.pullbridge.web;

import java.util.Collection;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;
import org.springframework.http.HttpMethod;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Bearer-token security: tokens are validated by Spring Boot's standard
 * {@code spring.security.oauth2.resourceserver.jwt.*} properties; roles come from the {@code roles} claim, as Entra
 * app roles do. {@code Reader} reads, {@code Operator} also writes, {@code Admin} also reads the audit trail.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    static final String READER = Role.READER.claim();
    static final String OPERATOR = Role.OPERATOR.claim();
    static final String ADMIN = Role.ADMIN.claim();

    @Bean
    SecurityFilterChain apiSecurity(HttpSecurity http, Problems problems) throws Exception {
        http
                .csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/info").permitAll()
                        // Scraped by Prometheus inside the cluster; expose the management port only there.
                        .requestMatchers("/actuator/prometheus").permitAll()
                        .requestMatchers("/v3/api-docs", "/v3/api-docs/**", "/v3/api-docs.yaml", "/swagger-ui.html",
                                "/swagger-ui/**").permitAll()
                        .requestMatchers("/error").permitAll()
                        .requestMatchers("/api/v1/audit-events", "/api/v1/audit-events/**").hasRole(ADMIN)
                        .requestMatchers(HttpMethod.GET, "/api/**").hasRole(READER)
                        .requestMatchers(HttpMethod.HEAD, "/api/**").hasRole(READER)
                        .requestMatchers("/api/**").hasRole(OPERATOR)
                        .anyRequest().denyAll())
                .oauth2ResourceServer(oauth2 -> oauth2
                        .jwt(jwt -> jwt.jwtAuthenticationConverter(rolesClaimConverter()))
                        .authenticationEntryPoint((request, response, e) -> problems.write(ProblemType.UNAUTHENTICATED,
                                describe(e), request, response))
                        .accessDeniedHandler((request, response, e) -> problems.write(ProblemType.FORBIDDEN,
                                "Your token's roles do not allow " + request.getMethod() + " " + request.getRequestURI(),
                                request, response)))
                .exceptionHandling(exceptions -> exceptions
                        .authenticationEntryPoint((request, response, e) -> problems.write(ProblemType.UNAUTHENTICATED,
                                describe(e), request, response))
                        .accessDeniedHandler((request, response, e) -> problems.write(ProblemType.FORBIDDEN,
                                "Your token's roles do not allow " + request.getMethod() + " " + request.getRequestURI(),
                                request, response)));
        return http.build();
    }

    @Bean
    static RoleHierarchy roleHierarchy() {
        return RoleHierarchyImpl.withDefaultRolePrefix()
                .role(ADMIN).implies(OPERATOR)
                .role(OPERATOR).implies(READER)
                .build();
    }

    static JwtAuthenticationConverter rolesClaimConverter() {
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(new RolesClaim());
        return converter;
    }

    private static String describe(org.springframework.security.core.AuthenticationException e) {
        if (e instanceof org.springframework.security.authentication.InsufficientAuthenticationException) {
            return "Send a bearer token in the Authorization header";
        }
        // The validator's message says which check failed (expired, issuer, audience, signature) and holds no secret.
        String message = e.getMessage();
        return "The bearer token was refused" + (message == null ? "" : ": " + message);
    }

    /** Maps the {@code roles} claim (a list of strings) to {@code ROLE_*} authorities. */
    static final class RolesClaim implements Converter<Jwt, Collection<GrantedAuthority>> {
        @Override
        public Collection<GrantedAuthority> convert(Jwt jwt) {
            List<String> roles = jwt.getClaimAsStringList("roles");
            if (roles == null) {
                return List.of();
            }
            return roles.stream().<GrantedAuthority>map(role -> new SimpleGrantedAuthority("ROLE_" + role)).toList();
        }
    }
}
