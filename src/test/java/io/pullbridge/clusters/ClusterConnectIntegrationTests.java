package io.pullbridge.clusters;

import io.pullbridge.jobs.JobRequest;
import io.pullbridge.jobs.JobService;
import io.pullbridge.common.ResourceKinds;
import io.pullbridge.support.Api;
import io.pullbridge.support.Clusters;
import io.pullbridge.support.IntegrationTest;
import io.pullbridge.support.Registries;
import io.pullbridge.support.SecretForms;
import io.pullbridge.support.azure.AzureEmulator;
import io.pullbridge.support.azure.EmulatedManagedCluster;
import io.pullbridge.support.kube.EmulatedCluster;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static io.pullbridge.clusters.ClusterIntegrationTests.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** Registering clusters connects to them: against emulated API servers and the Azure emulator, as a user sees it. */
@IntegrationTest
@ExtendWith(OutputCaptureExtension.class)
class ClusterConnectIntegrationTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    static EmulatedCluster cluster;

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    JobService jobs;

    @Autowired
    TransactionTemplate tx;

    @BeforeAll
    static void start() {
        cluster = EmulatedCluster.start("team-a", "team-b");
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private MockHttpServletResponse register(String body) throws Exception {
        return Api.admin(mvc).post("/api/v1/clusters", body)
                .andExpect(status().isAccepted())
                .andExpect(header().string("Operation-Location", org.hamcrest.Matchers.startsWith("/api/v1/jobs/")))
                .andReturn().getResponse();
    }

    private JsonNode read(String location) throws Exception {
        return JSON.readTree(Api.reader(mvc).get(location).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsString());
    }

    private JsonNode job(UUID job) throws Exception {
        return read("/api/v1/jobs/" + job);
    }

    private static JsonNode reachable(JsonNode cluster) {
        for (JsonNode condition : cluster.get("status").get("conditions")) {
            if (condition.get("type").asString().equals("Reachable")) {
                return condition;
            }
        }
        throw new AssertionError("no Reachable condition in " + cluster);
    }

    private static List<String> steps(JsonNode job) {
        return job.get("steps").valueStream().map(step -> step.get("name").asString() + ":"
                + step.get("state").asString()).toList();
    }

    @Test
    void registersAKubeconfigClusterAndRecordsWhatItsApiServerSays() throws Exception {
        cluster.clearRequests();
        MockHttpServletResponse created = register(json("name", unique("onprem"), "kind", "kubeconfig",
                "kubeconfig", cluster.kubeconfig()));
        UUID job = Registries.jobOf(created);
        Clusters.awaitEnded(jdbc, job, "succeeded");

        JsonNode body = read(created.getHeader("Location"));
        assertThat(body.get("status").get("phase").asString()).isEqualTo("Ready");
        assertThat(body.get("status").get("serverVersion").asString()).isEqualTo("v1.33.2");
        assertThat(body.get("status").get("namespaceCount").asInt()).isEqualTo(3);
        assertThat(body.get("status").get("message").asString()).isEqualTo("Kubernetes v1.33.2, 3 namespaces");
        assertThat(body.get("status").get("probedAt").isNull()).isFalse();
        JsonNode reachable = reachable(body);
        assertThat(reachable.get("status").asString()).isEqualTo("True");
        assertThat(reachable.get("reason").asString()).isEqualTo("Connected");
        assertThat(steps(job(job))).containsExactly("connect:succeeded");
        assertThat(cluster.requests()).containsExactly("GET /version", "GET /api/v1/namespaces?limit=500");
        assertThat(body.toString()).doesNotContain(EmulatedCluster.TOKEN);
    }

    @Test
    void registersAnAksClusterThroughAzureAndRecordsItsKubeletIdentity() throws Exception {
        String subscription = UUID.randomUUID().toString();
        AzureEmulator azure = AzureEmulator.shared();
        azure.addSubscription(subscription).addResourceGroup(subscription, "rg-aks");
        String name = unique("aks");
        EmulatedManagedCluster aks = azure.addManagedCluster(subscription, "rg-aks", name)
                .kubernetesVersion("1.33.2").location("northeurope")
                .userKubeconfig(cluster.kubeconfig("aks-user-token"));
        cluster.clearRequests();

        MockHttpServletResponse created = register(json("name", name, "kind", "aks", "resourceId", aks.id()));
        UUID job = Registries.jobOf(created);
        Clusters.awaitEnded(jdbc, job, "succeeded");

        JsonNode status = read(created.getHeader("Location")).get("status");
        assertThat(status.get("phase").asString()).isEqualTo("Ready");
        assertThat(status.get("kubernetesVersion").asString()).isEqualTo("1.33.2");
        assertThat(status.get("location").asString()).isEqualTo("northeurope");
        assertThat(status.get("kubeletIdentity").get("objectId").asString()).isEqualTo(aks.kubeletObjectId());
        assertThat(status.get("kubeletIdentity").get("clientId").asString()).isEqualTo(aks.kubeletClientId());
        assertThat(status.get("kubeletIdentity").get("servicePrincipal").asBoolean()).isFalse();
        assertThat(status.get("serverVersion").asString()).isEqualTo("v1.33.2");
        assertThat(steps(job(job))).containsExactly("read-managed-cluster:succeeded", "connect:succeeded");
        assertThat(azure.callLines()).anyMatch(line -> line.startsWith("GET " + aks.id()))
                .anyMatch(line -> line.startsWith("POST " + aks.id() + "/listClusterUserCredential"));
        assertThat(cluster.requests()).containsExactly("GET /version", "GET /api/v1/namespaces?limit=500");
        UUID id = UUID.fromString(created.getHeader("Location").substring("/api/v1/clusters/".length()));
        assertThat(jdbc.sql("select row_to_json(c)::text from clusters c where id = ?").param(id).query(String.class)
                .single()).doesNotContain("aks-user-token");
    }

    @Test
    void registersAnArcClusterWhenItsConnectedClusterExists() throws Exception {
        String subscription = UUID.randomUUID().toString();
        AzureEmulator azure = AzureEmulator.shared();
        azure.addSubscription(subscription).addResourceGroup(subscription, "rg-edge");
        String name = unique("edge");
        String resourceId = azure.addConnectedCluster(subscription, "rg-edge", name).connectivityStatus("Connected")
                .id();
        MockHttpServletResponse created = register(json("name", name, "kind", "arc", "resourceId", resourceId,
                "kubeconfig", cluster.kubeconfig(), "serviceCidr", "10.0.0.0/16"));
        Clusters.awaitEnded(jdbc, Registries.jobOf(created), "succeeded");
        JsonNode status = read(created.getHeader("Location")).get("status");
        assertThat(status.get("connectivityStatus").asString()).isEqualTo("Connected");
        assertThat(status.get("kubernetesVersion").asString()).isEqualTo("1.33.2");

        String missing = "/subscriptions/" + subscription + "/resourceGroups/rg-edge/providers/"
                + "Microsoft.Kubernetes/connectedClusters/" + unique("nope");
        MockHttpServletResponse refused = register(json("name", unique("edge"), "kind", "arc", "resourceId", missing,
                "kubeconfig", cluster.kubeconfig()));
        UUID job = Registries.jobOf(refused);
        Clusters.awaitEnded(jdbc, job, "failed");
        assertThat(job(job).get("lastError").get("type").asString())
                .isEqualTo("https://pullbridge.io/problems/azure-cluster-not-found");
        assertThat(read(refused.getHeader("Location")).get("status").get("phase").asString()).isEqualTo("Failed");
    }

    @Test
    void anUnreachableServerIsReportedAndRetried() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String kubeconfig = EmulatedCluster.kubeconfig("https://127.0.0.1:" + port, cluster.certificateAuthorityData(),
                "t");
        MockHttpServletResponse created = register(json("name", unique("down"), "kind", "kubeconfig",
                "kubeconfig", kubeconfig));
        UUID job = Registries.jobOf(created);
        await("the first attempt to fail").atMost(Clusters.TIMEOUT)
                .until(() -> jdbc.sql("select failed_attempts from jobs where id = ?").param(job).query(Integer.class)
                        .single() > 0);
        JsonNode failed = job(job);
        assertThat(failed.get("failureClass").asString()).isEqualTo("transient");
        assertThat(failed.get("lastError").get("type").asString())
                .isEqualTo("https://pullbridge.io/problems/kubernetes-unreachable");
        JsonNode reachable = reachable(read(created.getHeader("Location")));
        assertThat(reachable.get("status").asString()).isEqualTo("False");
        assertThat(reachable.get("reason").asString()).isEqualTo("Unreachable");
        assertThat(reachable.get("message").asString()).contains("(connection refused)");
        Api.operator(mvc).post("/api/v1/jobs/" + job + ":cancel", "{}");
    }

    @Test
    void anUntrustedCertificateFailsTheClusterForGood() throws Exception {
        try (EmulatedCluster other = EmulatedCluster.start()) {
            String kubeconfig = EmulatedCluster.kubeconfig(cluster.url(), other.certificateAuthorityData(), "t");
            assertRefused(kubeconfig, "CertificateUntrusted", "kubernetes-certificate-untrusted");
        }
    }

    @Test
    void refusedCredentialsFailTheClusterForGood() throws Exception {
        try (EmulatedCluster strict = EmulatedCluster.start()) {
            strict.acceptOnlyToken("current-token");
            assertRefused(strict.kubeconfig("revoked-token"), "CredentialsRefused", "kubernetes-credentials-refused");
        }
    }

    @Test
    void missingPermissionsAreNamed() throws Exception {
        try (EmulatedCluster rbac = EmulatedCluster.start()) {
            rbac.forbid("list", "namespaces", null);
            JsonNode condition = assertRefused(rbac.kubeconfig(), "Forbidden", "kubernetes-forbidden");
            assertThat(condition.get("message").asString()).contains("may not list namespaces");
        }
    }

    @Test
    void anApiServerThatQuotesTheCredentialsItGotShowsNoFormOfThemInStatusJobsOrLogs(CapturedOutput output)
            throws Exception {
        List<String> texts = new ArrayList<>();
        try (EmulatedCluster echoing = EmulatedCluster.start("only")) {
            // A kubeconfig's bearer token, quoted in a 403 when the cluster is registered.
            String token = "kubeconfig-token-" + UUID.randomUUID();
            echoing.echoCredentials(403);
            MockHttpServletResponse created = register(json("name", unique("echo"), "kind", "kubeconfig",
                    "kubeconfig", echoing.kubeconfig(token)));
            UUID job = Registries.jobOf(created);
            Clusters.awaitEnded(jdbc, job, "failed");
            JsonNode refused = job(job);
            assertThat(refused.at("/lastError/detail").asString()).contains("Authorization: Bearer (redacted)");
            texts.add(refused.toString());
            texts.add(read(created.getHeader("Location")).toString());

            // The AKS user token, quoted in a 500 by a probe of a cluster that was Ready.
            String subscription = UUID.randomUUID().toString();
            AzureEmulator azure = AzureEmulator.shared();
            azure.addSubscription(subscription).addResourceGroup(subscription, "rg-echo");
            String aksToken = "aks-user-token-" + UUID.randomUUID();
            String name = unique("aks-echo");
            EmulatedManagedCluster aks = azure.addManagedCluster(subscription, "rg-echo", name)
                    .kubernetesVersion("1.33.2").location("northeurope")
                    .userKubeconfig(echoing.kubeconfig(aksToken));
            echoing.echoCredentials(0);
            MockHttpServletResponse registered = register(json("name", name, "kind", "aks", "resourceId", aks.id()));
            Clusters.awaitEnded(jdbc, Registries.jobOf(registered), "succeeded");
            UUID id = UUID.fromString(read(registered.getHeader("Location")).get("id").asString());
            echoing.echoCredentials(500);
            UUID probe = probe(id);
            Clusters.awaitEnded(jdbc, probe, "succeeded");
            JsonNode degraded = read(registered.getHeader("Location"));
            assertThat(degraded.get("status").get("phase").asString()).isEqualTo("Degraded");
            assertThat(reachable(degraded).get("message").asString()).contains("(token (redacted))");
            texts.add(degraded.toString());
            texts.add(job(probe).toString());
            texts.add(output.getAll());
            texts.addAll(SecretForms.recorded(jdbc));
            SecretForms.assertNoneIn("answers, rows and logs", texts, token, "Bearer " + token, aksToken,
                    "Bearer " + aksToken);
        }
    }

    private JsonNode assertRefused(String kubeconfig, String reason, String problem) throws Exception {
        MockHttpServletResponse created = register(json("name", unique("refused"), "kind", "kubeconfig",
                "kubeconfig", kubeconfig));
        UUID job = Registries.jobOf(created);
        Clusters.awaitEnded(jdbc, job, "failed");
        assertThat(job(job).get("lastError").get("type").asString()).isEqualTo("https://pullbridge.io/problems/"
                + problem);
        JsonNode body = read(created.getHeader("Location"));
        assertThat(body.get("status").get("phase").asString()).isEqualTo("Failed");
        JsonNode condition = reachable(body);
        assertThat(condition.get("status").asString()).isEqualTo("False");
        assertThat(condition.get("reason").asString()).isEqualTo(reason);
        return condition;
    }

    @Test
    void aProbeTurnsAnUnreachableClusterDegradedAndBackReadyWithoutProvisioning() throws Exception {
        EmulatedCluster flaky = EmulatedCluster.start("only");
        Clusters.Registered registered = Clusters.registered(mvc, jdbc, unique("flaky"), flaky.kubeconfig());
        flaky.acceptOnlyToken("another-token");

        UUID probe = probe(registered.id());
        Clusters.awaitEnded(jdbc, probe, "succeeded");
        JsonNode degraded = read(registered.location());
        assertThat(degraded.get("status").get("phase").asString()).isEqualTo("Degraded");
        assertThat(degraded.get("status").get("jobId").asString()).as("a probe is not the latest job")
                .isEqualTo(registered.job().toString());
        assertThat(reachable(degraded).get("reason").asString()).isEqualTo("CredentialsRefused");
        assertThat(job(probe).get("steps").get(0).get("detail").isNull()).isFalse();

        flaky.acceptOnlyToken(EmulatedCluster.TOKEN);
        Clusters.awaitEnded(jdbc, probe(registered.id()), "succeeded");
        JsonNode ready = read(registered.location());
        assertThat(ready.get("status").get("phase").asString()).isEqualTo("Ready");
        assertThat(ready.get("status").get("namespaceCount").asInt()).isEqualTo(2);
        assertThat(reachable(ready).get("status").asString()).isEqualTo("True");
        flaky.close();
    }

    @Test
    void readyClustersAreDueForAProbeOnlyOnceTheirLastOneIsOld(@Autowired ClusterJobs clusterJobs) throws Exception {
        Clusters.Registered fresh = Clusters.registered(mvc, jdbc, unique("fresh"), cluster.kubeconfig());
        assertThat(clusterJobs.reconcileRequests()).extracting(JobRequest::targetId).doesNotContain(fresh.id());
        jdbc.sql("update clusters set probed_at = probed_at - interval '6 minutes' where id = ?").param(fresh.id())
                .update();
        assertThat(clusterJobs.reconcileRequests())
                .contains(JobRequest.of("cluster.probe", ResourceKinds.CLUSTER, fresh.id()));
    }

    private UUID probe(UUID cluster) {
        return tx.execute(status -> jobs.enqueue(JobRequest.of("cluster.probe", ResourceKinds.CLUSTER, cluster))).id();
    }
}
