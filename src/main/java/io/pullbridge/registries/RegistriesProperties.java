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
 */
@ConfigurationProperties("pullbridge.registries")
@Validated
public record RegistriesProperties(@DefaultValue @Valid @NotNull TokenPasswordLifetime tokenPasswordLifetime) {

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
}
