package io.pullbridge.registries;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/** The token rotation settings: their documented names and defaults, and what stops the service from starting. */
class RegistriesPropertiesTests {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(RegistriesProperties.class)
    static class Settings {
    }

    final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Settings.class);

    @Test
    void rotationIsAutomaticAtFourFifthsOfALifetimeAndWarnsTwoWeeksBeforeExpiry() {
        runner.run(context -> {
            RegistriesProperties.TokenRotation rotation = context.getBean(RegistriesProperties.class).tokenRotation();
            assertThat(rotation.expiryWarning()).isEqualTo(Duration.ofDays(14));
            assertThat(rotation.automatic()).isTrue();
            assertThat(rotation.atLifetimeFraction()).isEqualTo(0.8);
            assertThat(rotation.switchTimeout()).isEqualTo(Duration.ofHours(1));
            assertThat(rotation.switchPollInterval()).isEqualTo(Duration.ofSeconds(30));
        });
    }

    @Test
    void everySettingHasItsDocumentedName() {
        runner.withPropertyValues("pullbridge.registries.token-rotation.expiry-warning=P7D",
                        "pullbridge.registries.token-rotation.automatic=false",
                        "pullbridge.registries.token-rotation.at-lifetime-fraction=0.5",
                        "pullbridge.registries.token-rotation.switch-timeout=PT6H",
                        "pullbridge.registries.token-rotation.switch-poll-interval=1m")
                .run(context -> assertThat(context.getBean(RegistriesProperties.class).tokenRotation())
                        .isEqualTo(new RegistriesProperties.TokenRotation(Duration.ofDays(7), false, 0.5,
                                Duration.ofHours(6), Duration.ofMinutes(1))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"at-lifetime-fraction=0", "at-lifetime-fraction=1", "at-lifetime-fraction=1.5",
            "switch-timeout=PT0S", "switch-poll-interval=-PT1S", "expiry-warning=-P1D"})
    void settingsOutOfRangeStopTheServiceFromStarting(String setting) {
        runner.withPropertyValues("pullbridge.registries.token-rotation." + setting)
                .run(context -> assertThat(context).hasFailed()
                        .getFailure().hasStackTraceContaining("tokenRotation"));
    }
}
