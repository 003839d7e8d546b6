package io.pullbridge.principals;

import io.pullbridge.common.Condition;
import java.time.Duration;
import java.time.Instant;

/**
 * The {@code CredentialExpiring} condition of a service principal, worked out when it is read, so it is exact at
 * every read and its {@code lastTransitionTime} is when it actually turned: {@code True} (reason {@code ExpiresSoon})
 * from {@code pullbridge.principals.expiry-warning} before the password expires, {@code True} ({@code Expired}) once
 * it has, {@code False} ({@code Valid}) before, {@code Unknown} ({@code ExpiryUnknown}) for an adopted password
 * given without its expiry.
 */
final class CredentialExpiry {

    static final String TYPE = "CredentialExpiring";

    private CredentialExpiry() {
    }

    /** @return null when the principal has no password yet */
    static Condition of(ServicePrincipal principal, Instant now, PrincipalsProperties properties) {
        if (!principal.hasCredential()) {
            return null;
        }
        Instant since = principal.getCredentialCreatedAt() != null ? principal.getCredentialCreatedAt()
                : principal.getCreatedAt();
        Instant expiresAt = principal.getCredentialExpiresAt();
        if (expiresAt == null) {
            return new Condition(TYPE, "Unknown", "ExpiryUnknown", "The password was given without its expiry, so "
                    + "PullBridge cannot warn before it expires; rotate with passwordExpiresAt to track it", since);
        }
        String rotation = automaticRotation(principal, properties);
        if (!now.isBefore(expiresAt)) {
            return new Condition(TYPE, "True", "Expired", "The password expired at " + expiresAt
                    + ": pulls with it fail. Rotate it: POST /api/v1/service-principals/" + principal.getId()
                    + ":rotate", expiresAt);
        }
        Duration warning = properties.expiryWarning();
        Instant warnFrom = expiresAt.minus(warning);
        if (!now.isBefore(warnFrom)) {
            long days = Duration.between(now, expiresAt).toDays();
            return new Condition(TYPE, "True", "ExpiresSoon", "The password expires at " + expiresAt + " (in "
                    + (days == 0 ? "less than a day" : days + " day" + (days == 1 ? "" : "s")) + ")"
                    + rotation, warnFrom.isAfter(since) ? warnFrom : since);
        }
        return new Condition(TYPE, "False", "Valid", "The password expires at " + expiresAt + rotation
                + "; this condition turns True " + warning + " before", since);
    }

    private static String automaticRotation(ServicePrincipal principal, PrincipalsProperties properties) {
        if (principal.rotationInProgress()) {
            return "; a rotation is in progress";
        }
        if (principal.getMode() != PrincipalMode.CREATE) {
            return "; PullBridge cannot rotate an adopted principal's password by itself: rotate it with a new one";
        }
        if (!properties.autoRotate() || principal.getCredentialCreatedAt() == null) {
            return "; automatic rotation is off (pullbridge.principals.auto-rotate)";
        }
        return "; PullBridge rotates it automatically from " + ServicePrincipalRotationJob.rotationTime(
                principal.getCredentialCreatedAt(), principal.getCredentialExpiresAt(), properties.autoRotateAt());
    }
}
