package io.pullbridge.kubernetes;

import io.pullbridge.clusters.ClusterApi;
import io.pullbridge.clusters.ClusterProblems;
import io.pullbridge.common.SecretMask;
import io.pullbridge.jobs.JobFailure;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One cluster's API, over the HTTP client client-java configured for it (TLS, client certificate, connection pool).
 * Requests and answers are plain JSON read and written here rather than through client-java's generated models:
 * those refuse any field they do not know (a newer API server's) and quote the whole document, secret data
 * included, in the exception.
 */
final class KubernetesClusterApi implements ClusterApi {

    static final int PAGE_SIZE = 500;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    private static final MediaType JSON_PATCH_TYPE = MediaType.get("application/json-patch+json");

    private final UUID clusterId;
    private final String version;
    private final HttpUrl base;
    private final String server;
    private final OkHttpClient http;
    private final String authorization;
    private final Supplier<List<String>> credentials;
    private final CallGuard guard;
    private final Consumer<KubernetesClusterApi> refused;
    private final String grantAdvice;
    private final LongSupplier nanoTime;
    private volatile long lastUsed;

    /**
     * @param authorization the {@code Authorization} header value, or null (client certificate or anonymous)
     * @param credentials   what the client sends to prove who it is, to mask in what the server says back
     * @param refused       told when the server refused the credentials or was not trusted, to drop this client
     * @param grantAdvice   what to grant PullBridge's Entra identity when the server refuses it, or null
     * @param nanoTime      the monotonic clock its last use is read from, as {@link System#nanoTime()}
     */
    KubernetesClusterApi(UUID clusterId, String version, HttpUrl base, OkHttpClient http, String authorization,
                         Supplier<List<String>> credentials, CallGuard guard, Consumer<KubernetesClusterApi> refused,
                         String grantAdvice, LongSupplier nanoTime) {
        this.credentials = credentials;
        this.grantAdvice = grantAdvice;
        this.clusterId = clusterId;
        this.version = version;
        this.base = base;
        this.server = base.scheme() + "://" + base.host() + ":" + base.port();
        this.http = http;
        this.authorization = authorization;
        this.guard = guard;
        this.refused = refused;
        this.nanoTime = nanoTime;
        this.lastUsed = nanoTime.getAsLong();
    }

    @Override
    public List<String> credentials() {
        return credentials.get();
    }

    @Override
    public UUID clusterId() {
        return clusterId;
    }

    String version() {
        return version;
    }

    long lastUsed() {
        return lastUsed;
    }

    OkHttpClient http() {
        return http;
    }

    CallGuard guard() {
        return guard;
    }

    @Override
    public String serverVersion() {
        JsonNode answer = expect(send("reading the server version", "GET", "/version", Map.of(), null, null), null,
                "reading the server version");
        return text(answer, "gitVersion");
    }

    @Override
    public List<Namespace> namespaces(String labelSelector) {
        return list("listing namespaces", "/api/v1/namespaces", labelSelector, item -> {
            JsonNode metadata = item.path("metadata");
            return new Namespace(text(metadata, "name"), strings(metadata.get("labels")),
                    text(item.path("status"), "phase"));
        });
    }

    @Override
    public List<Secret> secrets(String labelSelector) {
        return list("listing secrets", "/api/v1/secrets", labelSelector, KubernetesClusterApi::secret);
    }

    @Override
    public Optional<Secret> secret(String namespace, String name) {
        String action = "reading secret " + namespace + "/" + name;
        Answer answer = send(action, "GET", secretPath(namespace, name), Map.of(), null, null);
        if (answer.code() == 404) {
            return Optional.empty();
        }
        return Optional.of(secret(expect(answer, namespace, action)));
    }

    @Override
    public Secret createSecret(Secret secret) {
        String action = "creating secret " + secret.namespace() + "/" + secret.name();
        return secret(expect(send(action, "POST", "/api/v1/namespaces/" + secret.namespace() + "/secrets", Map.of(),
                bytes(manifest(secret, false)), JSON_TYPE), secret.namespace(), action));
    }

    @Override
    public Secret replaceSecret(Secret secret) {
        if (secret.resourceVersion() == null || secret.resourceVersion().isBlank()) {
            throw new IllegalArgumentException("replacing a secret needs the resourceVersion it was read at");
        }
        String action = "replacing secret " + secret.namespace() + "/" + secret.name();
        Answer answer = send(action, "PUT", secretPath(secret.namespace(), secret.name()), Map.of(),
                bytes(manifest(secret, true)), JSON_TYPE);
        return secret(expectChanged(answer, secret.namespace(), action));
    }

    @Override
    public boolean deleteSecret(String namespace, String name, String resourceVersion) {
        return delete("deleting secret " + namespace + "/" + name, secretPath(namespace, name), namespace,
                resourceVersion);
    }

    /** A delete, with {@code resourceVersion} as its precondition when given; false when the object was gone. */
    private boolean delete(String action, String path, String namespace, String resourceVersion) {
        ObjectNode options = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "DeleteOptions");
        if (resourceVersion != null) {
            options.putObject("preconditions").put("resourceVersion", resourceVersion);
        }
        Answer answer = send(action, "DELETE", path, Map.of(), bytes(options), JSON_TYPE);
        if (answer.code() == 404) {
            return false;
        }
        expectChanged(answer, namespace, action);
        return true;
    }

    @Override
    public Optional<ServiceAccount> serviceAccount(String namespace, String name) {
        String action = "reading service account " + namespace + "/" + name;
        Answer answer = send(action, "GET", serviceAccountPath(namespace, name), Map.of(), null, null);
        if (answer.code() == 404) {
            return Optional.empty();
        }
        return Optional.of(serviceAccount(expect(answer, namespace, action)));
    }

    @Override
    public ServiceAccount addImagePullSecret(ServiceAccount account, String secretName) {
        if (account.pullsWith(secretName)) {
            return account;
        }
        ArrayNode patch = guardedPatch(account);
        if (account.imagePullSecrets().isEmpty()) {
            // The list may be absent (add creates it) or empty: "add" of the whole list works for both.
            patch.addObject().put("op", "add").put("path", "/imagePullSecrets")
                    .putArray("value").addObject().put("name", secretName);
        } else {
            patch.addObject().put("op", "add").put("path", "/imagePullSecrets/-")
                    .putObject("value").put("name", secretName);
        }
        return patch(account, patch, "adding " + secretName + " to the imagePullSecrets of service account "
                + account.namespace() + "/" + account.name());
    }

    @Override
    public ServiceAccount removeImagePullSecret(ServiceAccount account, String secretName) {
        int index = account.imagePullSecrets().indexOf(secretName);
        if (index < 0) {
            return account;
        }
        ArrayNode patch = guardedPatch(account);
        patch.addObject().put("op", "test").put("path", "/imagePullSecrets/" + index + "/name").put("value", secretName);
        patch.addObject().put("op", "remove").put("path", "/imagePullSecrets/" + index);
        return patch(account, patch, "removing " + secretName + " from the imagePullSecrets of service account "
                + account.namespace() + "/" + account.name());
    }

    @Override
    public List<ServiceAccount> serviceAccounts() {
        return list("listing service accounts", "/api/v1/serviceaccounts", null,
                KubernetesClusterApi::serviceAccount);
    }

    @Override
    public ServiceAccount annotate(ServiceAccount account, Map<String, String> changes) {
        ArrayNode patch = guardedPatch(account);
        Map<String, String> set = new LinkedHashMap<>();
        changes.forEach((key, value) -> {
            if (value != null && !value.equals(account.annotations().get(key))) {
                set.put(key, value);
            } else if (value == null && account.annotations().containsKey(key)) {
                patch.addObject().put("op", "remove").put("path", "/metadata/annotations/" + pointer(key));
            }
        });
        if (account.annotations().isEmpty() && !set.isEmpty()) {
            // No annotations at all: "add" of the whole map creates it (adding a member of a missing map fails).
            ObjectNode annotations = patch.addObject().put("op", "add").put("path", "/metadata/annotations")
                    .putObject("value");
            set.forEach(annotations::put);
        } else {
            set.forEach((key, value) -> patch.addObject().put("op", "add")
                    .put("path", "/metadata/annotations/" + pointer(key)).put("value", value));
        }
        if (patch.size() == 1) {
            return account;
        }
        return patch(account, patch, "annotating service account " + account.namespace() + "/" + account.name()
                + " (" + String.join(", ", changes.keySet()) + ")");
    }

    @Override
    public boolean serves(CustomType type) {
        String action = "discovering " + type.apiVersion();
        Answer answer = send(action, "GET", "/apis/" + type.group() + "/" + type.version(), Map.of(), null, null);
        if (answer.code() == 404) {
            return false;
        }
        JsonNode resources = expect(answer, null, action).get("resources");
        if (resources == null || !resources.isArray()) {
            return false;
        }
        for (JsonNode resource : resources) {
            if (type.plural().equals(text(resource, "name"))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Optional<CustomObject> customObject(CustomType type, String namespace, String name) {
        String action = "reading " + type.kind() + " " + namespace + "/" + name;
        Answer answer = send(action, "GET", customObjectPath(type, namespace, name), Map.of(), null, null);
        if (answer.code() == 404) {
            return Optional.empty();
        }
        return Optional.of(customObject(type, expect(answer, namespace, action)));
    }

    @Override
    public List<CustomObject> customObjects(CustomType type, String labelSelector) {
        return list("listing " + type.plural() + "." + type.group(), "/apis/" + type.apiVersion() + "/"
                + type.plural(), labelSelector, item -> customObject(type, item));
    }

    @Override
    public CustomObject createCustomObject(CustomObject object) {
        String action = "creating " + object.type().kind() + " " + object.namespace() + "/" + object.name();
        return customObject(object.type(), expect(send(action, "POST", "/apis/" + object.type().apiVersion()
                        + "/namespaces/" + object.namespace() + "/" + object.type().plural(), Map.of(),
                bytes(manifest(object, false)), JSON_TYPE), object.namespace(), action));
    }

    @Override
    public CustomObject replaceCustomObject(CustomObject object) {
        if (object.resourceVersion() == null || object.resourceVersion().isBlank()) {
            throw new IllegalArgumentException("replacing a custom object needs the resourceVersion it was read at");
        }
        String action = "replacing " + object.type().kind() + " " + object.namespace() + "/" + object.name();
        Answer answer = send(action, "PUT", customObjectPath(object.type(), object.namespace(), object.name()),
                Map.of(), bytes(manifest(object, true)), JSON_TYPE);
        return customObject(object.type(), expectChanged(answer, object.namespace(), action));
    }

    @Override
    public boolean deleteCustomObject(CustomType type, String namespace, String name, String resourceVersion) {
        String action = "deleting " + type.kind() + " " + namespace + "/" + name;
        return delete(action, customObjectPath(type, namespace, name), namespace, resourceVersion);
    }

    @Override
    public List<Service> services() {
        return list("listing services", "/api/v1/services", null, item -> {
            JsonNode metadata = item.path("metadata");
            JsonNode spec = item.path("spec");
            List<String> ips = new ArrayList<>();
            JsonNode clusterIps = spec.get("clusterIPs");
            if (clusterIps != null && clusterIps.isArray()) {
                clusterIps.forEach(ip -> ips.add(ip.asString()));
            } else if (!text(spec, "clusterIP").isEmpty()) {
                ips.add(text(spec, "clusterIP"));
            }
            ips.removeIf(ip -> ip.isEmpty() || ip.equalsIgnoreCase("None"));
            return new Service(text(metadata, "namespace"), text(metadata, "name"), ips);
        }).stream().filter(service -> !service.clusterIps().isEmpty()).toList();
    }

    // ---- requests

    private ArrayNode guardedPatch(ServiceAccount account) {
        if (account.resourceVersion() == null || account.resourceVersion().isBlank()) {
            throw new IllegalArgumentException("patching a service account needs the resourceVersion it was read at");
        }
        ArrayNode patch = JSON.createArrayNode();
        patch.addObject().put("op", "test").put("path", "/metadata/resourceVersion")
                .put("value", account.resourceVersion());
        return patch;
    }

    private ServiceAccount patch(ServiceAccount account, ArrayNode patch, String action) {
        Answer answer = send(action, "PATCH", serviceAccountPath(account.namespace(), account.name()), Map.of(),
                bytes(patch), JSON_PATCH_TYPE);
        // A failed test comes back as 422 (a real API server) or another 4xx/5xx (proxies, the fabric8 mock).
        if (answer.code() >= 400 && answer.code() != 401 && answer.code() != 403 && answer.code() != 404
                && mentionsTest(answer)) {
            throw KubernetesFailures.patchTestFailed(action);
        }
        return serviceAccount(expectChanged(answer, account.namespace(), action));
    }

    private static boolean mentionsTest(Answer answer) {
        String body = answer.body() == null ? "" : new String(answer.body(), StandardCharsets.UTF_8)
                .toLowerCase(Locale.ROOT);
        return body.contains("test") && (body.contains("fail") || body.contains("match"));
    }

    private <T> List<T> list(String action, String path, String labelSelector, Function<JsonNode, T> item) {
        List<T> items = new ArrayList<>();
        String token = null;
        do {
            Map<String, String> query = new LinkedHashMap<>();
            if (labelSelector != null && !labelSelector.isBlank()) {
                query.put("labelSelector", labelSelector);
            }
            query.put("limit", String.valueOf(PAGE_SIZE));
            if (token != null) {
                query.put("continue", token);
            }
            JsonNode page = expect(send(action, "GET", path, query, null, null), null, action);
            JsonNode list = page.get("items");
            if (list != null && list.isArray()) {
                list.forEach(node -> items.add(item.apply(node)));
            }
            token = text(page.path("metadata"), "continue");
        } while (!token.isEmpty());
        return items;
    }

    /** An answer: its status, its body (read whole; secrets are small), and its {@code Retry-After}. */
    record Answer(int code, byte[] body, String retryAfter) {
    }

    private Answer send(String action, String method, String path, Map<String, String> query, byte[] body,
                        MediaType type) {
        HttpUrl.Builder url = base.newBuilder();
        for (String segment : path.split("/")) {
            if (!segment.isEmpty()) {
                url.addPathSegment(segment);
            }
        }
        query.forEach(url::addQueryParameter);
        Request.Builder request = new Request.Builder().url(url.build()).header("Accept", "application/json")
                .method(method, body == null ? null : RequestBody.create(body, type));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        lastUsed = nanoTime.getAsLong();
        try {
            return guard.call(action, () -> {
                try (Response response = http.newCall(request.build()).execute()) {
                    return new Answer(response.code(), response.body().bytes(), response.header("Retry-After"));
                }
            }, KubernetesClusterApi::pushback);
        } catch (JobFailure failure) {
            throw failure;
        } catch (IOException e) {
            JobFailure failure = KubernetesFailures.io(e, server, action).masked(SecretMask.of(credentials()));
            if (ClusterProblems.is(failure, ClusterProblems.CERTIFICATE_UNTRUSTED)) {
                refused.accept(this);
            }
            throw failure;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw KubernetesFailures.io(new InterruptedIOException("interrupted"), server, action);
        } catch (Exception e) {
            throw KubernetesFailures.unreadable(server, action);
        }
    }

    /**
     * An API server that is overloaded answers 429 (API Priority and Fairness) or 5xx, usually with a
     * {@code Retry-After}: the call is sent again after that, and the cluster gets fewer calls at once meanwhile.
     */
    private static Duration pushback(Answer answer) {
        if (answer.code() != 429 && answer.code() < 500) {
            return null;
        }
        return KubernetesFailures.retryAfter(answer.retryAfter()).orElse(Duration.ZERO);
    }

    /** The body of a successful answer; otherwise the failure it means. */
    private JsonNode expect(Answer answer, String namespace, String action) {
        if (answer.code() >= 200 && answer.code() < 300) {
            return parse(answer, action);
        }
        JsonNode status = null;
        try {
            status = answer.body() == null || answer.body().length == 0 ? null : JSON.readTree(answer.body());
        } catch (JacksonException notJson) {
            // Not a Status document (a proxy's error page, say): only the code is used.
        }
        JobFailure failure = KubernetesFailures.status(answer.code(), status, answer.retryAfter(), server, action,
                namespace, grantAdvice).masked(SecretMask.of(credentials()));
        if (ClusterProblems.is(failure, ClusterProblems.CREDENTIALS_REFUSED)) {
            refused.accept(this);
        }
        throw failure;
    }

    /** As {@link #expect}, but a 404 that is not about the namespace means the object went since it was read. */
    private JsonNode expectChanged(Answer answer, String namespace, String action) {
        try {
            return expect(answer, namespace, action);
        } catch (JobFailure failure) {
            if (ClusterProblems.is(failure, ClusterProblems.NOT_FOUND)) {
                throw KubernetesFailures.status(409, null, null, server, action + " (it was deleted meanwhile)",
                        namespace);
            }
            throw failure;
        }
    }

    private JsonNode parse(Answer answer, String action) {
        try {
            return JSON.readTree(answer.body());
        } catch (JacksonException e) {
            throw KubernetesFailures.unreadable(server, action);
        }
    }

    // ---- documents

    private static ObjectNode manifest(Secret secret, boolean withVersion) {
        ObjectNode manifest = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Secret");
        ObjectNode metadata = manifest.putObject("metadata").put("name", secret.name())
                .put("namespace", secret.namespace());
        if (!secret.labels().isEmpty()) {
            ObjectNode labels = metadata.putObject("labels");
            secret.labels().forEach(labels::put);
        }
        if (!secret.annotations().isEmpty()) {
            ObjectNode annotations = metadata.putObject("annotations");
            secret.annotations().forEach(annotations::put);
        }
        if (withVersion) {
            metadata.put("resourceVersion", secret.resourceVersion());
        }
        if (secret.type() != null) {
            manifest.put("type", secret.type());
        }
        ObjectNode data = manifest.putObject("data");
        secret.data().forEach((key, value) -> data.put(key, Base64.getEncoder().encodeToString(value)));
        return manifest;
    }

    private static ObjectNode manifest(CustomObject object, boolean withVersion) {
        ObjectNode manifest = JSON.createObjectNode().put("apiVersion", object.type().apiVersion())
                .put("kind", object.type().kind());
        ObjectNode metadata = manifest.putObject("metadata").put("name", object.name())
                .put("namespace", object.namespace());
        if (!object.labels().isEmpty()) {
            ObjectNode labels = metadata.putObject("labels");
            object.labels().forEach(labels::put);
        }
        if (!object.annotations().isEmpty()) {
            ObjectNode annotations = metadata.putObject("annotations");
            object.annotations().forEach(annotations::put);
        }
        if (withVersion) {
            metadata.put("resourceVersion", object.resourceVersion());
        }
        manifest.set("spec", JSON.valueToTree(object.spec()));
        return manifest;
    }

    @SuppressWarnings("unchecked")
    private static CustomObject customObject(CustomType type, JsonNode item) {
        JsonNode metadata = item.path("metadata");
        JsonNode spec = item.get("spec");
        Map<String, Object> values = spec == null || !spec.isObject() ? Map.of() : JSON.convertValue(spec, Map.class);
        return new CustomObject(type, text(metadata, "namespace"), text(metadata, "name"),
                strings(metadata.get("labels")), strings(metadata.get("annotations")), values,
                blankToNull(text(metadata, "resourceVersion")));
    }

    /** A JSON Pointer segment (RFC 6901): annotation keys hold {@code /}. */
    private static String pointer(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    private static Secret secret(JsonNode item) {
        JsonNode metadata = item.path("metadata");
        Map<String, byte[]> data = new LinkedHashMap<>();
        JsonNode values = item.get("data");
        if (values != null && values.isObject()) {
            for (Map.Entry<String, JsonNode> entry : values.properties()) {
                data.put(entry.getKey(), decode(entry.getValue().asString()));
            }
        }
        return new Secret(text(metadata, "namespace"), text(metadata, "name"), blankToNull(text(item, "type")),
                strings(metadata.get("labels")), strings(metadata.get("annotations")), data,
                blankToNull(text(metadata, "resourceVersion")));
    }

    private static ServiceAccount serviceAccount(JsonNode item) {
        JsonNode metadata = item.path("metadata");
        List<String> names = new ArrayList<>();
        JsonNode pullSecrets = item.get("imagePullSecrets");
        if (pullSecrets != null && pullSecrets.isArray()) {
            pullSecrets.forEach(entry -> names.add(text(entry, "name")));
        }
        return new ServiceAccount(text(metadata, "namespace"), text(metadata, "name"), names,
                blankToNull(text(metadata, "resourceVersion")), strings(metadata.get("annotations")));
    }

    private static byte[] decode(String base64) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> strings = new LinkedHashMap<>();
        if (object != null && object.isObject()) {
            for (Map.Entry<String, JsonNode> entry : object.properties()) {
                strings.put(entry.getKey(), entry.getValue().asString());
            }
        }
        return strings;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null || value.isNull() ? "" : value.asString();
    }

    private static String blankToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static byte[] bytes(JsonNode document) {
        return JSON.writeValueAsBytes(document);
    }

    private static String secretPath(String namespace, String name) {
        return "/api/v1/namespaces/" + namespace + "/secrets/" + name;
    }

    private static String customObjectPath(CustomType type, String namespace, String name) {
        return "/apis/" + type.apiVersion() + "/namespaces/" + namespace + "/" + type.plural() + "/" + name;
    }

    private static String serviceAccountPath(String namespace, String name) {
        return "/api/v1/namespaces/" + namespace + "/serviceaccounts/" + name;
    }

    @Override
    public String toString() {
        return "KubernetesClusterApi[" + clusterId + ", " + server + "]";
    }
}
