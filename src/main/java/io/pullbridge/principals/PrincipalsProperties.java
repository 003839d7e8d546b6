package io.pullbridge.principals;

import io.pullbridge.registries.PasswordLifetimes;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.bind.Name;
import org.springframework.validation.annotation.Validated;

/**
 * Service principal settings ({@code pullbridge.principals.*}).
 *
 * @param passwordLifetime  bounds and default of the lifetime of the passwords PullBridge creates
 * @param propagationWindow how long after PullBridge created a principal a role assignment that Azure Resource Manager
 *                          refuses with {@code PrincipalNotFound} (Entra ID still replicating it) is tried again
 * @param expiryWarning     how long before a password expires the {@code CredentialExpiring} condition turns True
 * @param autoRotate        whether PullBridge rotates the passwords of the principals it created by itself
 * @param autoRotateAt      the fraction of a password's lifetime after which it is rotated automatically
 * @param rotation          how a rotation waits for the users of the credential to switch to the new password
 */
@ConfigurationProperties("pullbridge.principals")
@Validated
public record PrincipalsProperties(@DefaultValue @Valid @NotNull PasswordLifetime passwordLifetime,
                                   @DefaultValue("PT10M") @NotNull Duration propagationWindow,
                                   @DefaultValue("P30D") @NotNull Duration expiryWarning,
                                   @DefaultValue("true") boolean autoRotate,
                                   @DefaultValue("0.8") @DecimalMin(value = "0", inclusive = false)
                                   @DecimalMax(value = "1", inclusive = false) double autoRotateAt,
                                   @DefaultValue @Valid @NotNull Rotation rotation) {

    /**
     * @param min             the shortest lifetime a principal may ask for
     * @param max             the longest lifetime a principal may ask for (Entra's portal offers up to 24 months)
     * @param defaultLifetime the lifetime of principals that ask for none ({@code ...password-lifetime.default})
     */
    public record PasswordLifetime(@DefaultValue("P1D") @NotNull Duration min,
                                   @DefaultValue("P730D") @NotNull Duration max,
                                   @DefaultValue("P365D") @NotNull @Name("default") Duration defaultLifetime) {

        @AssertTrue(message = "must satisfy 0 < min <= default <= max")
        public boolean isOrdered() {
            return PasswordLifetimes.ordered(min, defaultLifetime, max);
        }
    }

    /**
     * @param switchTimeout how long a rotation waits for every user to hold the new password before it fails (the old
     *                      password then stays valid; retrying the job waits this long again)
     * @param pollInterval  how often a rotation asks the users of the credential whether they switched
     */
    public record Rotation(@DefaultValue("PT1H") @NotNull Duration switchTimeout,
                           @DefaultValue("PT15S") @NotNull Duration pollInterval) {

        @AssertTrue(message = "must both be positive")
        public boolean isPositive() {
            return positive(switchTimeout) && positive(pollInterval);
        }
    }

    @AssertTrue(message = "must be positive")
    public boolean isPropagationWindowPositive() {
        return positive(propagationWindow);
    }

    @AssertTrue(message = "must not be negative")
    public boolean isExpiryWarningNotNegative() {
        return expiryWarning != null && !expiryWarning.isNegative();
    }

    private static boolean positive(Duration duration) {
        return duration != null && !duration.isNegative() && !duration.isZero();
    }
}
