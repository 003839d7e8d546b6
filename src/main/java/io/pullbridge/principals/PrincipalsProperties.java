package io.pullbridge.principals;

import io.pullbridge.registries.PasswordLifetimes;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.bind.Name;
import org.springframework.validation.annotation.Validated;

/**
 * Service principal settings ({@code pullbridge.principals.*}).
 *
 * @param passwordLifetime bounds and default of the lifetime of the passwords PullBridge creates
 */
@ConfigurationProperties("pullbridge.principals")
@Validated
public record PrincipalsProperties(@DefaultValue @Valid @NotNull PasswordLifetime passwordLifetime) {

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
}
