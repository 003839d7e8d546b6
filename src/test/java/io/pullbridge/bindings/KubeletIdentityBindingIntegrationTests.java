package io.pullbridge.bindings;

import io.pullbridge.common.ResourceKinds;
import io.pullbridge.jobs.JobRequest;
import io.pullbridge.jobs.JobService;
import io.pullbridge.support.Api;
import io.pullbridge.support.DeleteJobs;
import io.pullbridge.support.IntegrationTest;
import io.pullbridge.support.Registries;
import io.pullbridge.support.TestPlatform;
import io.pullbridge.support.azure.AzureEmulator;
import io.pullbridge.support.azure.EmulatedManagedCluster;
import io.pullbridge.support.azure.GraphServicePrincipal;
import io.pullbridge.support.azure.RoleAssignment;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * kubelet-identity bindings (AKS attach-acr) through the API, against the Azure emulator and the real SDK: attach,
 * ABAC, adoption, drift repair, a changed kubelet identity, verification, failures, and detach that removes only
 * what PullBridge made.
 */
@IntegrationTest
class KubeletIdentityBindingIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String ACR_PULL = "7f951dda-4ed3-4680-a7ca-43fe172d538d";
    private static final String REPOSITORY_READER = "b93aa761-3e63-49ed-ac28-beffa264f7ac";

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    JobService jobs;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    BindingReconciliation reconciliation;

    @Autowired
    ObjectMapper json;

    AzureEmulator azure = AzureEmulator.shared();

    String subscription;
    String registryResourceId;
    UUID registryId;
    EmulatedManagedCluster aks;
    UUID clusterId;

    @BeforeEach
    void registryAndCluster() throws Exception {
        subscription = UUID.randomUUID().toString();
        String registryName = "acr" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        registryResourceId = Registries.seeded(subscription, "rg-shared", registryName);
        aks = azure.addManagedCluster(subscription, "rg-aks", "aks-" + registryName);
        registryId = Registries.registered(mvc, jdbc, registryResourceId).id();
        clusterId = registerCluster(aks);
    }

    @Test
    void attachGrantsAcrPullToTheKubeletIdentityAtTheRegistryUnderADeterministicName() throws Exception {
        azure.clearRequests();
        UUID binding = bind();
        String job = awaitLatestJob(binding, "succeeded");

        List<RoleAssignment> held = azure.roleAssignmentsOf(aks.kubeletObjectId());
        assertThat(held).singleElement().satisfies(assignment -> {
            assertThat(assignment.roleDefinitionGuid()).isEqualTo(ACR_PULL);
            assertThat(assignment.scope()).isEqualToIgnoringCase(registryResourceId);
            assertThat(assignment.principalType()).isEqualTo("ServicePrincipal");
        });
        RoleAssignment assignment = held.get(0);
        String expectedName = UUID.nameUUIDFromBytes((registryResourceId.toLowerCase() + "|" + aks.kubeletObjectId()
                + "|" + ACR_PULL).getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
        assertThat(assignment.name()).isEqualTo(expectedName);
        assertThat(azure.callLines()).anySatisfy(line -> assertThat(line)
                .startsWith("PUT " + registryResourceId + "/providers/Microsoft.Authorization/roleAssignments/"
                        + expectedName));
        assertThat(azure.callLines()).anySatisfy(line -> assertThat(line)
                .startsWith("GET " + aks.id()));

        Api.reader(mvc).get("/api/v1/bindings/" + binding)
                .andExpect(jsonPath("$.status.phase").value("Ready"))
                .andExpect(jsonPath("$.status.roleAssignment.role").value("AcrPull"))
                .andExpect(jsonPath("$.status.roleAssignment.principalObjectId").value(aks.kubeletObjectId()))
                .andExpect(jsonPath("$.status.roleAssignment.createdByPullBridge").value(true))
                .andExpect(jsonPath("$.status.roleAssignment.id").value(assignment.id()))
                .andExpect(jsonPath("$.status.conditions[?(@.type == 'RoleAssigned')].status").value("True"))
                .andExpect(jsonPath("$.status.drift").isEmpty())
                .andExpect(jsonPath("$.status.reconciledAt").exists());
        Api.reader(mvc).get(job)
                .andExpect(jsonPath("$.steps[*].name").value(org.hamcrest.Matchers.contains(
                        "read-cluster", "read-registry", "assign-role", "record")));
    }

    @Test
    void anAbacRegistryGetsRepositoryReaderInsteadOfAcrPull() throws Exception {
        azure.registry(registryResourceId).orElseThrow().abacEnabled(true);

        UUID binding = bind();
        awaitLatestJob(binding, "succeeded");

        assertThat(azure.roleAssignmentsOf(aks.kubeletObjectId())).singleElement()
                .satisfies(a -> assertThat(a.roleDefinitionGuid()).isEqualTo(REPOSITORY_READER));
        Api.reader(mvc).get("/api/v1/bindings/" + binding)
                .andExpect(jsonPath("$.status.roleAssignment.role").value("Container Registry Repository Reader"));
    }

    @Test
    void deleteRemovesTheAssignmentPullBridgeCreatedAndSaysSo() throws Exception {
        UUID binding = bind();
        awaitLatestJob(binding, "succeeded");
        assertThat(azure.roleAssignmentsOf(aks.kubeletObjectId())).hasSize(1);

        UUID job = DeleteJobs.accepted(Api.operator(mvc).delete("/api/v1/bindings/" + binding));
        DeleteJobs.awaitSucceeded(jdbc, job);

        assertThat(azure.roleAssignmentsOf(aks.kubeletObjectId())).isEmpty();
        Api.reader(mvc).get("/api/v1/jobs/" + job)
                .andExpect(jsonPath("$.steps[?(@.name == 'detach')].detail").value(org.hamcrest.Matchers.contains(
                        containsString("which PullBridge had created"))));
        Api.reader(mvc).get("/api/v1/bindings/" + binding).andExpect(status().isNotFound());
    }

    @Test
    void anAssignmentThatAlreadyExistedIsAdoptedAndLeftInPlaceOnDelete() throws Exception {
        RoleAssignment theirs = azure.addRoleAssignment(registryResourceId, UUID.randomUUID().toString(), ACR_PULL,
                aks.kubeletObjectId(), "ServicePrincipal");

        UUID binding = bind();
        awaitLatestJob(binding, "succeeded");
        Api.reader(mvc).get("/api/v1/bindings/" + binding)
                .andExpect(jsonPath("$.status.roleAssignment.id").value(theirs.id()))
                .andExpect(jsonPath("$.status.roleAssignment.createdByPullBridge").value(false))
                .andExpect(jsonPath("$.status.conditions[?(@.type == 'RoleAssigned')].reason").value("Adopted"));
        assertThat(azure.roleAssignmentsOf(aks.kubeletObjectId())).hasSize(1);

        UUID job = DeleteJobs.accepted(Api.operator(mvc).delete("/api/v1/bindings/" + binding));
        DeleteJobs.awaitSucceeded(jdbc, job);

        assertThat(azure.roleAssignmentsOf(aks.kubeletObjectId())).extracting(RoleAssignment::id)
                .containsExactly(theirs.id());
        Api.reader(mvc).get("/api/v1/jobs/" + job)
                .andExpect(jsonPath("$.steps[?(@.name == 'detach')].detail").value(org.hamcrest.Matchers.contains(
                        containsString("in place: it existed before PullBridge adopted it"))));
    }

    @Test
    void reconciliationPutsBackAnAssignmentSomeoneRemoved() throws Exception {
        UUID binding = bind();
        awaitLatestJob(binding, "succeeded");
        String removed = azure.roleAssignmentsOf(aks.kubeletObjectId()).get(0).id();
        azure.removeRoleAssignment(removed);

        assertThat(reconciliation.reconcileRequests()).anySatisfy(request -> {
            assertThat(request.type()).isEqualTo(BindingJobs.RECONCILE);
            assertThat(request.targetId()).isEqualTo(binding);
        });
        reconcile(binding);

        assertThat(azure.roleAssignmentsOf(aks.kubeletObjectId())).singleElement()
                .satisfies(a -> assertThat(a.id()).isEqualToIgnoringCase(removed));
        Api.reader(mvc).get("/api/v1/bindings/" + binding)
                .andExpect(jsonPath("$.status.phase").value("Ready"))
                .andExpect(jsonPath("$.status.drift[0]").value(containsString("was removed outside PullBridge")));

        reconcile(binding);
        Api.reader(mvc).get("/api/v1/bindings/" + binding).andExpect(jsonPath("$.status.drift").isEmpty());
    }

    @Test
    void aChangedKubeletIdentityGetsTheRoleAndTheOldAssignmentGoes() throws Exception {
        UUID binding = bind();
        awaitLatestJob(binding, "succeeded");
        String oldObjectId = aks.kubeletObjectId();
        String newObjectId = UUID.randomUUID().toString();
        aks.kubeletIdentity(UUID.randomUUID().toString(), newObjectId);

        reconcile(binding);

        assertThat(azure.roleAssignmentsOf(oldObjectId)).isEmpty();
        assertThat(azure.roleAssignmentsOf(newObjectId)).singleElement()
                .satisfies(a -> assertThat(a.roleDefinitionGuid()).isEqualTo(ACR_PULL));
        Api.reader(mvc).get("/api/v1/bindings/" + binding)
                .andExpect(jsonPath("$.status.roleAssignment.principalObjectId").value(newObjectId))
                .andExpect(jsonPath("$.status.drift[0]").value(containsString("kubelet identity changed from "
                        + oldObjectId + " to " + newObjectId)));
    }

    @Test
    void clustersSharingAKubeletIdentityShareOneAssignmentWhichGoesWithTheLastBinding() throws Exception {
        EmulatedManagedCluster twin = azure.addManagedCluster(subscription, "rg-aks", "twin-" + aks.name());
        twin.kubeletIdentity(aks.kubeletClientId(), aks.kubeletObjectId());
        UUID twinCluster = registerCluster(twin);
        UUID first = bind();
        awaitLatestJob(first, "succeeded");
        UUID second = bind(twinCluster);
        awaitLatestJob(second, "succeeded");
        RoleAssignment shared = azure.roleAssignmentsOf(aks.kubeletObjectId()).get(0);
        assertThat(azure.roleAssignmentsOf(aks.kubeletObjectId())).as("one assignment for both").hasSize(1);
        for (UUID binding : List.of(first, second)) {
            Api.reader(mvc).get("/api/v1/bindings/" + binding)
                    .andExpect(jsonPath("$.status.roleAssignment.id").value(shared.id()))
                    .andExpect(jsonPath("$.status.roleAssignment.createdByPullBridge").value(true));
        }

        UUID firstDelete = DeleteJobs.accepted(Api.operator(mvc).delete("/api/v1/bindings/" + first));
        DeleteJobs.awaitSucceeded(jdbc, firstDelete);

        assertThat(azure.roleAssignmentsOf(aks.kubeletObjectId())).as("the assignment the other binding needs")
                .extracting(RoleAssignment::id).containsExactly(shared.id());
        Api.reader(mvc).get("/api/v1/jobs/" + firstDelete)
                .andExpect(jsonPath("$.steps[?(@.name == 'detach')].detail").value(org.hamcrest.Matchers.contains(
                        containsString("in place: binding " + second + " still needs it"))));
        String verify = Api.operator(mvc).post("/api/v1/bindings/" + second + ":verify", "")
                .andExpect(status().isAccepted()).andReturn().getResponse().getHeader("Operation-Location");
        awaitJob(verify, "succeeded");

        UUID secondDelete = DeleteJobs.accepted(Api.operator(mvc).delete("/api/v1/bindings/" + second));
        DeleteJobs.awaitSucceeded(jdbc, secondDelete);

        assertThat(azure.roleAssignmentsOf(aks.kubeletObjectId())).as("after the last binding went").isEmpty();
        Api.reader(mvc).get("/api/v1/jobs/" + secondDelete)
                .andExpect(jsonPath("$.steps[?(@.name == 'detach')].detail").value(org.hamcrest.Matchers.contains(
                        containsString("which PullBridge had created"))));
    }

    @Test
    void anAssignmentAnotherBindingHasClaimedButNotYetRecordedStays() throws Exception {
        EmulatedManagedCluster twin = azure.addManagedCluster(subscription, "rg-aks", "twin-" + aks.name());
        twin.kubeletIdentity(aks.kubeletClientId(), aks.kubeletObjectId());
        UUID first = bind();
        awaitLatestJob(first, "succeeded");
        UUID second = bind(registerCluster(twin));
        awaitLatestJob(second, "succeeded");
        // As the second binding's job leaves it between its assign-role step (which claims the assignment under the
        // assignment's lock) and its record step.
        jdbc.sql("update bindings set kubelet_assignment = null where id = ?").param(second).update();

        UUID firstDelete = DeleteJobs.accepted(Api.operator(mvc).delete("/api/v1/bindings/" + first));
        DeleteJobs.awaitSucceeded(jdbc, firstDelete);

        assertThat(azure.roleAssignmentsOf(aks.kubeletObjectId())).hasSize(1);
    }

    @Test
    void aKubeletIdentityThatMovesOnLeavesTheOldAssignmentToTheBindingStillUsingIt() throws Exception {
        EmulatedManagedCluster twin = azure.addManagedCluster(subscription, "rg-aks", "twin-" + aks.name());
        String sharedObjectId = aks.kubeletObjectId();
        twin.kubeletIdentity(aks.kubeletClientId(), sharedObjectId);
        UUID twinCluster = registerCluster(twin);
        UUID first = bind();
        awaitLatestJob(first, "succeeded");
        UUID second = bind(twinCluster);
        awaitLatestJob(second, "succeeded");
        String newObjectId = UUID.randomUUID().toString();
        aks.kubeletIdentity(UUID.randomUUID().toString(), newObjectId);

        String job = reconcile(first);

        assertThat(azure.roleAssignmentsOf(newObjectId)).hasSize(1);
        assertThat(azure.roleAssignmentsOf(sharedObjectId)).as("the twin cluster's binding still needs it").hasSize(1);
        Api.reader(mvc).get(job)
                .andExpect(jsonPath("$.steps[?(@.name == 'remove-stale-assignment')].detail").value(
                        org.hamcrest.Matchers.contains(containsString("binding " + second + " still needs it"))));

        UUID secondDelete = DeleteJobs.accepted(Api.operator(mvc).delete("/api/v1/bindings/" + second));
        DeleteJobs.awaitSucceeded(jdbc, secondDelete);
        assertThat(azure.roleAssignmentsOf(sharedObjectId)).isEmpty();
        assertThat(azure.roleAssignmentsOf(newObjectId)).as("the first binding's own").hasSize(1);
    }

    @Test
    void aServicePrincipalClusterGrantsTheRoleToItsPrincipalResolvedThroughGraph() throws Exception {
        GraphServicePrincipal principal = azure.addServicePrincipal("aks-sp-" + UUID.randomUUID());
        aks.servicePrincipal(principal.appId());

        UUID binding = bind();
        awaitLatestJob(binding, "succeeded");

        assertThat(azure.roleAssignmentsOf(principal.id())).singleElement()
                .satisfies(a -> assertThat(a.roleDefinitionGuid()).isEqualTo(ACR_PULL));
        Api.reader(mvc).get("/api/v1/bindings/" + binding)
                .andExpect(jsonPath("$.status.roleAssignment.principalObjectId").value(principal.id()));
    }

    @Test
    void verificationProvesTheAssignmentAndReportsWhenItIsGone() throws Exception {
        UUID binding = bind();
        awaitLatestJob(binding, "succeeded");

        String verify = Api.operator(mvc).post("/api/v1/bindings/" + binding + ":verify", "")
                .andExpect(status().isAccepted())
                .andExpect(header().exists("Operation-Location"))
                .andExpect(jsonPath("$.type").value("binding.verify"))
                .andReturn().getResponse().getHeader("Operation-Location");
        awaitJob(verify, "succeeded");
        Api.reader(mvc).get("/api/v1/bindings/" + binding)
                .andExpect(jsonPath("$.status.conditions[?(@.type == 'Verified')].status").value("True"));

        azure.removeRoleAssignment(azure.roleAssignmentsOf(aks.kubeletObjectId()).get(0).id());
        String again = Api.operator(mvc).post("/api/v1/bindings/" + binding + ":verify", "")
                .andExpect(status().isAccepted()).andReturn().getResponse().getHeader("Operation-Location");
        JsonNode failed = awaitJob(again, "failed");
        assertThat(failed.at("/lastError/type").asText()).isEqualTo("https://pullbridge.io/problems/binding-not-effective");
        assertThat(failed.at("/lastError/detail").asText()).contains("does not exist");
        Api.reader(mvc).get("/api/v1/bindings/" + binding)
                .andExpect(jsonPath("$.status.conditions[?(@.type == 'Verified')].status").value("False"));
        assertThat(azure.roleAssignmentsOf(aks.kubeletObjectId())).as("verification changes nothing").isEmpty();
    }

    @Test
    void withoutRoleAssignmentWriteTheBindingFailsNamingThePermissionAndScope() throws Exception {
        azure.denyRoleAssignmentWrite(TestPlatform.AZURE_CLIENT_ID, registryResourceId);

        UUID binding = bind();
        awaitLatestJob(binding, "failed");

        Api.reader(mvc).get("/api/v1/bindings/" + binding)
                .andExpect(jsonPath("$.status.phase").value("Failed"))
                .andExpect(jsonPath("$.status.message").value(containsString(
                        "Microsoft.Authorization/roleAssignments/write")));
        JsonNode job = latestJob(binding);
        assertThat(job.at("/lastError/type").asText())
                .isEqualTo("https://pullbridge.io/problems/azure-authorization-failed");
        assertThat(job.at("/lastError/remoteRequestId").asText()).isNotBlank();
        assertThat(azure.roleAssignmentsOf(aks.kubeletObjectId())).isEmpty();
    }

    @Test
    void aClusterThatIsGoneFromAzureFailsClearly() throws Exception {
        EmulatedManagedCluster ghost = azure.addManagedCluster(subscription, "rg-aks", "ghost-" + clusterId
                .toString().substring(0, 8));
        UUID ghostCluster = registerCluster(ghost);
        jdbc.sql("update clusters set resource_id = ? where id = ?")
                .params(ghost.id().replace("ghost-", "gone-"), ghostCluster).update();

        UUID binding = UUID.fromString(json.readTree(Api.operator(mvc).post("/api/v1/bindings", """
                {"registryId": "%s", "clusterId": "%s", "method": "kubelet-identity"}""".formatted(registryId,
                ghostCluster)).andExpect(status().isAccepted()).andReturn().getResponse().getContentAsString())
                .get("id").asText());
        awaitLatestJob(binding, "failed");
        assertThat(latestJob(binding).at("/lastError/type").asText())
                .isEqualTo("https://pullbridge.io/problems/azure-cluster-not-found");
    }

    private UUID registerCluster(EmulatedManagedCluster cluster) throws Exception {
        String body = Api.admin(mvc).post("/api/v1/clusters", """
                {"name": "%s", "kind": "aks", "resourceId": "%s"}""".formatted(cluster.name(), cluster.id()))
                .andExpect(status().isAccepted()).andReturn().getResponse().getContentAsString();
        return UUID.fromString(json.readTree(body).get("id").asText());
    }

    private UUID bind() throws Exception {
        return bind(clusterId);
    }

    private UUID bind(UUID cluster) throws Exception {
        String body = Api.operator(mvc).post("/api/v1/bindings", """
                {"registryId": "%s", "clusterId": "%s", "method": "kubelet-identity"}""".formatted(registryId,
                cluster))
                .andExpect(status().isAccepted())
                .andExpect(header().string("Operation-Location", org.hamcrest.Matchers.startsWith("/api/v1/jobs/")))
                .andReturn().getResponse().getContentAsString();
        return UUID.fromString(json.readTree(body).get("id").asText());
    }

    private String reconcile(UUID binding) throws Exception {
        UUID job = tx.execute(status -> jobs.enqueue(JobRequest.of(BindingJobs.RECONCILE, ResourceKinds.BINDING,
                binding)).id());
        awaitJob("/api/v1/jobs/" + job, "succeeded");
        return "/api/v1/jobs/" + job;
    }

    private JsonNode latestJob(UUID binding) throws Exception {
        String body = Api.reader(mvc).get("/api/v1/jobs?targetId=" + binding).andReturn().getResponse()
                .getContentAsString();
        JsonNode items = json.readTree(body).get("items");
        return items.get(items.size() - 1);
    }

    private String awaitLatestJob(UUID binding, String state) throws Exception {
        String[] location = new String[1];
        await("the binding's job to end " + state).atMost(TIMEOUT).until(() -> {
            try {
                JsonNode job = latestJob(binding);
                location[0] = "/api/v1/jobs/" + job.get("id").asText();
                String current = job.get("state").asText();
                if (!current.equals(state) && List.of("succeeded", "failed", "cancelled").contains(current)) {
                    throw new AssertionError("job ended " + current + ": " + job);
                }
                return current.equals(state);
            } catch (AssertionError e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        return location[0];
    }

    private JsonNode awaitJob(String location, String state) {
        JsonNode[] job = new JsonNode[1];
        await("job " + location + " to end " + state).atMost(TIMEOUT).until(() -> {
            try {
                job[0] = json.readTree(Api.reader(mvc).get(location).andReturn().getResponse().getContentAsString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            String current = job[0].get("state").asText();
            if (!current.equals(state) && List.of("succeeded", "failed", "cancelled").contains(current)) {
                throw new AssertionError("job ended " + current + ": " + job[0]);
            }
            return current.equals(state);
        });
        return job[0];
    }
}
