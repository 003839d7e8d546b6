package io.pullbridge.web;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerProperties;
import org.springframework.stereotype.Component;

/**
 * Refuses to start unless bearer tokens are checked for their issuer and their audience.
 * <p>
 * Issuer: with only {@code spring.security.oauth2.resourceserver.jwt.jwk-set-uri}, Spring Security checks a token's
 * signature but not its {@code iss}, and a key set may be shared by many issuers (Entra ID serves one set of keys for
 * every tenant), so a token from another tenant would pass. {@code issuer-uri} must be set then; a
 * {@code public-key-location} names a key that only the issuer holds, so it is enough on its own.
 * <p>
 * Audience: without
 * {@code spring.security.oauth2.resourceserver.jwt.audiences}, a token the issuer made for any other application of
 * the tenant (an Entra ID tenant has many) would open this API. The only way round it is the explicit
 * {@code pullbridge.security.allow-any-audience}, which is logged at WARN at every start.
 */
@Component
class AudienceRequirement {

    static final String AUDIENCES = "spring.security.oauth2.resourceserver.jwt.audiences";
    static final String OPT_OUT = "pullbridge.security.allow-any-audience";

    private static final Logger log = LoggerFactory.getLogger(AudienceRequirement.class);

    static final String ISSUER = "spring.security.oauth2.resourceserver.jwt.issuer-uri";
    static final String JWK_SET = "spring.security.oauth2.resourceserver.jwt.jwk-set-uri";

    AudienceRequirement(OAuth2ResourceServerProperties resourceServer, TokenProperties tokens) {
        OAuth2ResourceServerProperties.Jwt jwt = resourceServer.getJwt();
        if (isBlank(jwt.getIssuerUri()) && !isBlank(jwt.getJwkSetUri()) && jwt.getPublicKeyLocation() == null) {
            throw new IllegalStateException(JWK_SET + " is set without " + ISSUER + ": tokens would be checked for "
                    + "their signature but not their issuer, and a key set can be shared by many issuers (Entra ID's "
                    + "is shared by every tenant). Set " + ISSUER + " (SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_"
                    + "ISSUER_URI) as well, e.g. https://login.microsoftonline.com/<tenant-id>/v2.0.");
        }
        List<String> audiences = resourceServer.getJwt().getAudiences().stream()
                .filter(audience -> audience != null && !audience.isBlank()).toList();
        if (!audiences.isEmpty()) {
            if (tokens.allowAnyAudience()) {
                log.info("{} is ignored: {} is set, and tokens must carry one of {}", OPT_OUT, AUDIENCES, audiences);
            }
            return;
        }
        if (!tokens.allowAnyAudience()) {
            throw new IllegalStateException(AUDIENCES + " is not set: PullBridge refuses to start without an audience "
                    + "that bearer tokens must carry, since any token of the issuer would otherwise be accepted. Set it "
                    + "(SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_AUDIENCES) to PullBridge's application ID URI or "
                    + "client id, e.g. api://pullbridge; or, knowingly, set " + OPT_OUT + "=true.");
        }
        log.warn("{} is not set and {}=true: bearer tokens are accepted whatever their audience, so a token the issuer "
                + "made for any other application opens this API. Set {} to PullBridge's application ID URI.",
                AUDIENCES, OPT_OUT, AUDIENCES);
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
