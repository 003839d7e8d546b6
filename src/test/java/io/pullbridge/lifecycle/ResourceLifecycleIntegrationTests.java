package io.pullbridge.lifecycle;

import com.github.kagkarlsson.scheduler.testhelper.ManualScheduler;
import io.pullbridge.jobs.FailureClass;
import io.pullbridge.jobs.JobProblem;
import io.pullbridge.jobs.JobState;
import io.pullbridge.jobs.JobStateChanged;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.support.TransactionTemplate;
import com.jayway.jsonpath.JsonPath;
import io.pullbridge.support.Api;
import io.pullbridge.support.DeleteJobs;
import io.pullbridge.support.IntegrationTest;
import io.pullbridge.support.ManualScheduling;
import io.pullbridge.support.Registries;
import io.pullbridge.web.RequestContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Deletes as users see them: DELETE answers at once with the resource {@code Deleting}, the resource can no longer
 * change or be used, and its delete job removes it, or fails and says why. The scheduler is manual, so each delete
 * job runs exactly when the test says.
 */
@IntegrationTest
@Import(ManualScheduling.class)
class ResourceLifecycleIntegrationTests {

    private static final String INVALID_STATE = "https://pullbridge.io/problems/invalid-state";
    private static final String OPERATOR = "user-operator";
    private static final String SUBSCRIPTION = "1d3c5a4b-0000-4000-8000-000000000001";

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ManualScheduler scheduler;

    @Autowired
    DataSource dataSource;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    ApplicationEventPublisher events;

    private final ExecutorService background = Executors.newSingleThreadExecutor();

    @AfterEach
    void stopBackground() {
        background.shutdownNow();
    }

    @Test
    void aDeletedRegistryIsDeletingRefusesNewUsersAndGoesWhenItsJobHasRun() throws Exception {
        Api operator = Api.operator(mvc);
        UUID registry = createRegistry();
        UUID healthy = createRegistry();
        UUID cluster = createAksCluster();
        UUID principal = createPrincipal(healthy);
        String location = "/api/v1/registries/" + registry;

        long version = count("select version from registries where id = ?", registry);
        UUID job = DeleteJobs.accepted(operator.delete(location)
                .andExpect(header().string(HttpHeaders.ETAG, "\"" + (version + 1) + "\""))
                .andExpect(jsonPath("$.id").value(registry.toString()))
                .andExpect(jsonPath("$.status.message").value("Waiting for PullBridge to remove what it created")));
        Api.reader(mvc).get("/api/v1/jobs/" + job)
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.type").value("registry.delete"))
                .andExpect(jsonPath("$.state").value("queued"))
                .andExpect(jsonPath("$.target.kind").value("registry"))
                .andExpect(jsonPath("$.target.id").value(registry.toString()))
                .andExpect(jsonPath("$.requestedBy").value(OPERATOR));
        Api.reader(mvc).get(location)
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status.phase").value("Deleting"))
                .andExpect(jsonPath("$.status.jobId").value(job.toString()));

        // Asking again while the job waits returns the same job.
        assertThat(DeleteJobs.accepted(operator.delete(location))).isEqualTo(job);

        problem(operator.post(location + "/tokens", """
                        {"name": "late-token", "repositories": {"team-a/*": ["content/read"]}}"""))
                .andExpect(jsonPath("$.detail", containsString("registry " + registry + " is being deleted")));
        problem(operator.post("/api/v1/service-principals", """
                        {"mode": "create", "displayName": "late-%s",
                         "grants": [{"registryId": "%s", "role": "acrpull"}, {"registryId": "%s", "role": "acrpull"}]}"""
                        .formatted(UUID.randomUUID(), healthy, registry)))
                .andExpect(jsonPath("$.errors[0].field").value("grants[1].registryId"))
                .andExpect(jsonPath("$.errors[0].message", containsString(registry.toString())));
        String principalBefore = row("service_principals", principal);
        problem(operator.patch("/api/v1/service-principals/" + principal, """
                        {"grants": [{"registryId": "%s", "role": "acrpull"}, {"registryId": "%s", "role": "acrpull"}]}"""
                        .formatted(healthy, registry)))
                .andExpect(jsonPath("$.errors[0].field").value("grants[1].registryId"));
        assertThat(row("service_principals", principal)).isEqualTo(principalBefore);
        problem(operator.post("/api/v1/bindings", """
                        {"registryId": "%s", "clusterId": "%s", "method": "kubelet-identity"}"""
                        .formatted(registry, cluster)))
                .andExpect(jsonPath("$.errors[0].field").value("registryId"));
        assertThat(count("select count(*) from registry_tokens where registry_id = ?", registry)).isZero();
        assertThat(count("select count(*) from service_principal_grants where registry_id = ?", registry)).isZero();
        assertThat(count("select count(*) from bindings where registry_id = ?", registry)).isZero();

        scheduler.runAnyDueExecutions();

        Api.reader(mvc).get(location).andExpect(status().isNotFound());
        assertThat(count("select count(*) from registries where id = ?", registry)).isZero();
        Api.reader(mvc).get("/api/v1/jobs/" + job)
                .andExpect(jsonPath("$.state").value("succeeded"))
                .andExpect(jsonPath("$.steps[*].name", contains("check-references", "remove-record")))
                .andExpect(jsonPath("$.steps[*].state", everyItem(is("succeeded"))));
        assertThat(jdbc.sql("select action || ' by ' || actor from audit_events where resource_id = ? order by seq")
                .param(registry.toString()).query(String.class).list()).containsExactly(
                        "registry.create by " + OPERATOR,
                        "job.start by " + RequestContext.SYSTEM_ACTOR,
                        "job.end by " + RequestContext.SYSTEM_ACTOR,
                        "registry.delete-requested by " + OPERATOR,
                        "registry.delete-requested by " + OPERATOR,
                        "job.start by " + RequestContext.SYSTEM_ACTOR,
                        "registry.delete by " + OPERATOR,
                        "job.end by " + RequestContext.SYSTEM_ACTOR);
        Api.reader(mvc).get("/api/v1/registries/" + healthy)
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status.phase").value("Ready"));
    }

    @Test
    void aDeletingClusterOrServicePrincipalCannotBeChanged() throws Exception {
        Api operator = Api.operator(mvc);
        Api admin = Api.admin(mvc);
        UUID cluster = createAksCluster();
        UUID principal = createPrincipal(createRegistry());
        String clusterLocation = "/api/v1/clusters/" + cluster;
        String principalLocation = "/api/v1/service-principals/" + principal;
        UUID clusterJob = DeleteJobs.accepted(admin.delete(clusterLocation));
        UUID principalJob = DeleteJobs.accepted(operator.delete(principalLocation));
        String clusterBefore = row("clusters", cluster);
        String principalBefore = row("service_principals", principal);

        problem(admin.patch(clusterLocation, "{\"name\": \"renamed-" + shortId() + "\"}"))
                .andExpect(jsonPath("$.detail", containsString("cluster " + cluster + " is being deleted")));
        problem(admin.perform(Api.jsonPatch(clusterLocation, "{\"serviceCidr\": \"10.0.0.0/16\"}")
                .header(HttpHeaders.IF_MATCH, etag(clusterLocation))));
        problem(operator.patch(principalLocation, "{\"passwordLifetime\": \"P30D\"}"))
                .andExpect(jsonPath("$.detail", containsString("service-principal " + principal + " is being deleted")));

        assertThat(row("clusters", cluster)).isEqualTo(clusterBefore);
        assertThat(row("service_principals", principal)).isEqualTo(principalBefore);
        Api.reader(mvc).get(clusterLocation).andExpect(jsonPath("$.status.phase").value("Deleting"));
        Api.reader(mvc).get(principalLocation).andExpect(jsonPath("$.status.phase").value("Deleting"));

        scheduler.runAnyDueExecutions();

        Api.reader(mvc).get(clusterLocation).andExpect(status().isNotFound());
        Api.reader(mvc).get(principalLocation).andExpect(status().isNotFound());
        assertThat(jobState(clusterJob)).isEqualTo("succeeded");
        assertThat(jobState(principalJob)).isEqualTo("succeeded");
    }

    @Test
    void aDeleteJobThatFindsTheResourceUsedAfterAllFailsSaysWhyAndSucceedsWhenRetried() throws Exception {
        Api operator = Api.operator(mvc);
        UUID registry = createRegistry();
        UUID cluster = createAksCluster();
        String location = "/api/v1/clusters/" + cluster;
        UUID job = DeleteJobs.accepted(Api.admin(mvc).delete(location));
        // A binding that slipped in after the DELETE was accepted (say, from an older replica).
        UUID binding = insertBinding(registry, cluster);

        scheduler.runAnyDueExecutions();

        Api.reader(mvc).get("/api/v1/jobs/" + job)
                .andExpect(jsonPath("$.state").value("failed"))
                .andExpect(jsonPath("$.failureClass").value("permanent"))
                .andExpect(jsonPath("$.lastError.type", endsWith("/resource-in-use")))
                .andExpect(jsonPath("$.lastError.detail", containsString("binding " + binding)))
                .andExpect(jsonPath("$.steps[0].name").value("check-references"))
                .andExpect(jsonPath("$.steps[0].state").value("failed"));
        Api.reader(mvc).get(location)
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status.phase").value("Deleting"))
                .andExpect(jsonPath("$.status.jobId").value(job.toString()))
                .andExpect(jsonPath("$.status.message", startsWith("Delete failed:")))
                .andExpect(jsonPath("$.status.message", containsString("binding " + binding)));
        assertThat(count("select count(*) from clusters where id = ?", cluster)).isOne();

        jdbc.sql("delete from bindings where id = ?").param(binding).update();
        operator.post("/api/v1/jobs/" + job + ":retry", "")
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.state").value("queued"));
        Api.reader(mvc).get(location).andExpect(jsonPath("$.status.jobId").value(job.toString()));

        scheduler.runAnyDueExecutions();

        Api.reader(mvc).get(location).andExpect(status().isNotFound());
        Api.reader(mvc).get("/api/v1/jobs/" + job)
                .andExpect(jsonPath("$.state").value("succeeded"))
                .andExpect(jsonPath("$.steps[*].name", contains("check-references", "check-references",
                        "remove-record")));
        assertThat(jdbc.sql("select detail from audit_events where action = 'cluster.delete' and resource_id = ?")
                .param(cluster.toString()).query(String.class).single()).startsWith("name=gone-");
    }

    @Test
    void whileTheDeleteJobRunsTheResourceNamesItAndSaysWhatItDoes() throws Exception {
        UUID registry = createRegistry();
        String location = "/api/v1/registries/" + registry;
        UUID job = DeleteJobs.accepted(Api.operator(mvc).delete(location));

        Future<?> run;
        // Holding a key-share lock on the row lets the job start but keeps it from removing the row.
        try (Connection holder = dataSource.getConnection()) {
            holder.setAutoCommit(false);
            try (PreparedStatement lock = holder.prepareStatement(
                    "select id from registries where id = ? for key share")) {
                lock.setObject(1, registry);
                lock.executeQuery().close();
            }
            try {
                run = background.submit(scheduler::runAnyDueExecutions);
                await("delete job " + job + " to start removing the record").atMost(Duration.ofSeconds(10))
                        .until(() -> count("""
                                select count(*) from jobs, jsonb_array_elements(steps) step
                                where id = ? and step->>'name' = 'remove-record' and step->>'state' = 'running'""",
                                job) == 1);

                Api.reader(mvc).get("/api/v1/jobs/" + job).andExpect(jsonPath("$.state").value("running"));
                Api.reader(mvc).get(location)
                        .andExpect(status().isOk())
                        .andExpect(jsonPath("$.status.phase").value("Deleting"))
                        .andExpect(jsonPath("$.status.jobId").value(job.toString()))
                        .andExpect(jsonPath("$.status.message").value("Removing what PullBridge created"));
            } finally {
                holder.rollback();
            }
        }
        run.get(10, TimeUnit.SECONDS);

        Api.reader(mvc).get(location).andExpect(status().isNotFound());
        assertThat(jobState(job)).isEqualTo("succeeded");
    }

    private ResultActions problem(ResultActions result) throws Exception {
        return result.andExpect(status().isConflict())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(INVALID_STATE));
    }

    @Test
    void onceDeletingOnlyTheDeleteJobMovesTheResourcesStatus() throws Exception {
        UUID registry = createRegistry();
        String deleteJob = Api.operator(mvc).delete("/api/v1/registries/" + registry)
                .andExpect(status().isAccepted()).andReturn().getResponse().getHeader("Operation-Location");
        String deleteJobId = deleteJob.substring(deleteJob.lastIndexOf('/') + 1);

        // An older job of the registry (say its create, retried) ends while the delete waits its turn.
        tx.executeWithoutResult(status -> events.publishEvent(new JobStateChanged(UUID.randomUUID(), "registry.create",
                "registry", registry, JobState.FAILED, JobProblem.of("azure-unavailable", "Azure is unavailable", 503,
                        "the read timed out", FailureClass.TRANSIENT), null)));

        Api.reader(mvc).get("/api/v1/registries/" + registry)
                .andExpect(jsonPath("$.status.phase").value("Deleting"))
                .andExpect(jsonPath("$.status.jobId").value(deleteJobId))
                .andExpect(jsonPath("$.status.message").value("Waiting for PullBridge to remove what it created"));
        scheduler.runAnyDueExecutions();
        Api.reader(mvc).get("/api/v1/registries/" + registry).andExpect(status().isNotFound());
    }

    /**
     * A registry that exists in Azure, registered and {@code Ready}: its create job is run here, as the engine runs
     * it right after the request, so the delete jobs below are the only ones queued.
     */
    private UUID createRegistry() throws Exception {
        String resourceId = Registries.seeded(UUID.randomUUID().toString(), "rg-lifecycle", "acr" + shortId());
        ResultActions created = Api.operator(mvc).post("/api/v1/registries", "{\"resourceId\": \"" + resourceId + "\"}")
                .andExpect(status().isAccepted());
        UUID job = Registries.jobOf(created.andReturn().getResponse());
        scheduler.runAnyDueExecutions();
        assertThat(jobState(job)).as("registry create job").isEqualTo("succeeded");
        return idOf(created);
    }

    private UUID createAksCluster() throws Exception {
        String name = "gone-" + shortId();
        return idOf(Api.admin(mvc).post("/api/v1/clusters", """
                        {"name": "%s", "kind": "aks",
                         "resourceId": "/subscriptions/%s/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/%s"}"""
                        .formatted(name, SUBSCRIPTION, name))
                .andExpect(status().isAccepted()));
    }

    private UUID createPrincipal(UUID registry) throws Exception {
        return idOf(Api.operator(mvc).post("/api/v1/service-principals", """
                        {"mode": "create", "displayName": "acr-pull-%s", "grants": [{"registryId": "%s", "role": "acrpull"}]}"""
                        .formatted(shortId(), registry))
                .andExpect(status().isAccepted()));
    }

    private UUID insertBinding(UUID registry, UUID cluster) {
        UUID id = UUID.randomUUID();
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.sql("""
                        insert into bindings (id, registry_id, cluster_id, method, phase, version, created_at, updated_at,
                          created_by)
                        values (?, ?, ?, 'kubelet-identity', 'Pending', 0, ?, ?, 'elsewhere')""")
                .params(id, registry, cluster, now, now).update();
        return id;
    }

    private String etag(String location) throws Exception {
        return Api.reader(mvc).get(location).andReturn().getResponse().getHeader(HttpHeaders.ETAG);
    }

    private String row(String table, UUID id) {
        return jdbc.sql("select row_to_json(t)::text from " + table + " t where id = ?").param(id)
                .query(String.class).single();
    }

    private String jobState(UUID job) {
        return jdbc.sql("select state from jobs where id = ?").param(job).query(String.class).single();
    }

    private long count(String sql, UUID id) {
        return jdbc.sql(sql).param(id).query(Long.class).single();
    }

    private static UUID idOf(ResultActions created) throws Exception {
        return UUID.fromString(JsonPath.read(created.andReturn().getResponse().getContentAsString(), "$.id"));
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
