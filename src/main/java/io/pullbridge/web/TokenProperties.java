package io.pullbridge.web;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How bearer tokens are checked beyond Spring Boot's {@code spring.security.oauth2.resourceserver.jwt.*}
 * ({@code pullbridge.security.*}).
 *
 * @param allowAnyAudience start without {@code spring.security.oauth2.resourceserver.jwt.audiences}, accepting a
 *                         token meant for any application of the issuer; off by default, and logged at WARN when on
 * @param tokenCacheSize   validated tokens kept so that a client's next request skips the signature check
 *                         ({@link CachedJwtDecoder}); 0 checks every request's token in full
 * @param tokenCacheMaxAge how long a validated token is kept at most (never beyond its expiry): a key the issuer
 *                         withdraws stops opening the API within this time
 */
@Validated
@ConfigurationProperties("pullbridge.security")
public record TokenProperties(@DefaultValue("false") boolean allowAnyAudience,
                              @DefaultValue("10000") @Min(0) int tokenCacheSize,
                              @DefaultValue("PT5M") Duration tokenCacheMaxAge) {
}
