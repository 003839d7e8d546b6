package io.pullbridge.kubernetes;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.credentials.ClientCertificateAuthentication;
import io.pullbridge.clusters.ClusterApi;
import io.pullbridge.clusters.ClusterCredentials;
import io.pullbridge.clusters.ClusterProblems;
import io.pullbridge.clusters.EntraTokens;
import io.pullbridge.clusters.KubernetesClusters;
import io.pullbridge.clusters.ServerHostPolicy;
import io.pullbridge.jobs.JobFailure;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;

/**
 * One client per cluster, kept while the cluster's credentials keep their version and dropped when the server refuses
 * them (401), is not trusted, or the client goes unused for {@code pullbridge.kubernetes.client-idle-timeout} (looked
 * for at most every tenth of it, whenever a client is asked for). At most {@code pullbridge.kubernetes.max-clients}
 * are kept: beyond, the least recently used goes. Each client has its timeouts, a bound on calls in flight that
 * shrinks when the server pushes back ({@link CallGuard}) and an optional rate limit ({@link KubernetesProperties});
 * all share one bounded connection pool, and connect only to addresses {@link ServerHostPolicy} accepts.
 */
final class KubernetesClients implements KubernetesClusters, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(KubernetesClients.class);

    private final KubernetesProperties properties;
    private final ServerHostPolicy hostPolicy;
    private final EntraTokens entraTokens;
    private final Map<UUID, KubernetesClusterApi> clients = new ConcurrentHashMap<>();
    /*
     * One pool for every cluster's client: a pool per client kept up to maxIdleConnections open to each cluster, so a
     * fleet's sweep left thousands of idle connections (and file descriptors) open for keepAlive. Connections are
     * only reused by the client that made them (their address includes its TLS settings); the pool bounds the sum.
     */
    private final ConnectionPool connections;
    private final LongSupplier nanoTime;
    private final AtomicLong nextIdleSweep;

    /** Clients for clusters reached with kubeconfig credentials only. */
    KubernetesClients(KubernetesProperties properties, ServerHostPolicy hostPolicy) {
        this(properties, hostPolicy, null, System::nanoTime);
    }

    /** @param entraTokens the tokens for clusters signed in to with PullBridge's Entra identity */
    KubernetesClients(KubernetesProperties properties, ServerHostPolicy hostPolicy, EntraTokens entraTokens) {
        this(properties, hostPolicy, entraTokens, System::nanoTime);
    }

    /**
     * @param entraTokens the tokens for clusters signed in to with PullBridge's Entra identity, or null
     * @param nanoTime    the monotonic clock clients' last use is measured on, as {@link System#nanoTime()}
     */
    KubernetesClients(KubernetesProperties properties, ServerHostPolicy hostPolicy, EntraTokens entraTokens,
                      LongSupplier nanoTime) {
        this.properties = properties;
        this.hostPolicy = hostPolicy;
        this.entraTokens = entraTokens;
        this.nanoTime = nanoTime;
        this.nextIdleSweep = new AtomicLong(nanoTime.getAsLong());
        this.connections = new ConnectionPool(properties.maxIdleConnections(), properties.keepAlive().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public Optional<ClusterApi> cached(UUID clusterId, String version) {
        dropIdle();
        KubernetesClusterApi client = clients.get(clusterId);
        return client != null && client.version().equals(version) ? Optional.of(client) : Optional.empty();
    }

    @Override
    public ClusterApi connect(ClusterCredentials credentials) {
        dropIdle();
        KubernetesClusterApi built = build(credentials);
        KubernetesClusterApi previous = clients.put(credentials.clusterId(), built);
        if (previous != null) {
            close(previous);
        }
        dropLeastRecentlyUsed();
        return built;
    }

    @Override
    public void forget(UUID clusterId) {
        KubernetesClusterApi client = clients.remove(clusterId);
        if (client != null) {
            close(client);
        }
    }

    /** How many clients are kept, for tests. */
    int size() {
        return clients.size();
    }

    /** The idle connections kept to all clusters, for tests. */
    int idleConnections() {
        return connections.idleConnectionCount();
    }

    @Override
    public void destroy() {
        clients.values().forEach(KubernetesClients::close);
        clients.clear();
        connections.evictAll();
    }

    private KubernetesClusterApi build(ClusterCredentials credentials) {
        String server = credentials.server().toString();
        try {
            hostPolicy.check(credentials.serverHost());
        } catch (IllegalArgumentException refused) {
            throw JobFailure.permanent(ClusterProblems.SERVER_REFUSED, "The cluster's API server is "
                    + "refused", 403, "PullBridge refused to connect to " + server + ": " + refused.getMessage());
        }
        ApiClient api;
        try {
            ClientBuilder builder = new ClientBuilder()
                    .setBasePath(server)
                    .setVerifyingSsl(!credentials.insecureSkipTlsVerify())
                    .setReadTimeout(properties.callTimeout());
            if (credentials.certificateAuthority() != null) {
                builder.setCertificateAuthority(credentials.certificateAuthority());
            }
            if (credentials.tlsServerName() != null && !credentials.tlsServerName().isBlank()) {
                builder.setTlsServerName(credentials.tlsServerName());
            }
            if (credentials.credential() instanceof ClusterCredentials.ClientCertificate certificate) {
                builder.setAuthentication(new ClientCertificateAuthentication(certificate.certificate(),
                        certificate.key()));
            }
            api = builder.build();
        } catch (RuntimeException e) {
            // Never the exception's message: it may quote what could not be parsed.
            log.warn("Cannot build a client for cluster {}: {}", credentials.clusterId(), e.getClass().getName());
            throw JobFailure.permanent(ClusterProblems.KUBECONFIG_INVALID, "The cluster's kubeconfig "
                    + "cannot be used", 422, "The kubeconfig's certificate-authority-data, client certificate or "
                    + "client key cannot be read (they must be PEM, base64-encoded)");
        }
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(properties.maxConcurrentCallsPerCluster());
        dispatcher.setMaxRequestsPerHost(properties.maxConcurrentCallsPerCluster());
        OkHttpClient.Builder http = api.getHttpClient().newBuilder()
                .connectionPool(connections)
                .dispatcher(dispatcher)
                .socketFactory(new PolicySocketFactory(hostPolicy, credentials.serverHost()))
                .connectTimeout(properties.connectTimeout())
                .readTimeout(properties.callTimeout())
                .writeTimeout(properties.callTimeout())
                .callTimeout(properties.callTimeout())
                .followRedirects(false)
                .followSslRedirects(false);
        Supplier<List<String>> sentTokens = List::of;
        if (credentials.credential() instanceof ClusterCredentials.EntraToken entra) {
            if (entraTokens == null) {
                throw new IllegalStateException("no Entra token source for cluster " + credentials.clusterId());
            }
            EntraBearer bearer = new EntraBearer(entraTokens, entra);
            http.addInterceptor(bearer).authenticator(bearer);
            sentTokens = bearer::sentTokens;
        }
        List<String> secrets = credentials.secrets();
        Supplier<List<String>> sent = sentTokens;
        Supplier<List<String>> held = () -> {
            List<String> all = new ArrayList<>(secrets);
            all.addAll(sent.get());
            return all;
        };
        HttpUrl base = HttpUrl.get(server);
        CallGuard guard = new CallGuard(properties.maxConcurrentCallsPerCluster(), properties.busyWait(),
                TokenBucket.of(properties.qps(), properties.burst()), properties.pushbackRetries(), System::nanoTime,
                TimeUnit.NANOSECONDS::sleep);
        return new KubernetesClusterApi(credentials.clusterId(), credentials.version(), base, http.build(),
                authorization(credentials.credential()), held, guard, this::refused, credentials.grantAdvice(),
                nanoTime);
    }

    private static String authorization(ClusterCredentials.Credential credential) {
        if (credential instanceof ClusterCredentials.BearerToken token) {
            return "Bearer " + token.token();
        }
        if (credential instanceof ClusterCredentials.Basic basic) {
            return "Basic " + Base64.getEncoder().encodeToString((basic.username() + ":" + basic.password())
                    .getBytes(StandardCharsets.UTF_8));
        }
        return null;
    }

    /** The server refused the client's credentials or was not trusted: the next use builds a client anew. */
    private void refused(KubernetesClusterApi client) {
        if (clients.remove(client.clusterId(), client)) {
            close(client);
        }
    }

    /** Drops the clients unused for the idle timeout; a sweep over all of them at most every tenth of it. */
    private void dropIdle() {
        long idle = properties.clientIdleTimeout().toNanos();
        long now = nanoTime.getAsLong();
        long due = nextIdleSweep.get();
        if (now - due < 0 || !nextIdleSweep.compareAndSet(due, now + Math.max(1, idle / 10))) {
            return;
        }
        clients.values().removeIf(client -> {
            boolean drop = now - client.lastUsed() > idle;
            if (drop) {
                close(client);
            }
            return drop;
        });
    }

    private void dropLeastRecentlyUsed() {
        while (clients.size() > properties.maxClients()) {
            clients.values().stream().min(Comparator.comparingLong(KubernetesClusterApi::lastUsed))
                    .ifPresent(oldest -> {
                        if (clients.remove(oldest.clusterId(), oldest)) {
                            close(oldest);
                        }
                    });
        }
    }

    private static void close(KubernetesClusterApi client) {
        // In-flight calls finish. Its idle connections stay in the shared pool, which no other client reuses, until
        // keepAlive or the pool's bound closes them.
        client.http().dispatcher().executorService().shutdown();
    }
}
