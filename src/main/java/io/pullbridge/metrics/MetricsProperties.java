package io.pullbridge.metrics;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The metrics' knobs ({@code pullbridge.metrics.*}).
 *
 * @param refreshInterval how often the gauges read from the database (bindings, clusters, credentials, the last
 *                        reconciliation pass) are refreshed; scrapes in between cost nothing
 */
@Validated
@ConfigurationProperties("pullbridge.metrics")
public record MetricsProperties(@DefaultValue("PT30S") @NotNull Duration refreshInterval) {

    @AssertTrue(message = "must be positive")
    boolean isRefreshIntervalPositive() {
        return refreshInterval == null || !(refreshInterval.isNegative() || refreshInterval.isZero());
    }
}
