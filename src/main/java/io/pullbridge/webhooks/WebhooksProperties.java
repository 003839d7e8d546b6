package io.pullbridge.webhooks;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How PullBridge sends webhooks ({@code pullbridge.webhooks.*}). Where it may send them is the cluster host policy
 * ({@code pullbridge.clusters.allowed-hosts} and {@code .denied-hosts}); retries and backoff are the job engine's
 * ({@code pullbridge.jobs.*}).
 *
 * @param connectTimeout bound on opening a connection to a receiver (TCP and TLS)
 * @param requestTimeout bound on one delivery, from sending the event to reading the answer's status
 * @param retention      how long events are kept, with their deliveries, once none of those is pending
 * @param purgeBatchSize how many events one purge deletes per statement
 */
@Validated
@ConfigurationProperties("pullbridge.webhooks")
public record WebhooksProperties(
        @DefaultValue("PT5S") Duration connectTimeout,
        @DefaultValue("PT15S") Duration requestTimeout,
        @DefaultValue("P30D") Duration retention,
        @DefaultValue("1000") @Min(1) int purgeBatchSize) {
}
