package io.pullbridge.bindings;

import io.pullbridge.clusters.ClusterApi;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which namespaces a pull-secret spec targets in a cluster, and what the binding wants written in each. */
class PullSecretTargetsTests {

    private static final Map<String, ClusterApi.Namespace> CLUSTER = cluster(
            new ClusterApi.Namespace("team-a", Map.of("team", "a"), "Active"),
            new ClusterApi.Namespace("team-a-tools", Map.of("team", "a"), "Active"),
            new ClusterApi.Namespace("team-b", Map.of("team", "b"), "Active"),
            new ClusterApi.Namespace("kube-system", Map.of("team", "a"), "Active"),
            new ClusterApi.Namespace("leaving", Map.of("team", "a"), "Terminating"));

    @Test
    void namedNamespacesThatExistAreTargetedAndTheOthersArePending() {
        PullSecrets.Targets targets = PullSecrets.targets(spec(List.of("team-b", "team-z", "leaving"), null,
                List.of()), CLUSTER);

        assertThat(targets.namespaces()).containsExactly("team-b");
        assertThat(targets.missing()).containsOnlyKeys("team-z", "leaving");
        assertThat(targets.missing().get("team-z")).isEqualTo("namespace team-z does not exist; the secret is "
                + "written when it does");
        assertThat(targets.missing().get("leaving")).isEqualTo("namespace leaving is terminating");
    }

    @Test
    void aSelectorAddsTheMatchingNamespacesLessExclusionsAndTerminatingOnes() {
        PullSecrets.Targets targets = PullSecrets.targets(spec(List.of("team-b"), "team=a",
                List.of("kube-system")), CLUSTER);

        assertThat(targets.namespaces()).containsExactlyInAnyOrder("team-b", "team-a", "team-a-tools");
        assertThat(targets.missing()).isEmpty();
    }

    @Test
    void anExcludedNamespaceIsNeitherTargetedNorPendingEvenWhenNamed() {
        PullSecrets.Targets targets = PullSecrets.targets(spec(List.of("kube-system", "team-z"), null,
                List.of("kube-system", "team-z")), CLUSTER);

        assertThat(targets.namespaces()).isEmpty();
        assertThat(targets.missing()).isEmpty();
    }

    @Test
    void theWantedSecretCarriesTheConfigTheBindingsLabelsAndTheCredentialsFingerprint() {
        UUID id = UUID.randomUUID();
        BindingSnapshot binding = new BindingSnapshot(id, UUID.randomUUID(), UUID.randomUUID(),
                BindingMethod.PULL_SECRET, null, spec(List.of("team-a"), null, List.of()), null, null, null, null,
                null, null, null, null);
        byte[] config = DockerConfigJson.of("r.azurecr.io", "user", "secret");

        ClusterApi.Secret secret = PullSecrets.secret(binding, "acr-secret", "team-a", config, "sha256:abc");

        assertThat(secret.namespace()).isEqualTo("team-a");
        assertThat(secret.name()).isEqualTo("acr-secret");
        assertThat(secret.type()).isEqualTo(ClusterApi.Secret.DOCKER_CONFIG_JSON);
        // The labels' order means nothing to Kubernetes (and Map.of's differs from one JVM to the next).
        assertThat(secret.labels()).containsOnly(Map.entry("app.kubernetes.io/managed-by", "pullbridge"),
                Map.entry("pullbridge.io/binding", id.toString()));
        assertThat(secret.annotations()).containsExactly(Map.entry("pullbridge.io/credential-fingerprint",
                "sha256:abc"));
        assertThat(secret.data()).containsOnlyKeys(".dockerconfigjson");
        assertThat(secret.data().get(".dockerconfigjson")).isEqualTo(config);
        assertThat(secret.resourceVersion()).isNull();
        assertThat(PullSecrets.selector(binding)).isEqualTo("app.kubernetes.io/managed-by=pullbridge,"
                + "pullbridge.io/binding=" + id);
    }

    private static PullSecretSpec spec(List<String> namespaces, String selector, List<String> excluded) {
        return new PullSecretSpec(UUID.randomUUID(), null, "acr-secret", namespaces, selector, excluded,
                List.of("default"));
    }

    private static Map<String, ClusterApi.Namespace> cluster(ClusterApi.Namespace... namespaces) {
        Map<String, ClusterApi.Namespace> byName = new TreeMap<>();
        for (ClusterApi.Namespace namespace : namespaces) {
            byName.put(namespace.name(), namespace);
        }
        return byName;
    }
}
