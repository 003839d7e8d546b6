package io.pullbridge.principals;

import io.pullbridge.registries.RegistriesProperties;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/** The password lifetime settings of both modules: their defaults, names and validation at start. */
class PrincipalsPropertiesTests {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({PrincipalsProperties.class, RegistriesProperties.class})
    static class Settings {
    }

    final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Settings.class);

    @Test
    void defaultsAreOneDayToTwoYearsForPrincipalsAndOneDayToOneYearForTokens() {
        runner.run(context -> {
            PrincipalsProperties.PasswordLifetime principals = context.getBean(PrincipalsProperties.class)
                    .passwordLifetime();
            assertThat(principals.min()).isEqualTo(Duration.ofDays(1));
            assertThat(principals.max()).isEqualTo(Duration.ofDays(730));
            assertThat(principals.defaultLifetime()).isEqualTo(Duration.ofDays(365));
            RegistriesProperties.TokenPasswordLifetime tokens = context.getBean(RegistriesProperties.class)
                    .tokenPasswordLifetime();
            assertThat(tokens.min()).isEqualTo(Duration.ofDays(1));
            assertThat(tokens.max()).isEqualTo(Duration.ofDays(365));
            assertThat(tokens.defaultLifetime()).isEqualTo(Duration.ofDays(90));
        });
    }

    @Test
    void theDefaultIsConfiguredUnderItsDocumentedName() {
        runner.withPropertyValues("pullbridge.principals.password-lifetime.default=P180D",
                        "pullbridge.principals.password-lifetime.max=P400D",
                        "pullbridge.registries.token-password-lifetime.default=30d")
                .run(context -> {
                    assertThat(context.getBean(PrincipalsProperties.class).passwordLifetime().defaultLifetime())
                            .isEqualTo(Duration.ofDays(180));
                    assertThat(context.getBean(PrincipalsProperties.class).passwordLifetime().max())
                            .isEqualTo(Duration.ofDays(400));
                    assertThat(context.getBean(RegistriesProperties.class).tokenPasswordLifetime().defaultLifetime())
                            .isEqualTo(Duration.ofDays(30));
                });
    }

    @Test
    void boundsOutOfOrderStopTheServiceFromStarting() {
        runner.withPropertyValues("pullbridge.principals.password-lifetime.default=P900D")
                .run(context -> assertThat(context).hasFailed()
                        .getFailure().hasStackTraceContaining("passwordLifetime.ordered")
                        .hasStackTraceContaining("must satisfy 0 < min <= default <= max"));
        runner.withPropertyValues("pullbridge.registries.token-password-lifetime.min=P0D")
                .run(context -> assertThat(context).hasFailed()
                        .getFailure().hasStackTraceContaining("tokenPasswordLifetime.ordered"));
    }
}
