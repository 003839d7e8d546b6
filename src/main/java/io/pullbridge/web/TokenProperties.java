package io.pullbridge.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How bearer tokens are checked beyond Spring Boot's {@code spring.security.oauth2.resourceserver.jwt.*}
 * ({@code pullbridge.security.*}).
 *
 * @param allowAnyAudience start without {@code spring.security.oauth2.resourceserver.jwt.audiences}, accepting a
 *                         token meant for any application of the issuer; off by default, and logged at WARN when on
 */
@ConfigurationProperties("pullbridge.security")
public record TokenProperties(@DefaultValue("false") boolean allowAnyAudience) {
}
