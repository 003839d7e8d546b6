package io.pullbridge.web;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

class WebPropertiesTests {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({WebProperties.class, TokenProperties.class})
    static class Config {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Config.class);

    @Test
    void defaultsToOneMebibyteBodiesAndOneRefusalLineAMinute() {
        runner.run(context -> {
            assertThat(context.getBean(WebProperties.class)).isEqualTo(WebProperties.defaults());
            assertThat(context.getBean(WebProperties.class).maxRequestBody().toBytes()).isEqualTo(1024 * 1024);
            assertThat(context.getBean(TokenProperties.class).allowAnyAudience()).isFalse();
        });
    }

    @Test
    void bindsTheBodyLimitAsADataSize() {
        runner.withPropertyValues("pullbridge.web.max-request-body=4MB", "pullbridge.web.refusal-log-interval=PT10S")
                .run(context -> {
                    WebProperties properties = context.getBean(WebProperties.class);
                    assertThat(properties.maxRequestBody()).isEqualTo(DataSize.ofMegabytes(4));
                    assertThat(properties.refusalLogInterval()).isEqualTo(Duration.ofSeconds(10));
                });
    }

    @Test
    void refusesToStartWithABodyLimitTooSmallForAnyRequest() {
        runner.withPropertyValues("pullbridge.web.max-request-body=1KB")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("pullbridge.web.max-request-body must be between 16KB and 64MB"));
    }
}
