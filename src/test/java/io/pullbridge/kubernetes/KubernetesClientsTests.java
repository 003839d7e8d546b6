package io.pullbridge.kubernetes;

import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.pullbridge.clusters.ClusterApi;
import io.pullbridge.clusters.ClusterCredentials;
import io.pullbridge.jobs.JobFailure;
import io.pullbridge.support.kube.EmulatedCluster;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The per-cluster clients are a cache with bounds: what a fleet of clusters costs a replica must not grow with every
 * cluster ever called. Nothing here calls a server: building a client connects to nothing.
 */
class KubernetesClientsTests {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Test
    void aClientUnusedForTheIdleTimeoutIsDroppedWhenAnyClientIsNextAskedFor() {
        KubernetesClients clients = clients(Duration.ofMinutes(30), 100);
        ClusterCredentials idle = credentials();
        ClusterCredentials busy = credentials();
        ClusterApi idleApi = clients.connect(idle);
        clients.connect(busy);

        tick(Duration.ofMinutes(20));
        use(clients.cached(busy.clusterId(), "v1").orElseThrow());
        tick(Duration.ofMinutes(11));
        assertThat(clients.cached(busy.clusterId(), "v1")).isPresent();

        assertThat(clients.size()).isEqualTo(1);
        assertThat(clients.cached(idle.clusterId(), "v1")).isEmpty();
        assertThat(((KubernetesClusterApi) idleApi).http().dispatcher().executorService().isShutdown()).isTrue();
    }

    @Test
    void idleClientsAreLookedForAtMostEveryTenthOfTheTimeout() {
        KubernetesClients clients = clients(Duration.ofMinutes(30), 100);
        ClusterCredentials first = credentials();
        clients.connect(first);
        tick(Duration.ofMinutes(29));
        assertThat(clients.cached(first.clusterId(), "v1")).isPresent();

        tick(Duration.ofMinutes(2));
        assertThat(clients.cached(first.clusterId(), "v1")).as("31 minutes unused, but the last look was 2 ago")
                .isPresent();
        tick(Duration.ofMinutes(1));
        clients.cached(UUID.randomUUID(), "v1");
        assertThat(clients.size()).as("dropped at the next look, 3 minutes after the last").isZero();
    }

    @Test
    void beyondTheBoundTheLeastRecentlyUsedClientIsDropped() {
        KubernetesClients clients = clients(Duration.ofMinutes(30), 2);
        ClusterCredentials oldest = credentials();
        ClusterCredentials used = credentials();
        ClusterCredentials newest = credentials();
        clients.connect(oldest);
        tick(Duration.ofSeconds(1));
        clients.connect(used);

        clients.connect(newest);

        assertThat(clients.size()).isEqualTo(2);
        assertThat(clients.cached(oldest.clusterId(), "v1")).isEmpty();
        assertThat(clients.cached(used.clusterId(), "v1")).isPresent();
        assertThat(clients.cached(newest.clusterId(), "v1")).isPresent();
    }

    @Test
    void idleConnectionsToAllClustersTogetherStayWithinTheBound() {
        try (EmulatedCluster first = EmulatedCluster.start("team-a"); EmulatedCluster second = EmulatedCluster.start()) {
            KubernetesProperties defaults = KubernetesProperties.defaults();
            KubernetesClients clients = new KubernetesClients(new KubernetesProperties(
                    defaults.maxConcurrentCallsPerCluster(), defaults.busyWait(), defaults.pushbackRetries(),
                    defaults.qps(), defaults.burst(), defaults.connectTimeout(), defaults.callTimeout(), 1,
                    defaults.keepAlive(),
                    defaults.clientIdleTimeout(), defaults.maxClients()), KubernetesClusterApiTests.LOOPBACK_ALLOWED);
            ClusterApi one = clients.connect(KubernetesClusterApiTests.credentials(first, EmulatedCluster.TOKEN));
            ClusterApi two = clients.connect(KubernetesClusterApiTests.credentials(second, EmulatedCluster.TOKEN));

            assertThat(one.namespaces(null)).isNotEmpty();
            assertThat(two.namespaces(null)).isNotEmpty();

            // OkHttp evicts connections beyond the pool's bound in its cleanup task, just after they are released.
            await("one pool for both clusters, holding at most one").atMost(Duration.ofSeconds(10))
                    .until(() -> clients.idleConnections() == 1);
            assertThat(((KubernetesClusterApi) one).http().connectionPool())
                    .isSameAs(((KubernetesClusterApi) two).http().connectionPool());
            clients.destroy();
            assertThat(clients.idleConnections()).isZero();
        }
    }

    /** A call: the server is not there, but the client counts as used. */
    private static void use(ClusterApi api) {
        try {
            api.serverVersion();
        } catch (JobFailure expected) {
            // Nothing listens on the port.
        }
    }

    private void tick(Duration duration) {
        now.addAndGet(duration.toNanos());
    }

    private KubernetesClients clients(Duration idleTimeout, int maxClients) {
        KubernetesProperties defaults = KubernetesProperties.defaults();
        KubernetesProperties properties = new KubernetesProperties(defaults.maxConcurrentCallsPerCluster(),
                defaults.busyWait(), defaults.pushbackRetries(), defaults.qps(), defaults.burst(), defaults.connectTimeout(),
                defaults.callTimeout(), defaults.maxIdleConnections(), defaults.keepAlive(), idleTimeout, maxClients);
        return new KubernetesClients(properties, KubernetesClusterApiTests.LOOPBACK_ALLOWED, null, now::get);
    }

    private static ClusterCredentials credentials() {
        return new ClusterCredentials(UUID.randomUUID(), "v1", URI.create("https://127.0.0.1:6443"), null, false,
                null, new ClusterCredentials.BearerToken("token"));
    }
}
