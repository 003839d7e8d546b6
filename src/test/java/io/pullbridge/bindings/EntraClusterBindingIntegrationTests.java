package io.pullbridge.bindings;

import io.fabric8.kubernetes.api.model.Secret;
import io.pullbridge.common.ResourceKinds;
import io.pullbridge.jobs.JobRequest;
import io.pullbridge.jobs.JobService;
import io.pullbridge.support.Api;
import io.pullbridge.support.IntegrationTest;
import io.pullbridge.support.JobsApi;
import io.pullbridge.support.Principals;
import io.pullbridge.support.Registries;
import io.pullbridge.support.azure.AzureEmulator;
import io.pullbridge.support.azure.EmulatedManagedCluster;
import io.pullbridge.clusters.ClusterAccess;
import io.pullbridge.support.kube.ApiRequest;
import io.pullbridge.support.kube.EmulatedCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The "done when": an Entra-only AKS cluster (managed Entra integration, Azure RBAC, local accounts disabled)
 * goes Ready and takes a kubelet-identity and a pull-secret binding end to end (create, reconcile, rotate, verify,
 * delete), every call to its API server carrying PullBridge's token for the AKS server application.
 */
@IntegrationTest
class EntraClusterBindingIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);

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
    EmulatedCluster apiServer;
    EmulatedManagedCluster aks;
    UUID registryId;
    UUID clusterId;

    @BeforeEach
    void registryAndEntraCluster() throws Exception {
        String subscription = UUID.randomUUID().toString();
        String name = "acr" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String registry = Registries.seeded(subscription, "rg-shared", name);
        azure.addResourceGroup(subscription, "rg-aks");
        apiServer = EmulatedCluster.start("team-a", "team-b");
        aks = azure.addManagedCluster(subscription, "rg-aks", "corp-" + name).entraOnly(apiServer, true);
        registryId = Registries.registered(mvc, jdbc, registry).id();
        String body = Api.admin(mvc).post("/api/v1/clusters", """
                        {"name": "%s", "kind": "aks", "resourceId": "%s"}""".formatted(aks.name(), aks.id()))
                .andExpect(status().isAccepted()).andReturn().getResponse().getContentAsString();
        clusterId = UUID.fromString(json.readTree(body).get("id").asString());
        await("the Entra cluster to be Ready").atMost(TIMEOUT)
                .until(() -> "Ready".equals(read("/api/v1/clusters/" + clusterId).at("/status/phase").asString()));
    }

    @AfterEach
    void stop() {
        try {
            assertEveryCallIsAllowedByTheDeployedRoles(apiServer);
        } finally {
            apiServer.close();
        }
    }

    /**
     * Every resource request the API server got, mapped to (verb, group, resource) as RBAC sees it, is one that
     * {@link ClusterAccess#RULES} allows: the ClusterRole and the custom Azure role, both made from them, cannot fall
     * behind the calls PullBridge makes.
     */
    static void assertEveryCallIsAllowedByTheDeployedRoles(EmulatedCluster apiServer) {
        assertThat(apiServer.received()).isNotEmpty().allSatisfy(request -> ApiRequest.of(request)
                .ifPresent(access -> assertThat(ClusterAccess.RULES)
                        .as("%s (%s %s in group \"%s\") is allowed by ClusterAccess.RULES", request, access.verb(),
                                access.resource(), access.group())
                        .anyMatch(rule -> rule.group().equals(access.group())
                                && rule.resource().equals(access.resource())
                                && rule.verbs().contains(access.verb()))));
    }

    @Test
    void aKubeletIdentityBindingIsAttachedVerifiedAndDetached() throws Exception {
        UUID binding = bind("""
                {"registryId": "%s", "clusterId": "%s", "method": "kubelet-identity"}""".formatted(registryId,
                clusterId));
        JobsApi.awaitLatest(mvc, json, binding, "succeeded", TIMEOUT);
        assertThat(azure.roleAssignmentsOf(aks.kubeletObjectId())).hasSize(1);

        azure.removeRoleAssignment(azure.roleAssignmentsOf(aks.kubeletObjectId()).get(0).id());
        reconcile(binding);
        assertThat(azure.roleAssignmentsOf(aks.kubeletObjectId())).as("put back by reconciliation").hasSize(1);

        String verify = Api.operator(mvc).post("/api/v1/bindings/" + binding + ":verify", "")
                .andExpect(status().isAccepted()).andReturn().getResponse().getHeader("Operation-Location");
        JobsApi.await(mvc, json, verify, "succeeded", TIMEOUT);

        String delete = Api.operator(mvc).delete("/api/v1/bindings/" + binding).andExpect(status().isAccepted())
                .andReturn().getResponse().getHeader("Operation-Location");
        JobsApi.await(mvc, json, delete, "succeeded", TIMEOUT);
        assertThat(azure.roleAssignmentsOf(aks.kubeletObjectId())).isEmpty();
    }

    @Test
    void aPullSecretBindingIsWrittenRepairedRotatedReadBackAndRemovedWithPullBridgesEntraToken() throws Exception {
        UUID principal = Principals.created(Api.operator(mvc), jdbc, json.writeValueAsString(Map.of(
                "mode", "create", "displayName", "entra-" + UUID.randomUUID(), "passwordLifetime", "P90D",
                "grants", List.of(Map.of("registryId", registryId.toString(), "role", "acrpull")))),
                "succeeded").id();
        apiServer.clearRequests();
        UUID binding = bind("""
                {"registryId": "%s", "clusterId": "%s", "method": "pull-secret",
                 "pullSecret": {"credential": {"servicePrincipalId": "%s"}, "secretName": "acr-secret",
                                "namespaces": ["team-a", "team-b"]}}""".formatted(registryId, clusterId, principal));
        JobsApi.awaitLatest(mvc, json, binding, "succeeded", TIMEOUT);
        assertThat(secret("team-a")).isNotNull();
        assertThat(secret("team-b")).isNotNull();
        assertThat(apiServer.requests()).anyMatch(request -> request.startsWith("POST /api/v1/namespaces/team-a/secrets"));
        assertEveryCallCarriedAnAksToken();

        apiServer.quietly(() -> apiServer.client().secrets().inNamespace("team-b").withName("acr-secret").delete());
        reconcile(binding);
        assertThat(secret("team-b")).as("put back by reconciliation").isNotNull();

        String before = secret("team-a").getMetadata().getAnnotations().get("pullbridge.io/credential-fingerprint");
        UUID rotation = Principals.rotation(Api.operator(mvc)
                .post("/api/v1/service-principals/" + principal + ":rotate", ""));
        Principals.awaitJob(jdbc, rotation, "succeeded");
        String after = secret("team-a").getMetadata().getAnnotations().get("pullbridge.io/credential-fingerprint");
        assertThat(after).isNotEqualTo(before);
        assertThat(secret("team-b").getMetadata().getAnnotations())
                .containsEntry("pullbridge.io/credential-fingerprint", after);

        String verify = Api.operator(mvc).post("/api/v1/bindings/" + binding + ":verify", "")
                .andExpect(status().isAccepted()).andReturn().getResponse().getHeader("Operation-Location");
        await("the verify job to end").atMost(TIMEOUT)
                .until(() -> !List.of("queued", "running").contains(read(verify)
                .get("state").asString()));
        JsonNode verified = read(verify);
        assertThat(verified.at("/steps/0/name").asString()).isEqualTo("read-secrets");
        assertThat(verified.at("/steps/0/state").asString()).isEqualTo("succeeded");
        assertThat(verified.at("/steps/0/detail").asString()).contains("2 namespaces read");

        String delete = Api.operator(mvc).delete("/api/v1/bindings/" + binding).andExpect(status().isAccepted())
                .andReturn().getResponse().getHeader("Operation-Location");
        JobsApi.await(mvc, json, delete, "succeeded", TIMEOUT);
        assertThat(secret("team-a")).isNull();
        assertThat(secret("team-b")).isNull();
        assertEveryCallCarriedAnAksToken();
        Api.reader(mvc).get("/api/v1/clusters/" + clusterId).andExpect(jsonPath("$.status.access.mode").value("entra"));
    }

    private JsonNode read(String location) {
        try {
            return json.readTree(Api.reader(mvc).get(location).andReturn().getResponse().getContentAsString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Read as the test, around the API server's authentication (which only PullBridge's tokens pass). */
    private Secret secret(String namespace) {
        AtomicReference<Secret> secret = new AtomicReference<>();
        apiServer.quietly(() -> secret.set(apiServer.client().secrets().inNamespace(namespace).withName("acr-secret")
                .get()));
        return secret.get();
    }

    /** The API server answers 401 to anything else; this says so from the tokens themselves. */
    private void assertEveryCallCarriedAnAksToken() {
        assertThat(apiServer.bearerTokens()).isNotEmpty().allSatisfy(token -> assertThat(azure.issuedTokens())
                .anySatisfy(issued -> {
                    assertThat(issued.accessToken()).isEqualTo(token);
                    assertThat(issued.scope()).contains(EmulatedManagedCluster.AKS_SERVER_ID + "/.default");
                    assertThat(issued.tenantId()).isEqualTo(azure.tenantId());
                }));
    }

    private UUID bind(String body) throws Exception {
        String answer = Api.operator(mvc).post("/api/v1/bindings", body).andExpect(status().isAccepted())
                .andReturn().getResponse().getContentAsString();
        return UUID.fromString(json.readTree(answer).get("id").asString());
    }

    private void reconcile(UUID binding) {
        UUID job = tx.execute(status -> jobs.enqueue(JobRequest.of(BindingJobs.RECONCILE, ResourceKinds.BINDING,
                binding)).id());
        JobsApi.await(mvc, json, "/api/v1/jobs/" + job, "succeeded", TIMEOUT);
    }
}
