package io.pullbridge.clusters;

import io.pullbridge.support.Api;
import io.pullbridge.support.Clusters;
import io.pullbridge.support.IntegrationTest;
import io.pullbridge.support.Registries;
import io.pullbridge.support.TestPlatform;
import io.pullbridge.support.azure.AzureEmulator;
import io.pullbridge.support.azure.EmulatedManagedCluster;
import io.pullbridge.support.azure.IssuedToken;
import io.pullbridge.support.azure.RecordedRequest;
import io.pullbridge.support.kube.EmulatedCluster;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.awaitility.Awaitility.await;
import static io.pullbridge.clusters.ClusterIntegrationTests.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * AKS clusters with Microsoft Entra integration and local accounts disabled: PullBridge signs in to their API server
 * with its own token for the AKS server application, never with the user kubeconfig's kubelogin plugin, says so in
 * {@code status.access}, and explains a refusal with the grant its identity lacks.
 */
@IntegrationTest
class EntraClusterIntegrationTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String SCOPE = EmulatedManagedCluster.AKS_SERVER_ID + "/.default";

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    EmulatedCluster apiServer;
    AzureEmulator azure;
    String subscription;

    @BeforeEach
    void start() {
        apiServer = EmulatedCluster.start("team-a");
        azure = AzureEmulator.shared();
        subscription = UUID.randomUUID().toString();
        azure.addSubscription(subscription).addResourceGroup(subscription, "rg-entra");
    }

    @AfterEach
    void stop() {
        apiServer.close();
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private EmulatedManagedCluster entraOnly(boolean azureRbac) {
        return azure.addManagedCluster(subscription, "rg-entra", unique("entra")).entraOnly(apiServer, azureRbac);
    }

    private MockHttpServletResponse register(String body) throws Exception {
        return Api.admin(mvc).post("/api/v1/clusters", body).andExpect(status().isAccepted()).andReturn()
                .getResponse();
    }

    private JsonNode read(String location) throws Exception {
        return JSON.readTree(Api.reader(mvc).get(location).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsString());
    }

    private String pullBridgeObjectId() {
        return azure.servicePrincipalByAppId(TestPlatform.AZURE_CLIENT_ID).orElseThrow().id();
    }

    @Test
    void anEntraOnlyClusterIsSignedInToWithPullBridgesOwnTokenForTheAksServerApplication() throws Exception {
        EmulatedManagedCluster aks = entraOnly(true);
        azure.clearRequests();

        MockHttpServletResponse created = register(json("name", aks.name(), "kind", "aks", "resourceId", aks.id()));
        UUID job = Registries.jobOf(created);
        await("the connect job to end").atMost(Duration.ofSeconds(120))
                .until(() -> !List.of("queued", "running").contains(Clusters.state(jdbc, job)));
        assertThat(read("/api/v1/jobs/" + job).get("attempts").asInt()).as(read("/api/v1/jobs/" + job).toString())
                .isEqualTo(1);
        Clusters.awaitEnded(jdbc, job, "succeeded");

        JsonNode status = read(created.getHeader("Location")).get("status");
        assertThat(status.get("phase").asString()).isEqualTo("Ready");
        assertThat(status.get("entraIntegration").get("managed").asBoolean()).isTrue();
        assertThat(status.get("entraIntegration").get("azureRbac").asBoolean()).isTrue();
        assertThat(status.get("entraIntegration").get("tenantId").asString()).isEqualTo(azure.tenantId());
        assertThat(status.get("localAccountsDisabled").asBoolean()).isTrue();
        assertThat(status.get("access").get("mode").asString()).isEqualTo("entra");
        assertThat(status.get("access").get("objectId").asString()).isEqualTo(pullBridgeObjectId());
        assertThat(status.get("access").get("tenantId").asString()).isEqualTo(azure.tenantId());
        assertThat(status.get("access").get("azureRbac").asBoolean()).isTrue();

        // On the wire: each call carried a token the emulated Entra ID issued to PullBridge's client, in the cluster's
        // tenant, for the AKS server application, whose claims say so.
        assertThat(apiServer.bearerTokens()).hasSize(2).allSatisfy(token -> {
            IssuedToken issued = azure.issuedTokens().stream().filter(one -> one.accessToken().equals(token))
                    .findFirst().orElseThrow();
            assertThat(issued.tenantId()).isEqualTo(azure.tenantId());
            assertThat(issued.clientId()).isEqualTo(TestPlatform.AZURE_CLIENT_ID);
            assertThat(issued.scope().split(" ")).contains(SCOPE);
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
            assertThat(claims.get("aud").asString()).isEqualTo(EmulatedManagedCluster.AKS_SERVER_ID);
            assertThat(claims.get("tid").asString()).isEqualTo(azure.tenantId());
        });
        azure.requests(RecordedRequest.Surface.TOKEN).stream()
                .filter(request -> request.body().contains(EmulatedManagedCluster.AKS_SERVER_ID + "%2F.default"))
                .forEach(request -> assertThat(request.path())
                        .isEqualToIgnoringCase("/" + azure.tenantId() + "/oauth2/v2.0/token"));
        assertThat(apiServer.requests()).containsExactly("GET /version", "GET /api/v1/namespaces?limit=500");
        // The admin credential is never asked for, and the user kubeconfig's plugin never run.
        assertThat(azure.callLines()).noneMatch(line -> line.contains("listClusterAdminCredential"))
                .anyMatch(line -> line.startsWith("POST " + aks.id() + "/listClusterUserCredential"));
    }

    @Test
    void aClusterWithLocalAccountsKeepsItsUserCredentialAndSaysSo() throws Exception {
        EmulatedManagedCluster aks = azure.addManagedCluster(subscription, "rg-entra", unique("local"))
                .userKubeconfig(apiServer.kubeconfig("local-user-token"));
        MockHttpServletResponse created = register(json("name", aks.name(), "kind", "aks", "resourceId", aks.id()));
        Clusters.awaitEnded(jdbc, Registries.jobOf(created), "succeeded");

        JsonNode status = read(created.getHeader("Location")).get("status");
        assertThat(status.get("access").get("mode").asString()).isEqualTo("local-account");
        assertThat(status.get("access").has("objectId")).isFalse();
        assertThat(status.has("entraIntegration")).isFalse();
        assertThat(status.get("localAccountsDisabled").asBoolean()).isFalse();
        Api.reader(mvc).get(created.getHeader("Location") + "/access-manifest")
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.type").value("https://pullbridge.io/problems/invalid-state"));
    }

    @Test
    void aForbiddenCallOnAnAzureRbacClusterSaysWhichRoleToAssignAndHow() throws Exception {
        EmulatedManagedCluster aks = entraOnly(true);
        apiServer.forbid("list", "namespaces", null);

        MockHttpServletResponse created = register(json("name", aks.name(), "kind", "aks", "resourceId", aks.id()));
        UUID job = Registries.jobOf(created);
        Clusters.awaitEnded(jdbc, job, "failed");

        JsonNode error = read("/api/v1/jobs/" + job).get("lastError");
        assertThat(error.get("type").asString()).isEqualTo("https://pullbridge.io/problems/kubernetes-forbidden");
        assertThat(error.get("detail").asString())
                .contains("User does not have access to the resource in Azure")
                .contains("Azure RBAC for Kubernetes authorizes on this cluster")
                .contains("\"Azure Kubernetes Service RBAC Writer\"")
                .contains("az role assignment create --assignee-object-id " + pullBridgeObjectId()
                        + " --assignee-principal-type ServicePrincipal --role \"PullBridge Kubernetes Data\" --scope "
                        + aks.id());
        assertThat(read(created.getHeader("Location")).get("status").get("access").get("objectId").asString())
                .isEqualTo(pullBridgeObjectId());
    }

    @Test
    void aForbiddenCallOnAKubernetesRbacClusterPointsAtTheAccessManifestWhichAnyRoleMayRead() throws Exception {
        EmulatedManagedCluster aks = entraOnly(false);
        apiServer.forbid("list", "namespaces", null);

        MockHttpServletResponse created = register(json("name", aks.name(), "kind", "aks", "resourceId", aks.id()));
        UUID job = Registries.jobOf(created);
        Clusters.awaitEnded(jdbc, job, "failed");
        String location = created.getHeader("Location");

        JsonNode error = read("/api/v1/jobs/" + job).get("lastError");
        assertThat(error.get("detail").asString())
                .contains("PullBridge's user " + pullBridgeObjectId() + " may not list namespaces")
                .contains("Kubernetes RBAC authorizes on this cluster")
                .contains("GET " + location + "/access-manifest");

        String manifest = ClusterAccess.manifest(pullBridgeObjectId());
        for (Api caller : List.of(Api.reader(mvc), Api.operator(mvc), Api.admin(mvc))) {
            caller.get(location + "/access-manifest")
                    .andExpect(status().isOk())
                    .andExpect(content().contentTypeCompatibleWith("application/yaml"))
                    .andExpect(content().string(manifest));
        }
        assertThat(manifest).contains("kind: ClusterRoleBinding").contains("name: \"" + pullBridgeObjectId() + "\"")
                .contains("resources: [\"secrets\"]\n    verbs: [\"get\", \"list\", \"create\", \"update\", \"delete\"]")
                .contains("resources: [\"serviceaccounts\"]\n    verbs: [\"get\", \"list\", \"patch\"]")
                .contains("resources: [\"namespaces\"]\n    verbs: [\"get\", \"list\"]")
                .contains("resources: [\"services\"]\n    verbs: [\"list\"]");
        Api.reader(mvc).get("/api/v1/clusters/" + UUID.randomUUID() + "/access-manifest")
                .andExpect(status().isNotFound());
        Api.as(mvc, "Auditor").get(location + "/access-manifest")
                .andExpect(status().isForbidden());
        mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders
                        .get(location + "/access-manifest"))
                .andExpect(status().isUnauthorized());
    }

    @Test
    void aKubeconfigWhoseUserRunsKubeloginIsSignedInToWithoutRunningIt() throws Exception {
        EmulatedManagedCluster aks = entraOnly(false);
        MockHttpServletResponse created = register(json("name", unique("kubelogin"), "kind", "kubeconfig",
                "kubeconfig", aks.userKubeconfig()));
        Clusters.awaitEnded(jdbc, Registries.jobOf(created), "succeeded");

        JsonNode body = read(created.getHeader("Location"));
        assertThat(body.get("status").get("phase").asString()).isEqualTo("Ready");
        assertThat(body.get("status").get("access").get("mode").asString()).isEqualTo("entra");
        assertThat(body.get("status").get("access").get("objectId").asString()).isEqualTo(pullBridgeObjectId());
        assertThat(body.get("status").get("access").has("azureRbac")).isFalse();
        assertThat(apiServer.requests()).containsExactly("GET /version", "GET /api/v1/namespaces?limit=500");
    }

    @Test
    void aTokenFromTheWrongTenantIsRefusedAndTheProblemSaysWhy() throws Exception {
        EmulatedManagedCluster aks = entraOnly(false);
        JsonNode error = connectionRefusedByAnotherTenant(aks);
        assertThat(error.get("detail").asString()).contains("refused PullBridge's Entra token, and a fresh one");
        // One call, one fresh token and one retry: never a loop.
        assertThat(apiServer.requests()).containsExactly("GET /version", "GET /version");
    }

    /**
     * Registers the cluster after making its API server trust another tenant than the one ARM names (and PullBridge
     * signs in to): the connect job fails with credentials refused; its error is returned.
     */
    private JsonNode connectionRefusedByAnotherTenant(EmulatedManagedCluster aks) throws Exception {
        aks.trustOnlyTenant(UUID.randomUUID().toString());
        MockHttpServletResponse created = register(json("name", aks.name(), "kind", "aks", "resourceId", aks.id()));
        UUID job = Registries.jobOf(created);
        Clusters.awaitEnded(jdbc, job, "failed");
        JsonNode error = read("/api/v1/jobs/" + job).get("lastError");
        assertThat(error.get("type").asString())
                .isEqualTo("https://pullbridge.io/problems/kubernetes-credentials-refused");
        return error;
    }

    @Test
    void aTokenRefusedOnAnAzureRbacClusterIsExplainedWithTheRoleAssignment() throws Exception {
        EmulatedManagedCluster aks = entraOnly(true);
        JsonNode error = connectionRefusedByAnotherTenant(aks);
        assertThat(error.get("detail").asString())
                .contains("refused PullBridge's Entra token, and a fresh one")
                .contains("Azure RBAC for Kubernetes authorizes on this cluster")
                .contains("az role assignment create --assignee-object-id " + pullBridgeObjectId()
                        + " --assignee-principal-type ServicePrincipal --role \"PullBridge Kubernetes Data\" --scope "
                        + aks.id())
                .doesNotContain("access-manifest");
    }

    @Test
    void aClusterInAnotherTenantIsSignedInToInThatTenant() throws Exception {
        String otherTenant = UUID.randomUUID().toString();
        EmulatedManagedCluster aks = entraOnly(true).entraTenant(otherTenant);
        azure.clearRequests();

        MockHttpServletResponse created = register(json("name", aks.name(), "kind", "aks", "resourceId", aks.id()));
        Clusters.awaitEnded(jdbc, Registries.jobOf(created), "succeeded");

        JsonNode status = read(created.getHeader("Location")).get("status");
        assertThat(status.get("phase").asString()).isEqualTo("Ready");
        assertThat(status.get("entraIntegration").get("tenantId").asString()).isEqualTo(otherTenant);
        assertThat(status.get("access").get("tenantId").asString()).isEqualTo(otherTenant);
        assertSignedInTo(otherTenant);
    }

    @Test
    void aKubeloginKubeconfigNamingAnotherTenantIsSignedInToInThatTenant() throws Exception {
        String otherTenant = UUID.randomUUID().toString();
        EmulatedManagedCluster aks = entraOnly(false).entraTenant(otherTenant);
        assertThat(aks.userKubeconfig()).contains("- --tenant-id\n      - " + otherTenant);
        azure.clearRequests();

        MockHttpServletResponse created = register(json("name", unique("kubelogin-tenant"), "kind", "kubeconfig",
                "kubeconfig", aks.userKubeconfig()));
        Clusters.awaitEnded(jdbc, Registries.jobOf(created), "succeeded");

        JsonNode status = read(created.getHeader("Location")).get("status");
        assertThat(status.get("access").get("mode").asString()).isEqualTo("entra");
        assertThat(status.get("access").get("tenantId").asString()).isEqualTo(otherTenant);
        assertSignedInTo(otherTenant);
    }

    @Test
    void anArcClusterWhoseKubeconfigRunsKubeloginIsSignedInTo() throws Exception {
        // The API server accepts only PullBridge's AKS-scope tokens of the tenant (the rules of entraOnly).
        entraOnly(false);
        String arcId = azure.addConnectedCluster(subscription, "rg-entra", unique("edge")).id();
        MockHttpServletResponse created = register(json("name", unique("arc-kubelogin"), "kind", "arc",
                "resourceId", arcId, "serviceCidr", "10.0.0.0/16",
                "kubeconfig", apiServer.kubeloginKubeconfig(EmulatedManagedCluster.AKS_SERVER_ID, azure.tenantId())));
        Clusters.awaitEnded(jdbc, Registries.jobOf(created), "succeeded");

        JsonNode status = read(created.getHeader("Location")).get("status");
        assertThat(status.get("phase").asString()).isEqualTo("Ready");
        assertThat(status.get("access").get("mode").asString()).isEqualTo("entra");
        assertThat(status.get("access").get("objectId").asString()).isEqualTo(pullBridgeObjectId());
        assertThat(apiServer.requests()).containsExactly("GET /version", "GET /api/v1/namespaces?limit=500");
    }

    @Test
    void aForbiddenCallOnAnArcClusterNamesItsResourceIdInTheGrant() throws Exception {
        entraOnly(false);
        apiServer.forbid("list", "namespaces", null);
        String arcId = azure.addConnectedCluster(subscription, "rg-entra", unique("edge")).id();
        MockHttpServletResponse created = register(json("name", unique("arc-kubelogin"), "kind", "arc",
                "resourceId", arcId, "serviceCidr", "10.0.0.0/16",
                "kubeconfig", apiServer.kubeloginKubeconfig(EmulatedManagedCluster.AKS_SERVER_ID, azure.tenantId())));
        UUID job = Registries.jobOf(created);
        Clusters.awaitEnded(jdbc, job, "failed");

        assertThat(read("/api/v1/jobs/" + job).get("lastError").get("detail").asString())
                .contains("--scope " + arcId)
                .contains("\"Azure Arc Kubernetes Writer\"")
                .doesNotContain("<cluster-resource-id>");
    }

    /** Every bearer the API server got, and every AKS-scope token request, was in {@code tenant}. */
    private void assertSignedInTo(String tenant) {
        assertThat(apiServer.bearerTokens()).isNotEmpty().allSatisfy(token -> {
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
            assertThat(claims.get("tid").asString()).isEqualTo(tenant);
            assertThat(claims.get("aud").asString()).isEqualTo(EmulatedManagedCluster.AKS_SERVER_ID);
        });
        assertThat(azure.requests(RecordedRequest.Surface.TOKEN).stream()
                .filter(request -> request.body().contains(EmulatedManagedCluster.AKS_SERVER_ID + "%2F.default")))
                .isNotEmpty()
                .allSatisfy(request -> assertThat(request.path())
                        .isEqualToIgnoringCase("/" + tenant + "/oauth2/v2.0/token"));
    }
}
