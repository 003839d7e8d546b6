package io.pullbridge.kubernetes;

import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.pullbridge.clusters.ClusterApi;
import io.pullbridge.clusters.ClusterCredentials;
import io.pullbridge.clusters.ClusterProblems;
import io.pullbridge.clusters.ClustersProperties;
import io.pullbridge.clusters.ServerHostPolicy;
import io.pullbridge.jobs.FailureClass;
import io.pullbridge.jobs.JobFailure;
import io.pullbridge.support.kube.EmulatedCluster;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The adapter against an emulated cluster (fabric8's CRUD mock), request by request. */
class KubernetesClusterApiTests {

    static final String SECRET_BYTES = "{\"auths\":{\"r.azurecr.io\":{\"username\":\"u\",\"password\":\"p@ss:w0rd\"}}}";
    static final ServerHostPolicy LOOPBACK_ALLOWED = new ServerHostPolicy(
            new ClustersProperties(List.of("127.0.0.1"), List.of(), DataSize.ofMegabytes(1)));

    static EmulatedCluster cluster;
    KubernetesClients clients;
    ClusterApi api;

    @BeforeAll
    static void startCluster() {
        cluster = EmulatedCluster.start("team-a", "team-b", "team-c");
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @BeforeEach
    void connect() {
        clients = new KubernetesClients(KubernetesProperties.defaults(), LOOPBACK_ALLOWED);
        api = clients.connect(credentials(cluster, EmulatedCluster.TOKEN));
        cluster.clearRequests();
    }

    static ClusterCredentials credentials(EmulatedCluster cluster, String token) {
        return new ClusterCredentials(UUID.randomUUID(), "v1", URI.create(cluster.url()),
                Base64.getDecoder().decode(cluster.certificateAuthorityData()), false, null,
                new ClusterCredentials.BearerToken(token));
    }

    private static ClusterApi.Secret pullSecret(String namespace, String name, String owner) {
        return new ClusterApi.Secret(namespace, name, ClusterApi.Secret.DOCKER_CONFIG_JSON,
                Map.of("app.kubernetes.io/managed-by", "pullbridge", "pullbridge.io/binding", owner),
                Map.of("pullbridge.io/credential", "sha256:abc"),
                Map.of(".dockerconfigjson", SECRET_BYTES.getBytes(StandardCharsets.UTF_8)), null);
    }

    @Test
    void readsTheServerVersionAndNamespacesWithTheTokenOfTheKubeconfig() {
        cluster.addNamespace("labelled-" + shortId(), Map.of("team", "a"));
        assertThat(api.serverVersion()).isEqualTo("v1.33.2");
        assertThat(api.namespaces(null)).extracting(ClusterApi.Namespace::name)
                .contains("default", "team-a", "team-b", "team-c");
        assertThat(api.namespaces("team=a")).singleElement()
                .satisfies(namespace -> assertThat(namespace.labels()).containsEntry("team", "a"));
        assertThat(cluster.requests()).containsExactly("GET /version", "GET /api/v1/namespaces?limit=500",
                "GET /api/v1/namespaces?labelSelector=team%3Da&limit=500");
    }

    @Test
    void writesReadsAndListsSecretsAcrossNamespacesInOneCall() {
        String owner = UUID.randomUUID().toString();
        ClusterApi.Secret created = api.createSecret(pullSecret("team-a", "acr-a", owner));
        api.createSecret(pullSecret("team-b", "acr-a", owner));
        assertThat(created.resourceVersion()).isNotBlank();
        assertThat(created.sameContent(pullSecret("team-a", "acr-a", owner))).isTrue();
        assertThat(new String(created.data().get(".dockerconfigjson"), StandardCharsets.UTF_8)).isEqualTo(SECRET_BYTES);
        assertThat(created.toString()).doesNotContain("p@ss").contains(".dockerconfigjson");

        cluster.clearRequests();
        List<ClusterApi.Secret> listed = api.secrets("pullbridge.io/binding=" + owner);
        assertThat(listed).extracting(ClusterApi.Secret::namespace).containsExactlyInAnyOrder("team-a", "team-b");
        assertThat(cluster.requests()).containsExactly(
                "GET /api/v1/secrets?labelSelector=pullbridge.io%2Fbinding%3D" + owner + "&limit=500");
        assertThat(api.secret("team-a", "acr-a")).contains(created);
        assertThat(api.secret("team-a", "nope")).isEmpty();

        JobFailure exists = catchThrowableOfType(JobFailure.class,
                () -> api.createSecret(pullSecret("team-a", "acr-a", owner)));
        assertThat(ClusterProblems.is(exists, ClusterProblems.CONFLICT)).isTrue();
        assertThat(exists.isTransient()).isTrue();
    }

    @Test
    void replacesASecretOnlyAtTheVersionItWasReadAt() {
        String owner = UUID.randomUUID().toString();
        ClusterApi.Secret created = api.createSecret(pullSecret("team-a", "acr-" + shortId(), owner));
        ClusterApi.Secret changed = new ClusterApi.Secret(created.namespace(), created.name(), created.type(),
                created.labels(), created.annotations(), Map.of(".dockerconfigjson", "{}".getBytes()),
                created.resourceVersion());
        ClusterApi.Secret replaced = api.replaceSecret(changed);
        assertThat(replaced.resourceVersion()).isNotEqualTo(created.resourceVersion());
        assertThat(replaced.data().get(".dockerconfigjson")).isEqualTo("{}".getBytes());

        JobFailure stale = catchThrowableOfType(JobFailure.class, () -> api.replaceSecret(changed));
        assertThat(ClusterProblems.is(stale, ClusterProblems.CONFLICT)).isTrue();
        assertThat(stale.problem().failureClass()).isEqualTo(FailureClass.TRANSIENT);
        assertThat(stale.problem().detail()).startsWith("Conflict while replacing secret team-a/" + created.name());
    }

    @Test
    void deletesASecretGuardedByItsVersionAndSaysWhenItWasGone() {
        ClusterApi.Secret created = api.createSecret(pullSecret("team-b", "acr-" + shortId(), "x"));
        JobFailure stale = catchThrowableOfType(JobFailure.class,
                () -> api.deleteSecret("team-b", created.name(), "1"));
        assertThat(ClusterProblems.is(stale, ClusterProblems.CONFLICT)).isTrue();
        assertThat(api.deleteSecret("team-b", created.name(), created.resourceVersion())).isTrue();
        assertThat(api.deleteSecret("team-b", created.name(), null)).isFalse();
        assertThat(api.secret("team-b", created.name())).isEmpty();
    }

    @Test
    void refusesToWriteIntoANamespaceThatIsGone() {
        String namespace = "gone-" + shortId();
        cluster.addNamespace(namespace, Map.of()).removeNamespace(namespace);
        JobFailure gone = catchThrowableOfType(JobFailure.class,
                () -> api.createSecret(pullSecret(namespace, "acr", "x")));
        assertThat(ClusterProblems.is(gone, ClusterProblems.NAMESPACE_GONE)).isTrue();
        assertThat(gone.problem().detail()).isEqualTo("The namespace " + namespace
                + " does not exist (any more) while creating secret " + namespace + "/acr");
    }

    @Test
    void addsAnImagePullSecretWithAJsonPatchThatKeepsOtherEntries() {
        String namespace = "sa-" + shortId();
        cluster.addNamespace(namespace, Map.of());
        cluster.quietly(() -> cluster.client().serviceAccounts().inNamespace(namespace).withName("default")
                .edit(account -> {
                    account.setImagePullSecrets(List.of(new LocalObjectReference("theirs")));
                    return account;
                }));
        ClusterApi.ServiceAccount account = api.serviceAccount(namespace, "default").orElseThrow();
        assertThat(account.imagePullSecrets()).containsExactly("theirs");

        cluster.clearRequests();
        ClusterApi.ServiceAccount added = api.addImagePullSecret(account, "acr-secret");
        assertThat(added.imagePullSecrets()).containsExactly("theirs", "acr-secret");
        assertThat(cluster.requests()).containsExactly(
                "PATCH /api/v1/namespaces/" + namespace + "/serviceaccounts/default");
        assertThat(api.addImagePullSecret(added, "acr-secret")).isSameAs(added);

        // Someone else adds an entry after PullBridge read the account: the guarded patch refuses to write blind.
        cluster.quietly(() -> cluster.client().serviceAccounts().inNamespace(namespace).withName("default")
                .edit(current -> {
                    current.getImagePullSecrets().add(new LocalObjectReference("later"));
                    return current;
                }));
        JobFailure stale = catchThrowableOfType(JobFailure.class, () -> api.addImagePullSecret(account, "other"));
        assertThat(ClusterProblems.is(stale, ClusterProblems.CONFLICT)).isTrue();
        assertThat(stale.isTransient()).isTrue();
        assertThat(serviceAccount(namespace).getImagePullSecrets()).extracting(LocalObjectReference::getName)
                .containsExactly("theirs", "acr-secret", "later");

        ClusterApi.ServiceAccount fresh = api.serviceAccount(namespace, "default").orElseThrow();
        ClusterApi.ServiceAccount removed = api.removeImagePullSecret(fresh, "acr-secret");
        assertThat(removed.imagePullSecrets()).containsExactly("theirs", "later");
        assertThat(api.removeImagePullSecret(removed, "acr-secret")).isSameAs(removed);
    }

    @Test
    void createsTheImagePullSecretsListWhenTheAccountHasNone() {
        String namespace = "bare-" + shortId();
        cluster.addNamespace(namespace, Map.of());
        ClusterApi.ServiceAccount account = api.serviceAccount(namespace, "default").orElseThrow();
        assertThat(account.imagePullSecrets()).isEmpty();
        assertThat(api.addImagePullSecret(account, "acr-secret").imagePullSecrets()).containsExactly("acr-secret");
        assertThat(api.serviceAccount(namespace, "missing")).isEmpty();
    }

    @Test
    void listsTheClusterIpsInUse() {
        cluster.quietly(() -> {
            cluster.client().services().inNamespace("team-c").resource(new ServiceBuilder().withNewMetadata()
                    .withName("web").endMetadata().withNewSpec().withClusterIP("10.0.0.40")
                    .withClusterIPs("10.0.0.40").endSpec().build()).create();
            cluster.client().services().inNamespace("team-c").resource(new ServiceBuilder().withNewMetadata()
                    .withName("headless").endMetadata().withNewSpec().withClusterIP("None").endSpec().build())
                    .create();
        });
        assertThat(api.services()).contains(new ClusterApi.Service("team-c", "web", List.of("10.0.0.40")))
                .noneMatch(service -> service.name().equals("headless"));
    }

    @Test
    void annotatesAServiceAccountKeepingOtherAnnotationsAndRefusingToWriteBlind() {
        String namespace = "wi-" + shortId();
        cluster.addNamespace(namespace, Map.of());
        ClusterApi.ServiceAccount bare = api.serviceAccount(namespace, "default").orElseThrow();
        assertThat(bare.annotations()).isEmpty();

        ClusterApi.ServiceAccount annotated = api.annotate(bare, Map.of("azure.workload.identity/client-id", "c-1",
                "azure.workload.identity/tenant-id", "t-1"));
        assertThat(annotated.annotations()).containsOnly(Map.entry("azure.workload.identity/client-id", "c-1"),
                Map.entry("azure.workload.identity/tenant-id", "t-1"));
        assertThat(api.annotate(annotated, Map.of("azure.workload.identity/client-id", "c-1"))).isSameAs(annotated);

        cluster.quietly(() -> cluster.client().serviceAccounts().inNamespace(namespace).withName("default")
                .edit(account -> {
                    account.getMetadata().getAnnotations().put("team.example/owner", "team-a");
                    return account;
                }));
        JobFailure stale = catchThrowableOfType(JobFailure.class, () -> api.annotate(annotated,
                Map.of("azure.workload.identity/client-id", "c-2")));
        assertThat(ClusterProblems.is(stale, ClusterProblems.CONFLICT)).isTrue();

        ClusterApi.ServiceAccount fresh = api.serviceAccount(namespace, "default").orElseThrow();
        ClusterApi.ServiceAccount changed = api.annotate(fresh, java.util.Collections.singletonMap(
                "azure.workload.identity/tenant-id", null));
        assertThat(changed.annotations()).containsOnly(Map.entry("azure.workload.identity/client-id", "c-1"),
                Map.entry("team.example/owner", "team-a"));
        assertThat(serviceAccount(namespace).getMetadata().getAnnotations())
                .isEqualTo(Map.of("azure.workload.identity/client-id", "c-1", "team.example/owner", "team-a"));
    }

    @Test
    void writesCustomObjectsOnlyWhereTheirDefinitionIsInstalled() {
        ClusterApi.CustomType acrPull = new ClusterApi.CustomType("acrpull.microsoft.com", "v1beta2",
                "acrpullbindings", "AcrPullBinding");
        String namespace = "apb-" + shortId();
        cluster.addNamespace(namespace, Map.of());
        Map<String, Object> spec = Map.of("acr", Map.of("server", "contoso.azurecr.io", "scope",
                        "repository:team-a/api:pull", "environment", "PublicCloud"),
                "auth", Map.of("workloadIdentity", Map.of("serviceAccountRef", "puller", "clientID", "c-1",
                        "tenantID", "t-1")), "serviceAccountName", "puller");
        ClusterApi.CustomObject wanted = new ClusterApi.CustomObject(acrPull, namespace, "puller-contoso",
                Map.of("app.kubernetes.io/managed-by", "pullbridge"), Map.of(), spec, null);
        try {
            assertThat(api.serves(acrPull)).isFalse();
            JobFailure absent = catchThrowableOfType(JobFailure.class, () -> api.createCustomObject(wanted));
            assertThat(ClusterProblems.is(absent, ClusterProblems.NOT_FOUND)).isTrue();

            cluster.installCustomResource("acrpull.microsoft.com", "v1beta2", "acrpullbindings", "AcrPullBinding");
            assertThat(api.serves(acrPull)).isTrue();
            assertThat(api.serves(new ClusterApi.CustomType("acrpull.microsoft.com", "v1beta2", "others", "Other")))
                    .isFalse();

            ClusterApi.CustomObject created = api.createCustomObject(wanted);
            assertThat(created.spec()).isEqualTo(spec);
            assertThat(created.resourceVersion()).isNotBlank();
            assertThat(api.customObject(acrPull, namespace, "puller-contoso")).contains(created);
            assertThat(api.customObjects(acrPull, "app.kubernetes.io/managed-by=pullbridge"))
                    .extracting(ClusterApi.CustomObject::name).containsExactly("puller-contoso");

            Map<String, Object> widened = new java.util.LinkedHashMap<>(spec);
            widened.put("acr", Map.of("server", "contoso.azurecr.io", "scope",
                    "repository:team-a/api:pull repository:team-a/web:pull", "environment", "PublicCloud"));
            ClusterApi.CustomObject replaced = api.replaceCustomObject(new ClusterApi.CustomObject(acrPull, namespace,
                    "puller-contoso", created.labels(), Map.of(), widened, created.resourceVersion()));
            assertThat(replaced.spec()).isEqualTo(widened);
            JobFailure stale = catchThrowableOfType(JobFailure.class, () -> api.replaceCustomObject(created));
            assertThat(ClusterProblems.is(stale, ClusterProblems.CONFLICT)).isTrue();

            assertThat(api.deleteCustomObject(acrPull, namespace, "puller-contoso", replaced.resourceVersion()))
                    .isTrue();
            assertThat(api.deleteCustomObject(acrPull, namespace, "puller-contoso", null)).isFalse();
            assertThat(api.customObject(acrPull, namespace, "puller-contoso")).isEmpty();
        } finally {
            cluster.uninstallCustomResource("acrpull.microsoft.com", "v1beta2");
        }
    }

    private ServiceAccount serviceAccount(String namespace) {
        ServiceAccount[] account = new ServiceAccount[1];
        cluster.quietly(() -> account[0] = cluster.client().serviceAccounts().inNamespace(namespace)
                .withName("default").get());
        return account[0];
    }

    static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
