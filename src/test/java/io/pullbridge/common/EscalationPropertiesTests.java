package io.pullbridge.common;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/** What Operators may grant: pulling only by default, widened by name, and nothing unknown accepted. */
class EscalationPropertiesTests {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(EscalationProperties.class)
    static class Settings {
    }

    final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Settings.class);

    @Test
    void byDefaultOperatorsMayGrantOnlyPulling() {
        runner.run(context -> {
            EscalationProperties properties = context.getBean(EscalationProperties.class);
            assertThat(properties.operatorGrantableRoles()).containsExactly("acrpull");
            assertThat(properties.operatorTokenActions()).containsExactlyInAnyOrder("content/read", "metadata/read");
        });
    }

    @Test
    void theSettingsAreReadUnderTheirDocumentedNames() {
        runner.withPropertyValues("pullbridge.security.operator-grantable-roles=acrpull,acrpush",
                        "pullbridge.security.operator-token-actions=content/read,content/write")
                .run(context -> {
                    EscalationProperties properties = context.getBean(EscalationProperties.class);
                    assertThat(properties.operatorGrantableRoles()).containsExactlyInAnyOrder("acrpull", "acrpush");
                    assertThat(properties.operatorTokenActions())
                            .containsExactlyInAnyOrder("content/read", "content/write");
                });
    }

    @Test
    void aRoleOrActionThatDoesNotExistStopsTheServiceFromStarting() {
        runner.withPropertyValues("pullbridge.security.operator-grantable-roles=acrpull,contributor")
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("operatorGrantableRoles")
                        .hasStackTraceContaining("must be acrpull, acrpush or owner"));
        runner.withPropertyValues("pullbridge.security.operator-token-actions=content/read,content/*")
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("operatorTokenActions"));
    }
}
