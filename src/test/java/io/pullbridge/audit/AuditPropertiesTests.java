package io.pullbridge.audit;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class AuditPropertiesTests {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(AuditProperties.class)
    static class Config {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Config.class);

    @Test
    void keepsFourHundredDaysPurgedHourlyInBatchesOfAThousand() {
        runner.run(context -> assertThat(context.getBean(AuditProperties.class))
                .isEqualTo(new AuditProperties(Duration.ofDays(400), Duration.ofHours(1), 1000)));
    }

    @Test
    void bindsTheRetentionAsAnIsoDuration() {
        runner.withPropertyValues("pullbridge.audit.retention=P30D")
                .run(context -> assertThat(context.getBean(AuditProperties.class).retention())
                        .isEqualTo(Duration.ofDays(30)));
    }

    @Test
    void refusesToStartWithARetentionUnderADay() {
        runner.withPropertyValues("pullbridge.audit.retention=PT1H")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("pullbridge.audit.retention must be at least one day"));
    }

    @Test
    void refusesToStartWithABatchSizeOfNothing() {
        runner.withPropertyValues("pullbridge.audit.purge-batch-size=0")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("pullbridge.audit.purge-batch-size must be between 1 and 100000"));
    }
}
