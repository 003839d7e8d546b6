package io.pullbridge.kubernetes;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.credentials.ClientCertificateAuthentication;
import io.pullbridge.clusters.ClusterApi;
import io.pullbridge.clusters.ClusterCredentials;
import io.pullbridge.clusters.ClusterProblems;
import io.pullbridge.clusters.KubernetesClusters;
import io.pullbridge.clusters.ServerHostPolicy;
import io.pullbridge.jobs.FailureClass;
import io.pullbridge.jobs.JobFailure;
import io.pullbridge.jobs.JobProblem;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;

/**
 * One client per cluster, kept while the cluster's credentials keep their version and dropped when the server refuses
 * them (401), is not trusted, or the client goes unused for {@code pullbridge.kubernetes.client-idle-timeout}. Each
 * client has its own bounded connection pool, timeouts, a bound on calls in flight that shrinks when the server pushes
 * back ({@link CallGuard}) and an optional rate limit ({@link KubernetesProperties}), and connects only to addresses {@link ServerHostPolicy} accepts.
 */
final class KubernetesClients implements KubernetesClusters, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(KubernetesClients.class);

    private final KubernetesProperties properties;
    private final ServerHostPolicy hostPolicy;
    private final Map<UUID, KubernetesClusterApi> clients = new ConcurrentHashMap<>();

    KubernetesClients(KubernetesProperties properties, ServerHostPolicy hostPolicy) {
        this.properties = properties;
        this.hostPolicy = hostPolicy;
    }

    @Override
    public Optional<ClusterApi> cached(UUID clusterId, String version) {
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

    @Override
    public void destroy() {
        clients.values().forEach(KubernetesClients::close);
        clients.clear();
    }

    private KubernetesClusterApi build(ClusterCredentials credentials) {
        String server = credentials.server().toString();
        try {
            hostPolicy.check(credentials.serverHost());
        } catch (IllegalArgumentException refused) {
            throw JobFailure.permanent(JobProblem.of(ClusterProblems.SERVER_REFUSED, "The cluster's API server is "
                    + "refused", 403, "PullBridge refused to connect to " + server + ": " + refused.getMessage(),
                    FailureClass.PERMANENT), null);
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
            throw JobFailure.permanent(JobProblem.of(ClusterProblems.KUBECONFIG_INVALID, "The cluster's kubeconfig "
                    + "cannot be used", 422, "The kubeconfig's certificate-authority-data, client certificate or "
                    + "client key cannot be read (they must be PEM, base64-encoded)", FailureClass.PERMANENT), null);
        }
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(properties.maxConcurrentCallsPerCluster());
        dispatcher.setMaxRequestsPerHost(properties.maxConcurrentCallsPerCluster());
        OkHttpClient http = api.getHttpClient().newBuilder()
                .connectionPool(new ConnectionPool(properties.maxIdleConnections(),
                        properties.keepAlive().toMillis(), TimeUnit.MILLISECONDS))
                .dispatcher(dispatcher)
                .socketFactory(new PolicySocketFactory(hostPolicy, credentials.serverHost()))
                .connectTimeout(properties.connectTimeout())
                .readTimeout(properties.callTimeout())
                .writeTimeout(properties.callTimeout())
                .callTimeout(properties.callTimeout())
                .followRedirects(false)
                .followSslRedirects(false)
                .build();
        HttpUrl base = HttpUrl.get(server);
        CallGuard guard = new CallGuard(properties.maxConcurrentCallsPerCluster(), properties.busyWait(),
                TokenBucket.of(properties.qps(), properties.burst()), properties.pushbackRetries(), System::nanoTime,
                TimeUnit.NANOSECONDS::sleep);
        return new KubernetesClusterApi(credentials.clusterId(), credentials.version(), base, http,
                authorization(credentials.credential()), guard, this::refused);
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

    private void dropIdle() {
        long idle = properties.clientIdleTimeout().toNanos();
        long now = System.nanoTime();
        clients.values().removeIf(client -> {
            boolean drop = now - client.lastUsed() > idle;
            if (drop) {
                close(client);
            }
            return drop;
        });
    }

    private static void close(KubernetesClusterApi client) {
        // In-flight calls finish on their connections; idle ones close now, the rest when released.
        client.http().connectionPool().evictAll();
        client.http().dispatcher().executorService().shutdown();
    }
}
