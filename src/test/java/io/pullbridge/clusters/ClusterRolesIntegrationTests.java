package io.pullbridge.clusters;

import io.pullbridge.support.Api;
import io.pullbridge.support.Clusters;
import io.pullbridge.support.DeleteJobs;
import io.pullbridge.support.IntegrationTest;
import io.pullbridge.support.Registries;
import io.pullbridge.support.azure.AzureEmulator;
import io.pullbridge.support.azure.EmulatedManagedCluster;
import io.pullbridge.support.kube.EmulatedCluster;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import tools.jackson.databind.json.JsonMapper;

import static io.pullbridge.clusters.TestKubeconfigs.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Clusters are infrastructure: every endpoint of {@code /api/v1/clusters} for each role, with the problem a refused
 * caller gets, and proof that a refusal stored nothing, changed nothing and started no job. Operators keep reading
 * clusters and binding registries to them.
 */
@IntegrationTest
class ClusterRolesIntegrationTests {

    private static final String FORBIDDEN = "https://pullbridge.io/problems/forbidden";
    private static final String PROBLEM = "application/problem+json";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    Clusters.Registered cluster;

    @BeforeEach
    void aRegisteredCluster() throws Exception {
        cluster = Clusters.registered(mvc, jdbc, unique("roles"));
    }

    @Test
    void onlyAnAdminRegistersACluster() throws Exception {
        String name = unique("new");
        String body = JSON.writeValueAsString(Map.of("name", name, "kind", "kubeconfig",
                "kubeconfig", EmulatedCluster.shared().kubeconfig(TOKEN)));
        long jobsBefore = count("select count(*) from jobs where type = 'cluster.connect'");

        forbidden(Api.reader(mvc).post("/api/v1/clusters", body))
                .andExpect(jsonPath("$.detail").value("Your token's roles do not allow POST /api/v1/clusters"));
        forbidden(Api.operator(mvc).post("/api/v1/clusters", body))
                .andExpect(jsonPath("$.detail").value("Your token's roles do not allow this: "
                        + ClusterController.REGISTER_RULE));

        assertThat(count("select count(*) from clusters where name = ?", name)).as("clusters stored").isZero();
        assertThat(count("select count(*) from jobs where type = 'cluster.connect'")).as("connect jobs")
                .isEqualTo(jobsBefore);
        assertThat(jdbc.sql("select actor || ' ' || outcome || ' ' || http_status from audit_events "
                        + "where action = 'POST /api/v1/clusters' order by occurred_at").query(String.class).list())
                .contains("user-reader denied 403", "user-operator denied 403");
        assertThat(jdbc.sql("select detail from audit_events where action = 'POST /api/v1/clusters' "
                + "and actor = 'user-operator'").query(String.class).list())
                .allSatisfy(detail -> assertThat(detail).contains("reserved to Admin").doesNotContain(TOKEN));

        Api.admin(mvc).post("/api/v1/clusters", body).andExpect(status().isAccepted())
                .andExpect(jsonPath("$.createdBy").value("user-admin"));
    }

    @Test
    void onlyAnAdminChangesAnyFieldOfACluster() throws Exception {
        String before = row(cluster.id());
        long jobsBefore = jobsOf(cluster.id());
        List<String> changes = List.of(
                JSON.writeValueAsString(Map.of("name", unique("renamed"))),
                JSON.writeValueAsString(Map.of("serviceCidr", "0.0.0.0/0")),
                JSON.writeValueAsString(Map.of("kubeconfig", TestKubeconfigs.valid())),
                // The kubeconfig it already has: answering 200 here would tell an Operator that a guess was right.
                JSON.writeValueAsString(Map.of("kubeconfig", EmulatedCluster.shared().kubeconfig())),
                JSON.writeValueAsString(Map.of("kind", "aks")),
                JSON.writeValueAsString(Map.of("resourceId", "/subscriptions/" + UUID.randomUUID()
                        + "/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/x")));

        for (String change : changes) {
            forbidden(Api.reader(mvc).patch(cluster.location(), change))
                    .andExpect(jsonPath("$.detail").value("Your token's roles do not allow PATCH "
                            + cluster.location()));
            forbidden(Api.operator(mvc).perform(Api.jsonPatch(cluster.location(), change)
                    .header("If-Match", cluster.etag())))
                    .andExpect(jsonPath("$.detail").value("Your token's roles do not allow this: "
                            + ClusterController.CHANGE_RULE));
        }

        assertThat(row(cluster.id())).as("the cluster's row after refused changes").isEqualTo(before);
        assertThat(jobsOf(cluster.id())).as("jobs for the cluster").isEqualTo(jobsBefore);
        String renamed = unique("renamed");
        Api.admin(mvc).perform(Api.jsonPatch(cluster.location(), JSON.writeValueAsString(Map.of("name", renamed)))
                        .header("If-Match", cluster.etag()))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.name").value(renamed));
    }

    @Test
    void onlyAnAdminRemovesACluster() throws Exception {
        String before = row(cluster.id());
        long jobsBefore = jobsOf(cluster.id());

        forbidden(Api.reader(mvc).delete(cluster.location()))
                .andExpect(jsonPath("$.detail").value("Your token's roles do not allow DELETE " + cluster.location()));
        forbidden(Api.operator(mvc).delete(cluster.location()))
                .andExpect(jsonPath("$.detail").value("Your token's roles do not allow this: "
                        + ClusterController.REMOVE_RULE));

        assertThat(row(cluster.id())).as("the cluster's row after refused deletes").isEqualTo(before);
        assertThat(jobsOf(cluster.id())).as("jobs for the cluster").isEqualTo(jobsBefore);
        UUID job = DeleteJobs.accepted(Api.admin(mvc).delete(cluster.location()));
        DeleteJobs.awaitSucceeded(jdbc, job);
    }

    @Test
    void everyRoleReadsClusters() throws Exception {
        for (Api caller : List.of(Api.reader(mvc), Api.operator(mvc), Api.admin(mvc))) {
            caller.get(cluster.location()).andExpect(status().isOk())
                    .andExpect(jsonPath("$.id").value(cluster.id().toString()));
            caller.get("/api/v1/clusters?limit=500").andExpect(status().isOk())
                    .andExpect(jsonPath("$.items[?(@.id == '" + cluster.id() + "')]").exists());
        }
    }

    @Test
    void anOperatorBindsARegistryToAClusterAnAdminRegistered() throws Exception {
        AzureEmulator azure = AzureEmulator.shared();
        String subscription = UUID.randomUUID().toString();
        String name = "acr" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        UUID registry = Registries.registered(mvc, jdbc, Registries.seeded(subscription, "rg-shared", name)).id();
        EmulatedManagedCluster aks = azure.addManagedCluster(subscription, "rg-aks", "aks-" + name);
        String created = Api.admin(mvc).post("/api/v1/clusters", JSON.writeValueAsString(Map.of("name", aks.name(),
                        "kind", "aks", "resourceId", aks.id())))
                .andExpect(status().isAccepted()).andReturn().getResponse().getContentAsString();
        String aksCluster = JSON.readTree(created).get("id").asString();

        Api.reader(mvc).post("/api/v1/bindings", """
                        {"registryId": "%s", "clusterId": "%s", "method": "kubelet-identity"}""".formatted(registry,
                        aksCluster))
                .andExpect(status().isForbidden());
        Api.operator(mvc).post("/api/v1/bindings", """
                        {"registryId": "%s", "clusterId": "%s", "method": "kubelet-identity"}""".formatted(registry,
                        aksCluster))
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.clusterId").value(aksCluster));
    }

    private ResultActions forbidden(ResultActions result) throws Exception {
        return result.andExpect(status().isForbidden())
                .andExpect(content().contentType(PROBLEM))
                .andExpect(jsonPath("$.type").value(FORBIDDEN))
                .andExpect(jsonPath("$.status").value(403))
                .andExpect(jsonPath("$.detail", containsString("Your token's roles do not allow")));
    }

    private String row(UUID id) {
        return jdbc.sql("select row_to_json(c)::text from clusters c where id = ?").param(id).query(String.class)
                .single();
    }

    private long jobsOf(UUID id) {
        return count("select count(*) from jobs where target_id = ?", id);
    }

    private long count(String sql, Object... params) {
        return jdbc.sql(sql).params(params).query(Long.class).single();
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
