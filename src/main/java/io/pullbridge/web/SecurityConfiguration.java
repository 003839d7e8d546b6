package io.pullbridge.web;

import java.util.Collection;
import java.util.List;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.authentication.InsufficientAuthenticationException;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.header.writers.DelegatingRequestMatcherHeaderWriter;
import org.springframework.security.web.header.writers.StaticHeadersWriter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.AndRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Bearer-token security: tokens are validated by Spring Boot's standard
 * {@code spring.security.oauth2.resourceserver.jwt.*} properties, which must include an audience
 * ({@link AudienceRequirement}); roles come from the {@code roles} claim, as Entra app roles do. {@code Reader}
 * reads, {@code Operator} also writes, {@code Admin} also reads the audit trail. Health and info are public; the
 * Prometheus scrape is public only on a separate management port.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    static final String READER = Role.READER.claim();
    static final String OPERATOR = Role.OPERATOR.claim();
    static final String ADMIN = Role.ADMIN.claim();

    static final String PROMETHEUS = "/actuator/prometheus";

    private static final String[] ACCESS_PAGE = {"/ui/access", "/ui/access.html", "/ui/access.js", "/ui/access.css"};
    // Only its own script, style and API: a name that slipped through as markup could neither run nor send anything.
    private static final String ACCESS_PAGE_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /**
     * @param audience not used here: asking for it makes the filter chain, and so the service, refuse to exist
     *                 without an audience check
     */
    @Bean
    SecurityFilterChain apiSecurity(HttpSecurity http, Problems problems, Environment environment,
                                    AudienceRequirement audience) throws Exception {
        AuthenticationEntryPoint unauthenticated = (request, response, e) -> {
            request.setAttribute(Problems.TOKEN_FAILURE, UnauthenticatedRequests.TokenFailure.of(e));
            problems.write(ProblemType.UNAUTHENTICATED, describe(e), request, response);
        };
        AccessDeniedHandler forbidden = (request, response, e) -> problems.write(ProblemType.FORBIDDEN,
                "Your token's roles do not allow " + AuditedRequest.method(request) + " "
                        + AuditedRequest.path(request.getRequestURI(), AuditedRequest.MAX_PATH), request, response);
        http
                .csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .headers(headers -> headers.addHeaderWriter(new DelegatingRequestMatcherHeaderWriter(
                        PathPatternRequestMatcher.withDefaults().matcher("/ui/**"),
                        new StaticHeadersWriter("Content-Security-Policy", ACCESS_PAGE_POLICY))))
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/info").permitAll()
                        // Scraped without a token on the management port, which only the cluster reaches; never
                        // served that way on the API port.
                        .requestMatchers(new AndRequestMatcher(onManagementPort(environment),
                                PathPatternRequestMatcher.withDefaults().matcher(PROMETHEUS))).permitAll()
                        .requestMatchers(PROMETHEUS).hasRole(ADMIN)
                        .requestMatchers("/v3/api-docs", "/v3/api-docs/**", "/v3/api-docs.yaml", "/swagger-ui.html",
                                "/swagger-ui/**").permitAll()
                        .requestMatchers("/error").permitAll()
                        // The access page holds no data: its script reads the API with the token pasted into it.
                        .requestMatchers(HttpMethod.GET, ACCESS_PAGE).permitAll()
                        .requestMatchers("/api/v1/audit-events", "/api/v1/audit-events/**").hasRole(ADMIN)
                        .requestMatchers(HttpMethod.GET, "/api/**").hasRole(READER)
                        .requestMatchers(HttpMethod.HEAD, "/api/**").hasRole(READER)
                        .requestMatchers("/api/**").hasRole(OPERATOR)
                        .anyRequest().denyAll())
                .oauth2ResourceServer(oauth2 -> oauth2
                        .jwt(jwt -> jwt.jwtAuthenticationConverter(rolesClaimConverter()))
                        .authenticationEntryPoint(unauthenticated)
                        .accessDeniedHandler(forbidden))
                .exceptionHandling(exceptions -> exceptions
                        .authenticationEntryPoint(unauthenticated)
                        .accessDeniedHandler(forbidden));
        return http.build();
    }

    /**
     * URLs Spring Security's firewall refuses before any rule is looked at ({@code ;}, {@code //}, encoded
     * {@code /}, {@code \}, {@code %} or {@code .}, non-printable characters in a header): a 400 problem.
     */
    @Bean
    RequestRejectedHandler refusedUrls(Problems problems) {
        return (request, response, e) -> {
            String message = e.getMessage() == null ? "" : e.getMessage();
            if (message.contains("HTTP method")) {
                problems.write(ProblemType.METHOD_NOT_ALLOWED, "This method is not supported", request, response);
            } else if (message.contains("header")) {
                problems.write(ProblemType.MALFORMED_HEADER, "A header name or value holds characters that are not "
                        + "allowed", request, response);
            } else {
                problems.write(ProblemType.MALFORMED_URL, "The URL was refused: it must be normalized (no '.' or '..' "
                        + "segments, no '//') and hold no ';', encoded '/', '\\', '%' or '.', nor control characters",
                        request, response);
            }
        };
    }

    /** Requests that came in on a management port of their own ({@code management.server.port}). */
    static RequestMatcher onManagementPort(Environment environment) {
        return request -> {
            if (ManagementPortType.get(environment) != ManagementPortType.DIFFERENT) {
                return false;
            }
            Integer port = environment.getProperty("local.management.port", Integer.class);
            if (port == null) {
                port = environment.getProperty("management.server.port", Integer.class);
            }
            return port != null && port > 0 && request.getLocalPort() == port;
        };
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

    private static String describe(AuthenticationException e) {
        if (e instanceof InsufficientAuthenticationException) {
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
