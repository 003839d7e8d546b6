package io.pullbridge.registries;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.bind.Name;
import org.springframework.validation.annotation.Validated;

/**
 * Registry settings ({@code pullbridge.registries.*}).
 *
 * @param tokenPasswordLifetime bounds and default of the lifetime of registry token passwords
 * @param tokenRotation         expiry warnings and rotation of registry token passwords
 */
@ConfigurationProperties("pullbridge.registries")
@Validated
public record RegistriesProperties(@DefaultValue @Valid @NotNull TokenPasswordLifetime tokenPasswordLifetime,
                                   @DefaultValue @Valid @NotNull TokenRotation tokenRotation) {

    /**
     * @param min             the shortest lifetime a token may ask for
     * @param max             the longest lifetime a token may ask for
     * @param defaultLifetime the lifetime of tokens that ask for none ({@code ...token-password-lifetime.default})
     */
    public record TokenPasswordLifetime(@DefaultValue("P1D") @NotNull Duration min,
                                        @DefaultValue("P365D") @NotNull Duration max,
                                        @DefaultValue("P90D") @NotNull @Name("default") Duration defaultLifetime) {

        @AssertTrue(message = "must satisfy 0 < min <= default <= max")
        public boolean isOrdered() {
            return PasswordLifetimes.ordered(min, defaultLifetime, max);
        }
    }

    /**
     * @param expiryWarning      how long before its password expires a token shows {@code CredentialExpiring=True}
     * @param automatic          whether PullBridge rotates a token's password by itself once
     *                           {@code atLifetimeFraction} of its lifetime has passed
     * @param atLifetimeFraction the share of a password's lifetime after which automatic rotation starts (0 to 1,
     *                           exclusive)
     * @param switchTimeout      how long a rotation waits for every user of the token (pull secrets) to hold the new
     *                           password before it gives up, leaving the old one working; keep it below
     *                           {@code pullbridge.jobs.max-age}
     * @param switchPollInterval how often a waiting rotation asks the users again
     */
    public record TokenRotation(@DefaultValue("P14D") @NotNull Duration expiryWarning,
                                @DefaultValue("true") boolean automatic,
                                @DefaultValue("0.8") double atLifetimeFraction,
                                @DefaultValue("PT1H") @NotNull Duration switchTimeout,
                                @DefaultValue("PT30S") @NotNull Duration switchPollInterval) {

        @AssertTrue(message = "at-lifetime-fraction must be between 0 and 1, exclusive")
        public boolean isFractionValid() {
            return atLifetimeFraction > 0 && atLifetimeFraction < 1;
        }

        @AssertTrue(message = "expiry-warning must not be negative; switch-timeout and switch-poll-interval must be "
                + "positive")
        public boolean isDurationsValid() {
            return expiryWarning != null && !expiryWarning.isNegative() && positive(switchTimeout)
                    && positive(switchPollInterval);
        }

        private static boolean positive(Duration duration) {
            return duration != null && !duration.isNegative() && !duration.isZero();
        }
    }
}
