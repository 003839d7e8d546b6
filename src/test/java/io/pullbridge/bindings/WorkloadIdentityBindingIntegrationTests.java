package io.pullbridge.bindings;

import io.pullbridge.common.ResourceKinds;
import io.pullbridge.jobs.JobRequest;
import io.pullbridge.jobs.JobService;
import io.pullbridge.support.Api;
import io.pullbridge.support.DeleteJobs;
import io.pullbridge.support.IntegrationTest;
import io.pullbridge.support.JobsApi;
import io.pullbridge.support.Registries;
import io.pullbridge.support.azure.AzureEmulator;
import io.pullbridge.support.azure.EmulatedFederatedCredential;
import io.pullbridge.support.azure.EmulatedIdentity;
import io.pullbridge.support.azure.EmulatedManagedCluster;
import io.pullbridge.support.azure.RoleAssignment;
import io.pullbridge.support.kube.EmulatedCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * workload-identity bindings through the API against the Azure emulator and an emulated cluster: the identity, the
 * federated credentials and the role in Azure, each delivery in the cluster, drift repaired by reconciliation,
 * verification, delete that removes only what PullBridge made, and the refusals; no secret anywhere.
 */
@IntegrationTest
@TestPropertySource(properties = "pullbridge.workload-identity.resource-group=/subscriptions/"
        + WorkloadIdentityBindingIntegrationTests.SUBSCRIPTION + "/resourceGroups/rg-identities")
class WorkloadIdentityBindingIntegrationTests {

    static final String SUBSCRIPTION = "5a1e0c6d-2b7f-4e3a-9c8d-0f1e2d3c4b5a";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String ACR_PULL = "7f951dda-4ed3-4680-a7ca-43fe172d538d";
    private static final String ISSUER = "https://westeurope.oic.prod-aks.azure.com/tenant/issuer-1/";
    private static final ResourceDefinitionContext ACR_PULL_BINDINGS = new ResourceDefinitionContext.Builder()
            .withGroup("acrpull.microsoft.com").withVersion("v1beta2").withPlural("acrpullbindings")
            .withKind("AcrPullBinding").withNamespaced(true).build();

    static EmulatedCluster apiServer;

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    JobService jobs;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    ObjectMapper json;

    AzureEmulator azure = AzureEmulator.shared();
    String registryResourceId;
    String loginServer;
    UUID registryId;
    EmulatedManagedCluster aks;
    UUID clusterId;
    String namespace;

    @BeforeAll
    static void startApiServer() {
        apiServer = EmulatedCluster.start();
    }

    @AfterAll
    static void stopApiServer() {
        apiServer.close();
    }

    @BeforeEach
    void registryClusterAndNamespace() throws Exception {
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        azure.addSubscription(SUBSCRIPTION).addResourceGroup(SUBSCRIPTION, "rg-identities");
        registryResourceId = Registries.seeded(SUBSCRIPTION, "rg-shared", "acrwi" + suffix);
        loginServer = "acrwi" + suffix + ".azurecr.io";
        registryId = Registries.registered(mvc, jdbc, registryResourceId).id();
        aks = azure.addManagedCluster(SUBSCRIPTION, "rg-aks", "aks-wi-" + suffix).oidcIssuer(ISSUER)
                .userKubeconfig(apiServer.kubeconfig());
        apiServer.version("v1.34.1").installCustomResource("acrpull.microsoft.com", "v1beta2", "acrpullbindings",
                "AcrPullBinding");
        clusterId = registerCluster(aks);
        namespace = "team-" + suffix;
        apiServer.addNamespace(namespace, Map.of());
        for (String name : List.of("api", "web")) {
            apiServer.quietly(() -> apiServer.client().serviceAccounts().inNamespace(namespace).resource(
                    new ServiceAccountBuilder().withNewMetadata().withName(name).endMetadata().build()).create());
        }
    }

    @Test
    void anAcrPullBindingDeliveryGoesReadyWithAnIdentityItsCredentialsItsRoleAndNoSecret() throws Exception {
        UUID binding = bind("acr-pull-binding", List.of("api", "web"), List.of("team-a/api"));
        awaitLatestJob(binding, "succeeded");

        EmulatedIdentity identity = azure.userAssignedIdentity("/subscriptions/" + SUBSCRIPTION
                + "/resourceGroups/rg-identities/providers/Microsoft.ManagedIdentity/userAssignedIdentities/pullbridge-"
                + binding).orElseThrow();
        assertThat(identity.tags()).containsEntry("pullbridge.io/binding", binding.toString());
        assertThat(identity.credentials()).extracting(EmulatedFederatedCredential::subject).containsExactlyInAnyOrder(
                "system:serviceaccount:" + namespace + ":api", "system:serviceaccount:" + namespace + ":web");
        assertThat(identity.credentials()).allSatisfy(credential -> {
            assertThat(credential.issuer()).isEqualTo(ISSUER);
            assertThat(credential.audiences()).containsExactly("api://AzureCRTokenExchange");
        });
        assertThat(azure.roleAssignmentsOf(identity.principalId())).singleElement().satisfies(assignment -> {
            assertThat(assignment.roleDefinitionGuid()).isEqualTo(ACR_PULL);
            assertThat(assignment.scope()).isEqualToIgnoringCase(registryResourceId);
        });
        GenericKubernetesResource api = acrPullBinding("pullbridge-" + binding.toString().substring(0, 8) + "-api");
        assertThat(api.getMetadata().getLabels()).containsEntry("pullbridge.io/binding", binding.toString());
        assertThat(api.getAdditionalProperties().get("spec")).isEqualTo(Map.of(
                "acr", Map.of("server", loginServer, "scope", "repository:team-a/api:pull", "environment",
                        "PublicCloud"),
                "auth", Map.of("workloadIdentity", Map.of("serviceAccountRef", "api", "clientID",
                        identity.clientId(), "tenantID", azure.tenantId())),
                "serviceAccountName", "api"));
        assertThat(secretsIn(namespace)).as("secrets PullBridge wrote").isZero();

        Api.reader(mvc).get("/api/v1/bindings/" + binding)
                .andExpect(jsonPath("$.status.phase").value("Ready"))
                .andExpect(jsonPath("$.workloadIdentity.delivery").value("acr-pull-binding"))
                .andExpect(jsonPath("$.status.workloadIdentity.clientId").value(identity.clientId()))
                .andExpect(jsonPath("$.status.workloadIdentity.issuer").value(ISSUER))
                .andExpect(jsonPath("$.status.workloadIdentity.identityCreatedByPullBridge").value(true))
                .andExpect(jsonPath("$.status.workloadIdentity.clusterObjects.length()").value(2))
                .andExpect(jsonPath("$.status.conditions[?(@.type == 'WorkloadIdentityFederated')].status")
                        .value("True"));
        awaitJob(verify(binding), "succeeded");

        UUID delete = DeleteJobs.accepted(Api.operator(mvc).delete("/api/v1/bindings/" + binding));
        DeleteJobs.awaitSucceeded(jdbc, delete);
        assertThat(azure.userAssignedIdentity(identity.id())).isEmpty();
        assertThat(azure.roleAssignmentsOf(identity.principalId())).isEmpty();
        assertThat(acrPullBindings()).isEmpty();
    }

    @Test
    void reconciliationRepairsANewIssuerADeletedCredentialARemovedRoleAndADeletedAcrPullBinding() throws Exception {
        UUID binding = bind("acr-pull-binding", List.of("api"), List.of("team-a/api"));
        awaitLatestJob(binding, "succeeded");
        EmulatedIdentity identity = azure.userAssignedIdentities().stream()
                .filter(found -> found.id().endsWith("pullbridge-" + binding)).findFirst().orElseThrow();
        String credential = identity.credentials().get(0).name();
        String objectName = "pullbridge-" + binding.toString().substring(0, 8) + "-api";

        String recreated = "https://westeurope.oic.prod-aks.azure.com/tenant/issuer-2/";
        aks.oidcIssuer(recreated);
        azure.removeRoleAssignment(azure.roleAssignmentsOf(identity.principalId()).get(0).id());
        apiServer.quietly(() -> apiServer.client().genericKubernetesResources(ACR_PULL_BINDINGS).inNamespace(namespace)
                .withName(objectName).delete());
        JsonNode failedVerify = awaitJob(verify(binding), "failed");
        assertThat(failedVerify.at("/lastError/detail").asText()).contains("not the cluster's issuer " + recreated)
                .contains("does not exist");

        awaitJob(reconcile(binding), "succeeded");

        assertThat(azure.userAssignedIdentity(identity.id()).orElseThrow().credentials()).singleElement()
                .satisfies(found -> assertThat(found.issuer()).isEqualTo(recreated));
        assertThat(azure.roleAssignmentsOf(identity.principalId())).hasSize(1);
        assertThat(acrPullBinding(objectName)).isNotNull();
        Api.reader(mvc).get("/api/v1/bindings/" + binding)
                .andExpect(jsonPath("$.status.workloadIdentity.issuer").value(recreated))
                .andExpect(jsonPath("$.status.drift[*]").value(org.hamcrest.Matchers.hasItems(
                        containsString("federated credential " + credential + " trusted " + ISSUER),
                        containsString("was removed outside PullBridge"),
                        containsString("AcrPullBinding " + namespace + "/" + objectName + " was deleted"))));

        azure.removeFederatedCredential(identity.id(), credential);
        awaitJob(reconcile(binding), "succeeded");
        assertThat(azure.userAssignedIdentity(identity.id()).orElseThrow().credentials()).hasSize(1);
        awaitJob(verify(binding), "succeeded");
    }

    @Test
    void onAnAbacRegistryTheGrantIsRepositoryReaderLimitedToTheBindingsRepositories() throws Exception {
        azure.registry(registryResourceId).orElseThrow().abacEnabled(true);
        UUID binding = bind("acr-pull-binding", List.of("api"), List.of("team-a/api", "team-a/web"));
        awaitLatestJob(binding, "succeeded");
        EmulatedIdentity identity = azure.userAssignedIdentities().stream()
                .filter(found -> found.id().endsWith("pullbridge-" + binding)).findFirst().orElseThrow();

        RoleAssignment assignment = azure.roleAssignmentsOf(identity.principalId()).get(0);
        assertThat(assignment.roleDefinitionGuid()).isEqualTo("b93aa761-3e63-49ed-ac28-beffa264f7ac");
        assertThat(azure.roleAssignmentCondition(assignment.id())).hasValueSatisfying(condition -> assertThat(condition)
                .contains("@Request[Microsoft.ContainerRegistry/registries/repositories:name] StringEqualsIgnoreCase "
                        + "'team-a/api'").contains("StringEqualsIgnoreCase 'team-a/web'")
                .contains("ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/content/read'}"));

        Api.operator(mvc).patch("/api/v1/bindings/" + binding, """
                {"workloadIdentity": {"repositories": ["team-a/api"]}}""").andExpect(status().isAccepted());
        awaitLatestJob(binding, "succeeded");
        assertThat(azure.roleAssignmentsOf(identity.principalId())).singleElement()
                .satisfies(same -> assertThat(same.id()).isEqualTo(assignment.id()));
        assertThat(azure.roleAssignmentCondition(assignment.id()).orElseThrow()).contains("'team-a/api'")
                .doesNotContain("team-a/web");
        awaitJob(verify(binding), "succeeded");
    }

    @Test
    void aCredentialProviderDeliveryAnnotatesTheServiceAccountsAndDeleteTakesOnlyItsAnnotations() throws Exception {
        apiServer.quietly(() -> apiServer.client().serviceAccounts().inNamespace(namespace).withName("api")
                .edit(account -> {
                    account.getMetadata().setAnnotations(new java.util.HashMap<>(Map.of("team.example/owner", "a")));
                    return account;
                }));
        UUID binding = bind("credential-provider", List.of("api"), List.of());
        awaitLatestJob(binding, "succeeded");
        EmulatedIdentity identity = azure.userAssignedIdentities().stream()
                .filter(found -> found.id().endsWith("pullbridge-" + binding)).findFirst().orElseThrow();

        assertThat(annotations("api")).containsEntry("azure.workload.identity/client-id", identity.clientId())
                .containsEntry("azure.workload.identity/tenant-id", azure.tenantId())
                .containsEntry("team.example/owner", "a");
        assertThat(acrPullBindings()).isEmpty();
        awaitJob(verify(binding), "succeeded");

        // Drift: someone strips the annotations; the next reconcile pass puts them back and says so.
        apiServer.quietly(() -> apiServer.client().serviceAccounts().inNamespace(namespace).withName("api")
                .edit(account -> {
                    account.getMetadata().setAnnotations(new java.util.HashMap<>(Map.of("team.example/owner", "a")));
                    return account;
                }));
        awaitJob(verify(binding), "failed");
        awaitJob(reconcile(binding), "succeeded");
        assertThat(annotations("api")).containsEntry("azure.workload.identity/client-id", identity.clientId());
        Api.reader(mvc).get("/api/v1/bindings/" + binding).andExpect(jsonPath("$.status.drift[0]")
                .value(containsString("ServiceAccount " + namespace + "/api lost its workload identity annotations")));

        UUID delete = DeleteJobs.accepted(Api.operator(mvc).delete("/api/v1/bindings/" + binding));
        DeleteJobs.awaitSucceeded(jdbc, delete);
        assertThat(annotations("api")).isEqualTo(Map.of("team.example/owner", "a"));
        assertThat(azure.userAssignedIdentity(identity.id())).isEmpty();
    }

    @Test
    void entraRefusingAConcurrentCredentialWriteOnlyDelaysTheJob() throws Exception {
        // Entra still applies the first credential when the second is written: 409, transient, retried.
        azure.federatedCredentialWriteTime(Duration.ofSeconds(1));
        try {
            int writes = azure.federatedCredentialWrites();
            UUID binding = bind("credential-provider", List.of("api", "web"), List.of());
            JsonNode job = awaitLatestJob(binding, "succeeded");

            assertThat(job.get("attempts").asInt()).as("attempts").isGreaterThan(1);
            assertThat(azure.federatedCredentialWrites() - writes).as("writes, one refused").isGreaterThan(2);
            assertThat(azure.userAssignedIdentities().stream().filter(found -> found.id().endsWith("pullbridge-"
                    + binding)).findFirst().orElseThrow().credentials()).hasSize(2);
        } finally {
            azure.federatedCredentialWriteTime(Duration.ZERO);
        }
    }

    @Test
    void whatTheClusterLacksFailsTheJobWithAProblemThatSaysWhatToDo() throws Exception {
        apiServer.version("v1.33.2");
        UUID tooOld = bind("credential-provider", List.of("api"), List.of());
        // One workload-identity binding per registry, cluster and namespace: a second one is a conflict.
        Api.operator(mvc).post("/api/v1/bindings", body("credential-provider", List.of("web"), List.of(), null))
                .andExpect(status().isConflict());
        assertThat(awaitLatestJob(tooOld, "failed").at("/lastError/type").asText())
                .endsWith("/kubelet-credential-provider-unsupported");

        apiServer.uninstallCustomResource("acrpull.microsoft.com", "v1beta2");
        UUID noCrd = bindIn("crd-" + namespace, "acr-pull-binding", List.of("web"), List.of("team-a/api"));
        JsonNode failed = awaitLatestJob(noCrd, "failed");
        assertThat(failed.at("/lastError/type").asText()).endsWith("/acr-pull-binding-crd-missing");
        assertThat(failed.at("/lastError/detail").asText()).contains("kubectl api-resources");

        aks.oidcIssuer(null);
        UUID noIssuer = bindIn("other-" + namespace, "acr-pull-binding", List.of("api"), List.of("team-a/api"));
        JsonNode withoutIssuer = awaitLatestJob(noIssuer, "failed");
        assertThat(withoutIssuer.at("/lastError/type").asText()).endsWith("/cluster-without-oidc-issuer");
        assertThat(withoutIssuer.at("/lastError/detail").asText()).contains("az aks update --enable-oidc-issuer");
    }

    @Test
    void requestsAreCheckedAndNamingAnExistingIdentityIsTheAdminsToAsk() throws Exception {
        Api.operator(mvc).post("/api/v1/bindings", body("acr-pull-binding", List.of("api"), List.of(), null))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[?(@.field == 'workloadIdentity.repositories')].message").value(
                        org.hamcrest.Matchers.hasItem(containsString("at least one repository for acr-pull-binding"))));
        Api.operator(mvc).post("/api/v1/bindings", """
                        {"registryId": "%s", "clusterId": "%s", "method": "workload-identity"}"""
                        .formatted(registryId, clusterId))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("workloadIdentity"));
        EmulatedIdentity existing = azure.addUserAssignedIdentity(SUBSCRIPTION, "rg-identities",
                "team-puller-" + namespace);
        String naming = body("credential-provider", List.of("api"), List.of(), existing.id());
        Api.operator(mvc).post("/api/v1/bindings", naming)
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.detail").value(containsString("reserved to Admin")));
        assertThat(jdbc.sql("select count(*) from bindings where cluster_id = ?").param(clusterId)
                .query(Long.class).single()).isZero();

        String body = Api.admin(mvc).post("/api/v1/bindings", naming).andExpect(status().isAccepted())
                .andReturn().getResponse().getContentAsString();
        UUID binding = UUID.fromString(json.readTree(body).get("id").asText());
        awaitLatestJob(binding, "succeeded");
        assertThat(annotations("api")).containsEntry("azure.workload.identity/client-id", existing.clientId());

        UUID delete = DeleteJobs.accepted(Api.admin(mvc).delete("/api/v1/bindings/" + binding));
        DeleteJobs.awaitSucceeded(jdbc, delete);
        assertThat(azure.userAssignedIdentity(existing.id())).as("the identity the binding named").isPresent();
        assertThat(azure.userAssignedIdentity(existing.id()).orElseThrow().credentials()).isEmpty();
    }

    // ---- helpers

    private String body(String delivery, List<String> serviceAccounts, List<String> repositories, String identity)
            throws Exception {
        Map<String, Object> options = new java.util.LinkedHashMap<>();
        options.put("namespace", namespace);
        options.put("serviceAccounts", serviceAccounts);
        options.put("repositories", repositories);
        options.put("delivery", delivery);
        if (identity != null) {
            options.put("identityResourceId", identity);
        }
        return json.writeValueAsString(Map.of("registryId", registryId, "clusterId", clusterId,
                "method", "workload-identity", "workloadIdentity", options));
    }

    private UUID bind(String delivery, List<String> serviceAccounts, List<String> repositories) throws Exception {
        String created = Api.operator(mvc).post("/api/v1/bindings", body(delivery, serviceAccounts, repositories,
                null)).andExpect(status().isAccepted()).andReturn().getResponse().getContentAsString();
        return UUID.fromString(json.readTree(created).get("id").asText());
    }

    private UUID bindIn(String otherNamespace, String delivery, List<String> serviceAccounts,
                        List<String> repositories) throws Exception {
        String saved = namespace;
        namespace = otherNamespace;
        try {
            return bind(delivery, serviceAccounts, repositories);
        } finally {
            namespace = saved;
        }
    }

    private UUID registerCluster(EmulatedManagedCluster cluster) throws Exception {
        String body = Api.admin(mvc).post("/api/v1/clusters", """
                {"name": "%s", "kind": "aks", "resourceId": "%s"}""".formatted(cluster.name(), cluster.id()))
                .andExpect(status().isAccepted()).andReturn().getResponse().getContentAsString();
        UUID id = UUID.fromString(json.readTree(body).get("id").asText());
        await("cluster " + cluster.name() + " to be Ready").atMost(TIMEOUT).until(() -> "Ready".equals(jdbc.sql(
                "select phase from clusters where id = ?").param(id).query(String.class).single()));
        return id;
    }

    private String verify(UUID binding) throws Exception {
        return Api.operator(mvc).post("/api/v1/bindings/" + binding + ":verify", "").andExpect(status().isAccepted())
                .andReturn().getResponse().getHeader("Operation-Location");
    }

    private String reconcile(UUID binding) {
        UUID job = tx.execute(status -> jobs.enqueue(JobRequest.of(BindingJobs.RECONCILE, ResourceKinds.BINDING,
                binding)).id());
        return "/api/v1/jobs/" + job;
    }

    private GenericKubernetesResource acrPullBinding(String name) {
        GenericKubernetesResource[] found = new GenericKubernetesResource[1];
        apiServer.quietly(() -> found[0] = apiServer.client().genericKubernetesResources(ACR_PULL_BINDINGS)
                .inNamespace(namespace).withName(name).get());
        return found[0];
    }

    private List<GenericKubernetesResource> acrPullBindings() {
        List<List<GenericKubernetesResource>> found = new java.util.ArrayList<>();
        apiServer.quietly(() -> found.add(apiServer.client().genericKubernetesResources(ACR_PULL_BINDINGS)
                .inNamespace(namespace).list().getItems()));
        return found.get(0);
    }

    private Map<String, String> annotations(String serviceAccount) {
        List<Map<String, String>> found = new java.util.ArrayList<>();
        apiServer.quietly(() -> {
            Map<String, String> annotations = apiServer.client().serviceAccounts().inNamespace(namespace)
                    .withName(serviceAccount).get().getMetadata().getAnnotations();
            found.add(annotations == null ? Map.of() : annotations);
        });
        return found.get(0);
    }

    private long secretsIn(String inNamespace) {
        long[] count = new long[1];
        apiServer.quietly(() -> count[0] = apiServer.client().secrets().inNamespace(inNamespace).list().getItems()
                .size());
        return count[0];
    }

    private JsonNode awaitLatestJob(UUID binding, String state) {
        return JobsApi.awaitLatest(mvc, json, binding, state, TIMEOUT);
    }

    private JsonNode awaitJob(String location, String state) {
        return JobsApi.await(mvc, json, location, state, TIMEOUT);
    }
}
