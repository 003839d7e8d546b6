package io.pullbridge.clusters;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Port: the calls PullBridge makes to one cluster's API server, through a client that the {@code kubernetes} adapter
 * keeps per cluster (a bounded connection pool, a bound on concurrent calls and a client-side rate limit). Obtain one
 * with {@link ClusterConnections#open(UUID)}.
 *
 * <p>Every failure is a {@link io.pullbridge.jobs.JobFailure} whose problem type {@link ClusterProblems} names: an
 * unreachable server or throttling is transient, refused credentials or missing RBAC permissions are permanent,
 * conflicts (a stale {@code resourceVersion}, a failed JSON Patch {@code test}, an object created meanwhile) are
 * transient so that the job runs again from a fresh read. A missing namespace is
 * {@link ClusterProblems#NAMESPACE_GONE}, which callers may catch to skip that namespace. Details never hold
 * secret data.
 *
 * <p>Lists are one call per page (500 objects) for the whole cluster, whatever the number of namespaces.
 */
public interface ClusterApi {

    /**
     * What this client sends to prove who it is (a bearer token, an Entra token it has sent, a password, a client
     * key), for a job's mask: an API server's or a webhook's message may quote a request's credentials back.
     */
    default List<String> credentials() {
        return List.of();
    }


    UUID clusterId();

    /** The server's {@code gitVersion} ({@code GET /version}), e.g. {@code v1.33.2}. */
    String serverVersion();

    /** Every namespace, or those the label selector matches ({@code null}: all). */
    List<Namespace> namespaces(String labelSelector);

    /** Secrets in every namespace that the label selector matches: {@code GET /api/v1/secrets?labelSelector=}. */
    List<Secret> secrets(String labelSelector);

    Optional<Secret> secret(String namespace, String name);

    /** Creates the secret ({@code resourceVersion} ignored); an existing one is a transient conflict. */
    Secret createSecret(Secret secret);

    /**
     * Replaces the secret as a whole, only if it still has {@code secret.resourceVersion()} (required): otherwise a
     * transient conflict.
     */
    Secret replaceSecret(Secret secret);

    /**
     * Deletes the secret, only if it still has {@code resourceVersion} when one is given.
     *
     * @return false when it was already gone
     */
    boolean deleteSecret(String namespace, String name, String resourceVersion);

    Optional<ServiceAccount> serviceAccount(String namespace, String name);

    /**
     * Every ServiceAccount in the cluster ({@code GET /api/v1/serviceaccounts}, one call per page), so a pass over a
     * binding's namespaces reads them without a call per namespace.
     */
    List<ServiceAccount> serviceAccounts();

    /**
     * Appends {@code secretName} to the ServiceAccount's {@code imagePullSecrets} with a JSON Patch guarded by a
     * {@code test} of the {@code resourceVersion} read, so entries others added meanwhile are never lost: a change
     * since {@code account} was read is a transient conflict. Does nothing when the entry is already there.
     */
    ServiceAccount addImagePullSecret(ServiceAccount account, String secretName);

    /**
     * Removes the {@code secretName} entry from the ServiceAccount's {@code imagePullSecrets} by its index in
     * {@code account}, guarded like {@link #addImagePullSecret}. Does nothing when there is no such entry.
     */
    ServiceAccount removeImagePullSecret(ServiceAccount account, String secretName);

    /**
     * Sets the annotations given with a value and removes those given with {@code null}, with a JSON Patch guarded
     * like {@link #addImagePullSecret}; does nothing when the ServiceAccount already has them so.
     */
    ServiceAccount annotate(ServiceAccount account, Map<String, String> changes);

    /** Every service with a cluster IP (headless services have none), to check a new cluster IP is free. */
    List<Service> services();

    /**
     * Whether the server serves {@code type} (API discovery, {@code GET /apis/<group>/<version>}, which every
     * authenticated caller may read): false when the group or version is unknown to it, as when the custom resource
     * definition is not installed.
     */
    boolean serves(CustomType type);

    /** A namespaced custom object; empty when there is none (or its namespace is gone). */
    Optional<CustomObject> customObject(CustomType type, String namespace, String name);

    /** Custom objects of the type in every namespace that the label selector matches ({@code null}: all). */
    List<CustomObject> customObjects(CustomType type, String labelSelector);

    /** Creates the object ({@code resourceVersion} ignored); an existing one is a transient conflict. */
    CustomObject createCustomObject(CustomObject object);

    /** Replaces the object's metadata labels, annotations and spec, only if it still has its {@code resourceVersion}. */
    CustomObject replaceCustomObject(CustomObject object);

    /**
     * Deletes the object, only if it still has {@code resourceVersion} when one is given.
     *
     * @return false when it was already gone
     */
    boolean deleteCustomObject(CustomType type, String namespace, String name, String resourceVersion);

    /** A namespace and its labels; {@code phase} is {@code Active} or {@code Terminating}. */
    record Namespace(String name, Map<String, String> labels, String phase) {

        public Namespace {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }

        public boolean terminating() {
            return "Terminating".equals(phase);
        }
    }

    /**
     * A secret, as read or to write. {@link #toString()} names it and its data keys, never their values.
     *
     * @param data            key to raw (not base64) bytes
     * @param resourceVersion as read; for a replace, the version it must still have; null for a create
     */
    record Secret(String namespace, String name, String type, Map<String, String> labels,
                  Map<String, String> annotations, Map<String, byte[]> data, String resourceVersion) {

        public static final String DOCKER_CONFIG_JSON = "kubernetes.io/dockerconfigjson";

        public Secret {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
            annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
            Map<String, byte[]> copy = new TreeMap<>();
            if (data != null) {
                data.forEach((key, value) -> copy.put(key, value == null ? new byte[0] : value.clone()));
            }
            data = Collections.unmodifiableMap(copy);
        }

        /** The same secret with another {@code resourceVersion} (e.g. the one read, to replace it). */
        public Secret withResourceVersion(String version) {
            return new Secret(namespace, name, type, labels, annotations, data, version);
        }

        /** True when type, labels, annotations and data bytes equal {@code other}'s (versions aside). */
        public boolean sameContent(Secret other) {
            if (other == null || !Objects.equals(type, other.type) || !labels.equals(other.labels)
                    || !annotations.equals(other.annotations) || !data.keySet().equals(other.data.keySet())) {
                return false;
            }
            return data.entrySet().stream().allMatch(entry -> Arrays.equals(entry.getValue(),
                    other.data.get(entry.getKey())));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Secret other && Objects.equals(namespace, other.namespace)
                    && Objects.equals(name, other.name)
                    && Objects.equals(resourceVersion, other.resourceVersion) && sameContent(other);
        }

        @Override
        public int hashCode() {
            return Objects.hash(namespace, name, type, resourceVersion);
        }

        @Override
        public String toString() {
            return "Secret[" + namespace + "/" + name + ", type=" + type + ", labels=" + labels + ", data keys="
                    + data.keySet() + ", resourceVersion=" + resourceVersion + "]";
        }
    }

    /** A ServiceAccount's {@code imagePullSecrets} names, in order, its annotations, and the version they were read at. */
    record ServiceAccount(String namespace, String name, List<String> imagePullSecrets, String resourceVersion,
                          Map<String, String> annotations) {

        public ServiceAccount {
            imagePullSecrets = imagePullSecrets == null ? List.of() : List.copyOf(imagePullSecrets);
            annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        }

        public ServiceAccount(String namespace, String name, List<String> imagePullSecrets, String resourceVersion) {
            this(namespace, name, imagePullSecrets, resourceVersion, Map.of());
        }

        public boolean pullsWith(String secretName) {
            return imagePullSecrets.contains(secretName);
        }
    }

    /**
     * A namespaced custom resource type the API server may serve.
     *
     * @param plural the resource name in its path ({@code acrpullbindings})
     */
    record CustomType(String group, String version, String plural, String kind) {

        public String apiVersion() {
            return group + "/" + version;
        }
    }

    /**
     * A custom object as PullBridge writes it: metadata it sets and its {@code spec} as JSON values (maps, lists,
     * strings, numbers, booleans); its status is the controller's and is not carried.
     *
     * @param resourceVersion as read; for a replace, the version it must still have; null for a create
     */
    record CustomObject(CustomType type, String namespace, String name, Map<String, String> labels,
                        Map<String, String> annotations, Map<String, Object> spec, String resourceVersion) {

        public CustomObject {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
            annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
            spec = spec == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(spec));
        }

        public CustomObject withResourceVersion(String version) {
            return new CustomObject(type, namespace, name, labels, annotations, spec, version);
        }
    }

    /** A service and its cluster IPs ({@code spec.clusterIPs}, or {@code spec.clusterIP}). */
    record Service(String namespace, String name, List<String> clusterIps) {

        public Service {
            clusterIps = clusterIps == null ? List.of() : List.copyOf(clusterIps);
        }
    }
}
