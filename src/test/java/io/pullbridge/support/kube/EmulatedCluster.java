package io.pullbridge.support.kube;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A Kubernetes API server for tests and the local sandbox: fabric8's mock server in CRUD mode, on HTTPS on 127.0.0.1,
 * with a certificate that {@link #kubeconfig()} trusts through {@code certificate-authority-data}. It starts with
 * namespaces and their {@code default} ServiceAccounts (which a real cluster's controllers would create), records every
 * request as {@code "METHOD /path?query"} ({@link #requests()}), reads the Protobuf secrets kubectl v1.32 writes
 * ({@link ProtobufSecret}), and can refuse like a real API server: tokens other than the accepted ones (401,
 * {@link #acceptOnlyToken}), verbs RBAC would deny (403, {@link #forbid}) and writes a validating admission webhook
 * denies ({@link #admissionWebhook}).
 *
 * <p>Where the mock differs from a real API server is in {@code shared/reference/fabric8-mock-notes.md}: it does
 * not check that a namespace exists before writing into it, ignores set-based selectors, and keeps no RBAC of its
 * own.
 */
public final class EmulatedCluster implements AutoCloseable {

    /** The bearer token in {@link #kubeconfig()}: the emulated cluster accepts any token unless told otherwise. */
    public static final String TOKEN = "emulated-cluster-token-3b7e91";

    private static final String QUIET_HEADER = "X-Emulated-Cluster-Quiet";

    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private static volatile EmulatedCluster shared;

    private final MockWebServer web;
    private final KubernetesMockServer server;
    private final NamespacedKubernetesClient client;
    private final String certificateAuthorityData;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final Map<String, String> forbidden = new ConcurrentHashMap<>();
    private final Set<String> namespaces = ConcurrentHashMap.newKeySet();
    /** Custom resources whose definitions are installed: "group/version" to their plurals and kinds. */
    private final Map<String, Map<String, String>> customResources = new ConcurrentHashMap<>();
    private volatile Set<String> acceptedTokens;
    private volatile Function<String, Optional<String>> authenticator;
    private volatile boolean azureRbac;
    private final List<String> bearerTokens = new CopyOnWriteArrayList<>();
    /** Set while {@link #quietly} runs: only this cluster's own {@link #client} then marks its requests quiet. */
    private volatile boolean quiet;
    private final String quietKey = java.util.UUID.randomUUID().toString();
    private volatile java.util.concurrent.CountDownLatch writesHeld;
    private volatile AdmissionWebhook webhook;
    private volatile OldObjectWebhook oldObjectWebhook;
    private volatile int echoCredentialsWith;
    private volatile int throttleAbove;
    private final java.util.ArrayDeque<Long> recentRequests = new java.util.ArrayDeque<>();
    private final java.util.concurrent.atomic.AtomicInteger throttled = new java.util.concurrent.atomic.AtomicInteger();

    private EmulatedCluster(String gitVersion) {
        web = new MockWebServer();
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        KubernetesMixedDispatcher crud = new KubernetesMixedDispatcher(responses);
        server = new KubernetesMockServer(new Context(), web, responses, new Rules(crud), true);
        server.start(InetAddress.getLoopbackAddress(), 0);
        version(gitVersion);
        try {
            certificateAuthorityData = Base64.getEncoder().encodeToString(
                    Files.readAllBytes(Path.of(server.getSelfSignedCertificate().certificatePath())));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the emulated cluster's certificate", e);
        }
        // Requests of the cluster's own client made inside quietly() say so with a header only this client sends: the
        // rules let them through and leave them out, while everyone else's requests meanwhile are judged as always.
        client = server.createClient(builder -> builder.withHttpClientBuilderConsumer(http -> http
                .addOrReplaceInterceptor("emulated-cluster-quiet", new io.fabric8.kubernetes.client.http.Interceptor() {
                    @Override
                    public void before(io.fabric8.kubernetes.client.http.BasicBuilder request,
                                       io.fabric8.kubernetes.client.http.HttpRequest httpRequest, RequestTags tags) {
                        if (quiet) {
                            request.setHeader(QUIET_HEADER, quietKey);
                        }
                    }
                })));
    }

    /** Starts an emulated cluster (Kubernetes v1.33.2) with these namespaces, each with a default ServiceAccount. */
    public static EmulatedCluster start(String... namespaces) {
        EmulatedCluster cluster = new EmulatedCluster("v1.33.2");
        cluster.addNamespace("default", Map.of());
        for (String namespace : namespaces) {
            cluster.addNamespace(namespace, Map.of());
        }
        cluster.clearRequests();
        return cluster;
    }

    /**
     * One emulated cluster for the whole JVM (namespaces {@code default}, {@code kube-system}, {@code team-a},
     * {@code team-b}), started on first use and never closed: the cluster behind the Azure emulator's AKS clusters and
     * behind tests that only need a cluster that answers. Tests that count requests or change its rules use their own.
     */
    public static EmulatedCluster shared() {
        EmulatedCluster current = shared;
        if (current == null) {
            synchronized (EmulatedCluster.class) {
                current = shared;
                if (current == null) {
                    current = start("kube-system", "team-a", "team-b");
                    shared = current;
                }
            }
        }
        return current;
    }

    /** The API server's URL, {@code https://127.0.0.1:<port>}. */
    public String url() {
        return "https://127.0.0.1:" + server.getPort();
    }

    /** Its certificate (self-signed, for 127.0.0.1 and localhost), base64-encoded PEM. */
    public String certificateAuthorityData() {
        return certificateAuthorityData;
    }

    /** A kubeconfig for it with {@link #TOKEN}, trusting its certificate. */
    public String kubeconfig() {
        return kubeconfig(TOKEN);
    }

    /** A kubeconfig for it with the given bearer token, trusting its certificate. */
    public String kubeconfig(String token) {
        return kubeconfig(url(), certificateAuthorityData, token);
    }

    /** A kubeconfig for any server, certificate authority and token, in the shape kubectl writes. */
    public static String kubeconfig(String server, String certificateAuthorityData, String token) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: emulated
                  cluster:
                    server: %s
                    certificate-authority-data: %s
                contexts:
                - name: emulated
                  context:
                    cluster: emulated
                    user: pullbridge
                current-context: emulated
                users:
                - name: pullbridge
                  user:
                    token: %s
                """.formatted(server, certificateAuthorityData, token);
    }

    /** Adds a namespace with these labels, and its default ServiceAccount. */
    public EmulatedCluster addNamespace(String name, Map<String, String> labels) {
        quietly(() -> {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels)
                    .endMetadata().withNewStatus().withPhase("Active").endStatus().build()).create();
            client.serviceAccounts().inNamespace(name).resource(new ServiceAccountBuilder().withNewMetadata()
                    .withName("default").withNamespace(name).endMetadata().build()).create();
        });
        return this;
    }

    /** Deletes a namespace and what is in it, as a user deleting it would. */
    public EmulatedCluster removeNamespace(String name) {
        quietly(() -> {
            client.secrets().inNamespace(name).delete();
            client.serviceAccounts().inNamespace(name).delete();
            client.namespaces().withName(name).delete();
        });
        return this;
    }

    /** The namespaces that exist now. */
    public Set<String> namespaces() {
        return Set.copyOf(namespaces);
    }

    /** The fabric8 client of this cluster, to seed or inspect objects (its requests are not recorded). */
    public NamespacedKubernetesClient client() {
        return client;
    }

    /**
     * Runs seeding or inspection through {@link #client()} without recording its requests or applying the rules
     * (authentication, RBAC, webhooks) to them. Requests from other clients meanwhile, PullBridge's, are recorded and
     * judged as always.
     */
    public synchronized void quietly(Runnable action) {
        quiet = true;
        try {
            action.run();
        } finally {
            quiet = false;
        }
    }

    /**
     * Installs a custom resource definition: API discovery ({@code GET /apis/<group>/<version>}) lists the resource
     * and its objects are served. Until then, as on a real server, every path of a non-built-in API group answers
     * 404.
     */
    public EmulatedCluster installCustomResource(String group, String version, String plural, String kind) {
        customResources.computeIfAbsent(group + "/" + version, key -> new ConcurrentHashMap<>()).put(plural, kind);
        return this;
    }

    public EmulatedCluster uninstallCustomResource(String group, String version) {
        customResources.remove(group + "/" + version);
        return this;
    }

    /** What {@code GET /version} answers as {@code gitVersion}. */
    public EmulatedCluster version(String gitVersion) {
        String[] parts = gitVersion.replaceFirst("^v", "").split("\\.");
        server.setVersionInfo(new VersionInfo.Builder().withGitVersion(gitVersion).withMajor(parts[0])
                .withMinor(parts.length > 1 ? parts[1] : "0").withPlatform("linux/amd64").build());
        return this;
    }

    /**
     * Answers every request with this code (403 or 500, say; 0 stops it) and a Status whose message quotes the
     * request's {@code Authorization} header, as is and the bearer token alone, as a careless proxy or a debugging
     * API server might.
     */
    public EmulatedCluster echoCredentials(int code) {
        echoCredentialsWith = code;
        return this;
    }

    /** Refuses every bearer token but this one with 401, as an API server does for an unknown or revoked token. */
    public EmulatedCluster acceptOnlyToken(String token) {
        acceptedTokens = Set.of(token);
        return this;
    }

    /**
     * Authenticates bearer tokens as an Entra-integrated API server does: {@code users} maps a token to the user it
     * names (an Entra object id), or to nothing for a token the server does not accept (401: wrong audience, wrong
     * tenant, expired, not a token at all). Denials ({@link #forbid}) then name that user.
     */
    public EmulatedCluster authenticate(Function<String, Optional<String>> users) {
        this.authenticator = users;
        return this;
    }

    /** The bearer tokens requests carried, in order (kept across {@link #clearRequests()}). */
    public List<String> bearerTokens() {
        return List.copyOf(bearerTokens);
    }

    /** Denials read as Azure RBAC for Kubernetes words them, instead of Kubernetes RBAC. */
    public EmulatedCluster azureRbac(boolean azureRbac) {
        this.azureRbac = azureRbac;
        return this;
    }

    /** A kubeconfig for this cluster whose user runs kubelogin, as AKS hands out for an Entra-integrated cluster. */
    public String kubeloginKubeconfig(String serverId, String tenantId) {
        return """
                apiVersion: v1
                kind: Config
                current-context: aks
                clusters:
                - name: aks
                  cluster:
                    server: %s
                    certificate-authority-data: %s
                contexts:
                - name: aks
                  context:
                    cluster: aks
                    user: clusterUser_aks
                users:
                - name: clusterUser_aks
                  user:
                    exec:
                      apiVersion: client.authentication.k8s.io/v1beta1
                      command: kubelogin
                      args:
                      - get-token
                      - --login
                      - devicecode
                      - --server-id
                      - %s
                      - --client-id
                      - 80faf920-1908-4b52-b5ef-a8e7bedfc67a
                      - --tenant-id
                      - %s
                      - --environment
                      - AzurePublicCloud
                      env: null
                      installHint: |
                        kubelogin is not installed which is required to connect to AAD enabled cluster.
                      provideClusterInfo: false
                """.formatted(url(), certificateAuthorityData(), serverId, tenantId);
    }

    /**
     * Denies a verb on a resource as RBAC does (403 with the API server's message), in one namespace or, with a null
     * namespace, everywhere.
     *
     * @param verb     {@code get}, {@code list}, {@code create}, {@code update}, {@code patch} or {@code delete}
     * @param resource the plural resource, e.g. {@code secrets}
     */
    public EmulatedCluster forbid(String verb, String resource, String namespace) {
        forbidden.put(verb + " " + resource + " " + (namespace == null ? "*" : namespace), "");
        return this;
    }

    /**
     * A validating admission webhook, as a policy engine in the cluster would be: it reviews each create (POST) and
     * update (PUT) of a namespaced object, with the object as sent, and may deny it. The API server then answers with
     * the webhook's code and {@code admission webhook "<name>" denied the request: <message>}; webhooks are free to
     * quote the object in their message, data included.
     */
    public EmulatedCluster admissionWebhook(String name, AdmissionWebhook review) {
        this.oldObjectWebhook = null;
        this.webhook = (operation, resource, object) -> review.review(operation, resource, object)
                .map(denial -> new Denial(denial.code(), "admission webhook \"" + name + "\" denied the request: "
                        + denial.message()));
        return this;
    }

    /**
     * A validating admission webhook that also sees the object as the cluster holds it, as an AdmissionReview's
     * {@code oldObject}: it reviews each create, update and delete of a namespaced object, and may deny it quoting
     * either. Replaces {@link #admissionWebhook}'s, and the other way round.
     */
    public EmulatedCluster admissionWebhookWithOldObject(String name, OldObjectWebhook review) {
        this.webhook = null;
        this.oldObjectWebhook = (operation, resource, object, oldObject) -> review.review(operation, resource, object,
                oldObject).map(denial -> new Denial(denial.code(), "admission webhook \"" + name + "\" denied the "
                + "request: " + denial.message()));
        return this;
    }

    /** Reviews a write with the object as it was; {@link Optional#empty()} admits it. */
    @FunctionalInterface
    public interface OldObjectWebhook {
        /**
         * @param operation {@code CREATE}, {@code UPDATE} or {@code DELETE}
         * @param resource  the plural resource, e.g. {@code secrets}
         * @param object    the object as the client sent it; null for a delete
         * @param oldObject the object as stored (a Secret's {@code data} base64-encoded); null for a create
         */
        Optional<Denial> review(String operation, String resource, com.fasterxml.jackson.databind.JsonNode object,
                                com.fasterxml.jackson.databind.JsonNode oldObject);
    }

    /** Reviews a write; {@link Optional#empty()} admits it. */
    @FunctionalInterface
    public interface AdmissionWebhook {
        /**
         * @param operation {@code CREATE} or {@code UPDATE}
         * @param resource  the plural resource, e.g. {@code secrets}
         * @param object    the object as the client sent it (a Secret's {@code data} base64-encoded)
         */
        Optional<Denial> review(String operation, String resource, com.fasterxml.jackson.databind.JsonNode object);
    }

    /** A webhook's refusal: the HTTP code (400, 403 or 422, say) and its message. */
    public record Denial(int code, String message) {
    }

    /**
     * Holds every write (POST, PUT, PATCH, DELETE) unanswered, as a slow or overloaded API server would, until
     * {@link #releaseWrites()} (or for at most a minute). Reads are answered meanwhile only if no write is held,
     * since the mock answers one request at a time.
     */
    public EmulatedCluster holdWrites() {
        writesHeld = new java.util.concurrent.CountDownLatch(1);
        return this;
    }

    public EmulatedCluster releaseWrites() {
        java.util.concurrent.CountDownLatch held = writesHeld;
        writesHeld = null;
        if (held != null) {
            held.countDown();
        }
        return this;
    }

    /**
     * Answers 429 with {@code Retry-After: 1}, as API Priority and Fairness does for an overloaded API server, to every
     * request beyond {@code requestsPerSecond} in the last second; 0 turns it off.
     */
    public EmulatedCluster throttleAbove(int requestsPerSecond) {
        throttleAbove = requestsPerSecond;
        return this;
    }

    /** How many requests were answered 429 by {@link #throttleAbove}. */
    public int throttled() {
        return throttled.get();
    }

    private boolean overloaded() {
        int limit = throttleAbove;
        if (limit <= 0) {
            return false;
        }
        long now = System.nanoTime();
        synchronized (recentRequests) {
            while (!recentRequests.isEmpty() && now - recentRequests.peekFirst() > 1_000_000_000L) {
                recentRequests.removeFirst();
            }
            if (recentRequests.size() >= limit) {
                return true;
            }
            recentRequests.addLast(now);
            return false;
        }
    }

    /** Requests received since the last {@link #clearRequests()}, as {@code "METHOD /path?query"}. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    /** Every request recorded since the cluster started, as {@link #requests()} (kept across {@link #clearRequests()}). */
    public List<String> received() {
        return List.copyOf(received);
    }

    public int requestCount() {
        return requests.size();
    }

    public EmulatedCluster clearRequests() {
        requests.clear();
        web.reset();
        return this;
    }

    @Override
    public void close() {
        releaseWrites();
        client.close();
        server.shutdown();
    }

    /** The request's verb and resource as RBAC sees them. */
    private record Access(String verb, String resource, String namespace) {
    }

    private static Access access(RecordedRequest request) {
        String path = request.getPath();
        int query = path.indexOf('?');
        String[] segments = (query < 0 ? path : path.substring(0, query)).replaceFirst("^/", "").split("/");
        // api/v1/<resource>[/<name>] or api/v1/namespaces/<ns>/<resource>[/<name>]
        if (segments.length < 3 || !segments[0].equals("api")) {
            return null;
        }
        String namespace = null;
        String resource = segments[2];
        boolean item = segments.length > 3;
        if (segments[2].equals("namespaces") && segments.length > 4) {
            namespace = segments[3];
            resource = segments[4];
            item = segments.length > 5;
        }
        String verb = switch (request.getMethod()) {
            case "GET" -> item ? "get" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> "delete";
            default -> request.getMethod().toLowerCase();
        };
        return new Access(verb, resource, namespace);
    }

    /** Records requests and applies the authentication and RBAC rules before the CRUD mock answers. */
    private final class Rules extends Dispatcher {

        private final Dispatcher crud;

        Rules(Dispatcher crud) {
            this.crud = crud;
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            boolean recording = !quietKey.equals(request.getHeader(QUIET_HEADER));
            if (recording) {
                requests.add(request.getMethod() + " " + request.getPath());
                received.add(request.getMethod() + " " + request.getPath());
            }
            java.util.concurrent.CountDownLatch held = writesHeld;
            if (held != null && recording && !request.getMethod().equals("GET")) {
                try {
                    held.await(1, java.util.concurrent.TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (recording && overloaded()) {
                throttled.incrementAndGet();
                return status(429, "TooManyRequests", "Too many requests, please try again later.", null)
                        .setHeader("Retry-After", "1");
            }
            int echo = echoCredentialsWith;
            if (recording && echo > 0) {
                String sent = String.valueOf(request.getHeader("Authorization"));
                return status(echo, echo == 403 ? "Forbidden" : "InternalError", "request with Authorization: " + sent
                        + " (token " + sent.replaceFirst("^\\S+ ", "") + ") is not allowed here", null);
            }
            Set<String> tokens = acceptedTokens;
            String authorization = request.getHeader("Authorization");
            if (recording && tokens != null && (authorization == null
                    || !tokens.contains(authorization.replaceFirst("^Bearer ", "")))) {
                return status(401, "Unauthorized", "Unauthorized", null);
            }
            String user = "system:serviceaccount:pullbridge:pullbridge";
            Function<String, Optional<String>> users = authenticator;
            if (recording && authorization != null && authorization.startsWith("Bearer ")) {
                bearerTokens.add(authorization.substring("Bearer ".length()));
            }
            if (recording && users != null) {
                Optional<String> named = authorization == null || !authorization.startsWith("Bearer ")
                        ? Optional.empty() : users.apply(authorization.substring("Bearer ".length()));
                if (named.isEmpty()) {
                    return status(401, "Unauthorized", "Unauthorized", null);
                }
                user = named.get();
            }
            MockResponse custom = customResource(request);
            if (custom != null) {
                return custom;
            }
            Access access = recording ? access(request) : null;
            if (access != null && access.namespace() != null && access.verb().equals("create")
                    && !namespaces.contains(access.namespace())) {
                // A real API server refuses to create anything in a namespace that does not exist; the mock would not.
                return status(404, "NotFound", "namespaces \"" + access.namespace() + "\" not found",
                        Map.of("name", access.namespace(), "kind", "namespaces"));
            }
            if (access != null && (forbidden.containsKey(access.verb() + " " + access.resource() + " *")
                    || forbidden.containsKey(access.verb() + " " + access.resource() + " " + access.namespace()))) {
                String where = access.namespace() == null ? "at the cluster scope"
                        : "in the namespace \"" + access.namespace() + "\"";
                if (azureRbac) {
                    return status(403, "Forbidden", "User does not have access to the resource in Azure. Update role "
                            + "assignment to allow access.", Map.of("kind", access.resource()));
                }
                return status(403, "Forbidden", access.resource() + " is forbidden: User \"" + user
                        + "\" cannot " + access.verb() + " resource \"" + access.resource()
                        + "\" in API group \"\" " + where, Map.of("kind", access.resource()));
            }
            byte[] body = request.getBody() == null ? new byte[0] : request.getBody().getBytes();
            MockResponse denied = access == null ? null : admission(request, access, body);
            if (denied != null) {
                return denied;
            }
            String contentType = request.getHeader("Content-Type");
            boolean protobuf = request.getMethod().equals("POST") && contentType != null
                    && contentType.startsWith(ProtobufSecret.CONTENT_TYPE) && request.getPath().matches(
                    "/api/v1/namespaces/[^/]+/secrets(\\?.*)?");
            if (protobuf) {
                // kubectl's typed clients write protobuf, which a real API server reads and the mock cannot.
                body = ProtobufSecret.toJson(body);
                request = new RecordedRequest(request.getHttpVersion(), request.method(), request.getPath(),
                        request.getHeaders().newBuilder().set("Content-Type", "application/json").build(),
                        new io.fabric8.mockwebserver.http.Buffer(body));
            }
            MockResponse stale = request.getMethod().equals("DELETE") ? failedPrecondition(request, body) : null;
            if (stale != null) {
                return stale;
            }
            MockResponse response;
            try {
                response = crud.dispatch(request);
                if (protobuf && response.getHeaders().get("Content-Type") == null) {
                    // Without it, a client that sent Protobuf (kubectl) takes the JSON answer for Protobuf.
                    response.setHeader("Content-Type", "application/json");
                }
            } catch (Throwable e) {
                if (request.getMethod().equals("PATCH") && e.getClass().getSimpleName().equals("JsonPatchException")) {
                    // The mock throws, and never answers, when a JSON Patch test fails; the API server answers 422.
                    return status(422, "Invalid", "the server rejected our request due to an error in our request",
                            null, "testing value failed: test failed");
                }
                throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
            }
            track(request, body, response);
            return response;
        }

        /** What the admission webhook says of a create or update of a namespaced object, if one is set. */
        private MockResponse admission(RecordedRequest request, Access access, byte[] body) {
            if (oldObjectWebhook != null) {
                return admissionWithOldObject(request, access, body);
            }
            AdmissionWebhook review = webhook;
            String operation = access.verb().equals("create") ? "CREATE" : access.verb().equals("update") ? "UPDATE"
                    : null;
            if (review == null || operation == null || access.namespace() == null || body.length == 0) {
                return null;
            }
            try {
                Optional<Denial> denial = review.review(operation, access.resource(), MAPPER.readTree(body));
                if (denial.isEmpty()) {
                    return null;
                }
                return denied(denial.get());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The Status an API server answers when an admission webhook denies the request. */
        private static MockResponse denied(Denial denial) throws IOException {
            com.fasterxml.jackson.databind.node.ObjectNode status = MAPPER.createObjectNode()
                    .put("kind", "Status").put("apiVersion", "v1").put("status", "Failure")
                    .put("message", denial.message())
                    .put("reason", denial.code() == 403 ? "Forbidden" : denial.code() == 422 ? "Invalid" : "BadRequest")
                    .put("code", denial.code());
            status.putObject("metadata");
            return new MockResponse().setResponseCode(denial.code())
                    .setHeader("Content-Type", "application/json").setBody(MAPPER.writeValueAsString(status));
        }

        private MockResponse admissionWithOldObject(RecordedRequest request, Access access, byte[] body) {
            OldObjectWebhook review = oldObjectWebhook;
            String operation = switch (access.verb()) {
                case "create" -> "CREATE";
                case "update" -> "UPDATE";
                case "delete" -> "DELETE";
                default -> null;
            };
            if (review == null || operation == null || access.namespace() == null) {
                return null;
            }
            try {
                com.fasterxml.jackson.databind.JsonNode object = operation.equals("DELETE") || body.length == 0 ? null
                        : MAPPER.readTree(body);
                com.fasterxml.jackson.databind.JsonNode oldObject = null;
                if (!operation.equals("CREATE")) {
                    MockResponse current = crud.dispatch(new RecordedRequest("HTTP/1.1",
                            io.fabric8.mockwebserver.dsl.HttpMethod.GET, request.getPath().replaceFirst("\\?.*$", ""),
                            io.fabric8.mockwebserver.http.Headers.builder().build(),
                            new io.fabric8.mockwebserver.http.Buffer()));
                    oldObject = current.code() == 200 ? MAPPER.readTree(current.getBody().getBytes()) : null;
                }
                Optional<Denial> denial = review.review(operation, access.resource(), object, oldObject);
                if (denial.isEmpty()) {
                    return null;
                }
                return denied(denial.get());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * A delete whose {@code preconditions.resourceVersion} is not the object's: the API server refuses it with 409,
         * the mock would delete anyway.
         */
        private MockResponse failedPrecondition(RecordedRequest request, byte[] body) {
            try {
                String wanted = body.length == 0 ? "" : MAPPER.readTree(body).path("preconditions")
                        .path("resourceVersion").asText("");
                if (wanted.isEmpty()) {
                    return null;
                }
                MockResponse current = crud.dispatch(new RecordedRequest("HTTP/1.1",
                        io.fabric8.mockwebserver.dsl.HttpMethod.GET, request.getPath(),
                        io.fabric8.mockwebserver.http.Headers.builder().build(),
                        new io.fabric8.mockwebserver.http.Buffer()));
                if (current.code() != 200) {
                    return null;
                }
                String actual = MAPPER.readTree(current.getBody().getBytes()).path("metadata").path("resourceVersion")
                        .asText("");
                return actual.equals(wanted) ? null : status(409, "Conflict", "Operation cannot be fulfilled: the "
                        + "ResourceVersion in the precondition (" + wanted + ") does not match the ResourceVersion in "
                        + "record (" + actual + "). The object might have been modified", null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Keeps {@link #namespaces} in step with what the CRUD mock stores. */
        private void track(RecordedRequest request, byte[] body, MockResponse response) {
            if (response.code() >= 300) {
                return;
            }
            String path = request.getPath().replaceFirst("\\?.*$", "");
            if (request.getMethod().equals("POST") && path.equals("/api/v1/namespaces")) {
                try {
                    namespaces.add(MAPPER.readTree(body).path("metadata").path("name").asText());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            } else if (request.getMethod().equals("DELETE") && path.startsWith("/api/v1/namespaces/")
                    && path.split("/").length == 5) {
                namespaces.remove(path.split("/")[4]);
            }
        }

        @Override
        public void shutdown() {
            crud.shutdown();
        }
    }

    /**
     * Discovery of an installed custom resource's group version, and 404 for any path of a custom API group that is
     * not installed; null to let the CRUD mock answer.
     */
    private MockResponse customResource(RecordedRequest request) {
        String path = request.getPath().replaceFirst("\\?.*$", "");
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("^/apis/([^/]+\\.[^/]+)/([^/]+)(/.*)?$")
                .matcher(path);
        if (!matcher.matches() || matcher.group(1).endsWith(".k8s.io")) {
            return null;
        }
        String groupVersion = matcher.group(1) + "/" + matcher.group(2);
        Map<String, String> resources = customResources.get(groupVersion);
        if (resources == null) {
            return status(404, "NotFound", "the server could not find the requested resource", null);
        }
        if (matcher.group(3) == null && request.getMethod().equals("GET")) {
            List<String> listed = new ArrayList<>();
            resources.forEach((plural, kind) -> listed.add("{\"name\":\"" + plural + "\",\"singularName\":\"\","
                    + "\"namespaced\":true,\"kind\":\"" + kind + "\",\"verbs\":[\"delete\",\"deletecollection\","
                    + "\"get\",\"list\",\"patch\",\"create\",\"update\",\"watch\"]}"));
            return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json")
                    .setBody("{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\""
                            + groupVersion + "\",\"resources\":[" + String.join(",", listed) + "]}");
        }
        return null;
    }

    private static MockResponse status(int code, String reason, String message, Map<String, String> details) {
        return status(code, reason, message, details, null);
    }

    private static MockResponse status(int code, String reason, String message, Map<String, String> details,
                                       String cause) {
        StringBuilder body = new StringBuilder("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
                + "\"status\":\"Failure\",\"message\":\"").append(message.replace("\"", "\\\""))
                .append("\",\"reason\":\"").append(reason).append("\"");
        if (details != null) {
            body.append(",\"details\":{");
            List<String> fields = new ArrayList<>();
            details.forEach((key, value) -> fields.add("\"" + key + "\":\"" + value + "\""));
            body.append(String.join(",", fields)).append("}");
        } else if (cause != null) {
            body.append(",\"details\":{\"causes\":[{\"reason\":\"UnexpectedServerResponse\",\"message\":\"")
                    .append(cause).append("\"}]}");
        }
        body.append(",\"code\":").append(code).append("}");
        return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json")
                .setBody(body.toString());
    }
}
