package io.pullbridge.support.kube;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Many emulated clusters behind one HTTPS server, for fleet-scale benchmarks where a fabric8 mock server per cluster
 * would cost thousands of threads and servers. Cluster {@code n} is the API server at {@code <url>/clusters/<n>}: its
 * own namespaces (each with a {@code default} ServiceAccount) and secrets, in memory. It answers the calls PullBridge
 * makes for pull-secret bindings and cluster probes: {@code /version}, lists of namespaces, secrets, ServiceAccounts
 * and Services (label selectors with {@code =}, {@code ==}, {@code !=}, existence; {@code limit} and
 * {@code continue}), and create, read, replace and delete of secrets. Anything else is a 404 Status. The server runs
 * on a fixed pool of threads, whatever the number of clusters.
 */
public final class EmulatedFleet implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpsServer server;
    private final ExecutorService executor;
    private final String url;
    private final String certificateAuthorityData;
    private final List<Cluster> clusters = new ArrayList<>();
    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();

    private EmulatedFleet(int clusterCount, int threads) {
        KeyPair keyPair;
        X509Certificate certificate;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            keyPair = generator.generateKeyPair();
            certificate = selfSigned(keyPair);
            server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 1024);
            server.setHttpsConfigurator(new HttpsConfigurator(serverContext(keyPair, certificate)));
            certificateAuthorityData = Base64.getEncoder().encodeToString(("-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(certificate.getEncoded()) + "\n-----END CERTIFICATE-----\n")
                    .getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the emulated fleet", e);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot make the emulated fleet's certificate", e);
        }
        for (int i = 0; i < clusterCount; i++) {
            clusters.add(new Cluster());
        }
        AtomicInteger names = new AtomicInteger();
        executor = Executors.newFixedThreadPool(threads, task -> {
            Thread thread = new Thread(task, "emulated-fleet-" + names.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/clusters/", this::handle);
        url = "https://127.0.0.1:" + server.getAddress().getPort();
        server.start();
    }

    /** Starts a fleet of this many empty clusters on a free port, served by this many threads. */
    public static EmulatedFleet start(int clusters, int threads) {
        return new EmulatedFleet(clusters, threads);
    }

    public int size() {
        return clusters.size();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The API server URL of cluster {@code n}. */
    public String url(int n) {
        return url + "/clusters/" + n;
    }

    /** A kubeconfig for cluster {@code n}, with a bearer token, trusting the fleet's certificate. */
    public String kubeconfig(int n) {
        return EmulatedCluster.kubeconfig(url(n), certificateAuthorityData, "fleet-token-" + n);
    }

    /** Adds a namespace with these labels, and its default ServiceAccount, to cluster {@code n}. */
    public void addNamespace(int n, String name, Map<String, String> labels) {
        clusters.get(n).addNamespace(name, labels);
    }

    /** The secrets cluster {@code n} holds with this label, by namespace. */
    public int secretsLabelled(int n, String key, String value) {
        Cluster cluster = clusters.get(n);
        synchronized (cluster) {
            return (int) cluster.secrets.values().stream()
                    .filter(secret -> value.equals(secret.path("metadata").path("labels").path(key).asString(null)))
                    .count();
        }
    }

    /** Calls received so far, by "VERB resource" (e.g. "GET list secrets"), over all clusters. */
    public Map<String, Long> calls() {
        Map<String, Long> counts = new TreeMap<>();
        calls.forEach((kind, count) -> counts.put(kind, count.sum()));
        return counts;
    }

    public long totalCalls() {
        return calls.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public void clearCalls() {
        calls.clear();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---- the server

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream body = exchange.getRequestBody()) {
            byte[] request = body.readAllBytes();
            String path = exchange.getRequestURI().getRawPath();
            String[] segments = path.substring("/clusters/".length()).split("/");
            int n;
            try {
                n = Integer.parseInt(segments[0]);
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 0 || n >= clusters.size()) {
                reply(exchange, status(404, "NotFound", "no such cluster"));
                return;
            }
            List<String> rest = new ArrayList<>();
            for (int i = 1; i < segments.length; i++) {
                if (!segments[i].isEmpty()) {
                    rest.add(URLDecoder.decode(segments[i], StandardCharsets.UTF_8));
                }
            }
            String method = exchange.getRequestMethod();
            count(method, rest);
            Cluster cluster = clusters.get(n);
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            Reply reply;
            synchronized (cluster) {
                reply = cluster.answer(method, rest, query, request);
            }
            reply(exchange, reply);
        }
    }

    private void count(String method, List<String> path) {
        String kind;
        if (path.size() == 1 && path.get(0).equals("version")) {
            kind = method + " /version";
        } else if (path.size() == 3 && path.get(0).equals("api")) {
            kind = method + " list " + path.get(2);
        } else if (path.size() >= 5 && path.get(2).equals("namespaces")) {
            kind = method + (path.size() == 5 ? " list " : " one ") + path.get(4);
        } else {
            kind = method + " other";
        }
        calls.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int equals = pair.indexOf('=');
            String key = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            query.put(key, value);
        }
        return query;
    }

    private static void reply(HttpExchange exchange, Reply reply) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(reply.body());
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(reply.code(), bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    record Reply(int code, JsonNode body) {
    }

    private static Reply status(int code, String reason, String message) {
        ObjectNode status = JSON.createObjectNode().put("kind", "Status").put("apiVersion", "v1")
                .put("status", "Failure").put("message", message).put("reason", reason).put("code", code);
        status.putObject("metadata");
        return new Reply(code, status);
    }

    /** One cluster's objects. Guarded by its own monitor. */
    private static final class Cluster {

        private final AtomicLong resourceVersion = new AtomicLong(1);
        private final Map<String, ObjectNode> namespaces = new TreeMap<>();
        private final Map<String, ObjectNode> serviceAccounts = new TreeMap<>();
        private final Map<String, ObjectNode> secrets = new TreeMap<>();

        synchronized void addNamespace(String name, Map<String, String> labels) {
            ObjectNode namespace = object("Namespace", null, name);
            ObjectNode labelNode = ((ObjectNode) namespace.get("metadata")).putObject("labels");
            labels.forEach(labelNode::put);
            labelNode.put("kubernetes.io/metadata.name", name);
            namespace.putObject("status").put("phase", "Active");
            namespaces.put(name, namespace);
            serviceAccounts.put(name + "/default", object("ServiceAccount", name, "default"));
        }

        Reply answer(String method, List<String> path, Map<String, String> query, byte[] body) {
            if (path.size() == 1 && path.get(0).equals("version") && method.equals("GET")) {
                return new Reply(200, JSON.createObjectNode().put("major", "1").put("minor", "33")
                        .put("gitVersion", "v1.33.0").put("platform", "linux/amd64"));
            }
            if (path.size() < 3 || !path.get(0).equals("api") || !path.get(1).equals("v1")) {
                return status(404, "NotFound", "not served by the emulated fleet");
            }
            if (path.size() == 3 && method.equals("GET")) {
                return switch (path.get(2)) {
                    case "namespaces" -> list("NamespaceList", namespaces, query);
                    case "secrets" -> list("SecretList", secrets, query);
                    case "serviceaccounts" -> list("ServiceAccountList", serviceAccounts, query);
                    case "services" -> list("ServiceList", Map.of(), query);
                    default -> status(404, "NotFound", "not served by the emulated fleet");
                };
            }
            if (path.size() >= 5 && path.get(2).equals("namespaces") && path.get(4).equals("secrets")) {
                String namespace = path.get(3);
                if (!namespaces.containsKey(namespace)) {
                    return status(404, "NotFound", "namespaces \"" + namespace + "\" not found");
                }
                if (path.size() == 5 && method.equals("POST")) {
                    return create(namespace, body);
                }
                if (path.size() == 6) {
                    return secret(method, namespace, path.get(5), body);
                }
            }
            return status(404, "NotFound", "not served by the emulated fleet");
        }

        private Reply create(String namespace, byte[] body) {
            ObjectNode secret = (ObjectNode) JSON.readTree(body);
            ObjectNode metadata = (ObjectNode) secret.path("metadata");
            String name = metadata.path("name").asString("");
            String key = namespace + "/" + name;
            if (secrets.containsKey(key)) {
                return status(409, "AlreadyExists", "secrets \"" + name + "\" already exists");
            }
            metadata.put("namespace", namespace).put("uid", java.util.UUID.randomUUID().toString())
                    .put("resourceVersion", String.valueOf(resourceVersion.incrementAndGet()))
                    .put("creationTimestamp", Instant.now().toString());
            secrets.put(key, secret);
            return new Reply(201, secret);
        }

        private Reply secret(String method, String namespace, String name, byte[] body) {
            String key = namespace + "/" + name;
            ObjectNode existing = secrets.get(key);
            switch (method) {
                case "GET":
                    return existing == null ? notFound(name) : new Reply(200, existing);
                case "PUT": {
                    if (existing == null) {
                        return notFound(name);
                    }
                    ObjectNode replacement = (ObjectNode) JSON.readTree(body);
                    String expected = replacement.path("metadata").path("resourceVersion").asString("");
                    if (!expected.equals(existing.path("metadata").path("resourceVersion").asString())) {
                        return status(409, "Conflict", "the object has been modified");
                    }
                    ((ObjectNode) replacement.path("metadata")).put("namespace", namespace)
                            .put("resourceVersion", String.valueOf(resourceVersion.incrementAndGet()));
                    secrets.put(key, replacement);
                    return new Reply(200, replacement);
                }
                case "DELETE": {
                    if (existing == null) {
                        return notFound(name);
                    }
                    JsonNode options = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
                    String expected = options.path("preconditions").path("resourceVersion").asString(null);
                    if (expected != null && !expected.equals(existing.path("metadata").path("resourceVersion")
                            .asString())) {
                        return status(409, "Conflict", "precondition failed");
                    }
                    secrets.remove(key);
                    return new Reply(200, existing);
                }
                default:
                    return status(405, "MethodNotAllowed", "method not allowed");
            }
        }

        private static Reply notFound(String name) {
            return status(404, "NotFound", "secrets \"" + name + "\" not found");
        }

        private Reply list(String kind, Map<String, ObjectNode> objects, Map<String, String> query) {
            List<ObjectNode> matching = new ArrayList<>();
            String selector = query.get("labelSelector");
            for (ObjectNode object : objects.values()) {
                if (selector == null || selector.isBlank() || matches(object.path("metadata").path("labels"),
                        selector)) {
                    matching.add(object);
                }
            }
            int from = query.containsKey("continue") ? Integer.parseInt(query.get("continue")) : 0;
            int limit = query.containsKey("limit") ? Integer.parseInt(query.get("limit")) : Integer.MAX_VALUE;
            int to = (int) Math.min(matching.size(), (long) from + limit);
            ObjectNode list = JSON.createObjectNode().put("kind", kind).put("apiVersion", "v1");
            ObjectNode metadata = list.putObject("metadata").put("resourceVersion",
                    String.valueOf(resourceVersion.get()));
            if (to < matching.size()) {
                metadata.put("continue", String.valueOf(to));
            }
            ArrayNode items = list.putArray("items");
            matching.subList(from, to).forEach(items::add);
            return new Reply(200, list);
        }

        private static boolean matches(JsonNode labels, String selector) {
            for (String term : selector.split(",")) {
                String t = term.strip();
                if (t.contains("!=")) {
                    String[] kv = t.split("!=", 2);
                    if (kv[1].equals(labels.path(kv[0]).asString(null))) {
                        return false;
                    }
                } else if (t.contains("=")) {
                    String[] kv = t.split("==?", 2);
                    if (!kv[1].equals(labels.path(kv[0]).asString(null))) {
                        return false;
                    }
                } else if (t.startsWith("!")) {
                    if (labels.has(t.substring(1))) {
                        return false;
                    }
                } else if (!labels.has(t)) {
                    return false;
                }
            }
            return true;
        }

        private ObjectNode object(String kind, String namespace, String name) {
            ObjectNode object = JSON.createObjectNode().put("apiVersion", "v1").put("kind", kind);
            ObjectNode metadata = object.putObject("metadata").put("name", name);
            if (namespace != null) {
                metadata.put("namespace", namespace);
            }
            metadata.put("uid", java.util.UUID.randomUUID().toString())
                    .put("resourceVersion", String.valueOf(resourceVersion.incrementAndGet()))
                    .put("creationTimestamp", Instant.now().toString());
            return object;
        }
    }

    // ---- TLS

    private static X509Certificate selfSigned(KeyPair keyPair) throws Exception {
        X500Name subject = new X500Name("CN=PullBridge emulated fleet");
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(30))), subject, keyPair.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keyPair.getPrivate())));
    }

    private static SSLContext serverContext(KeyPair keyPair, X509Certificate certificate)
            throws GeneralSecurityException, IOException {
        char[] password = new char[0];
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("fleet", keyPair.getPrivate(), password, new X509Certificate[] {certificate});
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), null, new SecureRandom());
        return context;
    }
}
