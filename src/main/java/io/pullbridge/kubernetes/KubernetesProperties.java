package io.pullbridge.kubernetes;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How PullBridge talks to clusters' API servers ({@code pullbridge.kubernetes.*}); every bound is per cluster.
 *
 * @param maxConcurrentCallsPerCluster calls in flight to one cluster at once, across all jobs of this replica; fewer
 *                           while the cluster pushes back (429 or 5xx), see {@link CallGuard}
 * @param busyWait           how long a call waits for one of those slots, or for the cluster's {@code Retry-After},
 *                           before the job step fails (transient)
 * @param pushbackRetries    how often a call the cluster pushed back on (429 or 5xx) is sent again, after its
 *                           {@code Retry-After} or a backoff, before the job step fails (transient)
 * @param qps                an optional ceiling: calls per second to one cluster, on average (a client-side token
 *                           bucket); 0, the default, for none: the cluster's own API Priority and Fairness says when
 *                           to slow down, and PullBridge does
 * @param burst              calls that may go at once after a quiet spell (the bucket's size), when {@code qps} is set
 * @param connectTimeout     how long connecting to an API server may take
 * @param callTimeout        how long one call may take in all (connect, send, wait, read)
 * @param maxIdleConnections idle connections kept open, to all clusters together (one pool per replica; each
 *                           cluster's calls reuse only its own connections)
 * @param keepAlive          how long an idle connection is kept
 * @param clientIdleTimeout  a cluster's client (and the credentials in it) is dropped after this long unused
 * @param maxClients         clients kept at most; beyond it the least recently used is dropped (and built again when
 *                           its cluster is next called). Above the fleet's size, so a reconcile pass reuses them all
 */
@Validated
@ConfigurationProperties("pullbridge.kubernetes")
public record KubernetesProperties(
        @DefaultValue("8") @Min(1) int maxConcurrentCallsPerCluster,
        @DefaultValue("PT30S") Duration busyWait,
        @DefaultValue("5") @Min(0) int pushbackRetries,
        @DefaultValue("0") @Min(0) double qps,
        @DefaultValue("1000") @Min(1) int burst,
        @DefaultValue("PT10S") Duration connectTimeout,
        @DefaultValue("PT30S") Duration callTimeout,
        @DefaultValue("64") @Min(0) int maxIdleConnections,
        @DefaultValue("PT5M") Duration keepAlive,
        @DefaultValue("PT30M") Duration clientIdleTimeout,
        @DefaultValue("5000") @Min(1) int maxClients) {

    /** The defaults, for tests. */
    static KubernetesProperties defaults() {
        return new KubernetesProperties(8, Duration.ofSeconds(30), 5, 0, 1000, Duration.ofSeconds(10),
                Duration.ofSeconds(30), 64, Duration.ofMinutes(5), Duration.ofMinutes(30), 5000);
    }
}
