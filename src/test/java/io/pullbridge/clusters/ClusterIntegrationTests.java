package io.pullbridge.clusters;

import io.pullbridge.common.Reference;
import io.pullbridge.common.ResourceKinds;
import io.pullbridge.common.ResourceReferences;
import io.pullbridge.support.Api;
import io.pullbridge.support.Clusters;
import io.pullbridge.support.Registries;
import io.pullbridge.support.kube.EmulatedCluster;
import io.pullbridge.support.DeleteJobs;
import io.pullbridge.support.IntegrationTest;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import tools.jackson.databind.json.JsonMapper;

import static io.pullbridge.clusters.TestKubeconfigs.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

@IntegrationTest
@Import(ClusterIntegrationTests.FakeReferences.class)
class ClusterIntegrationTests {

    static final String PROBLEM = "application/problem+json";
    static final String VALIDATION_FAILED = "https://pullbridge.io/problems/validation-failed";
    static final String SUBSCRIPTION = "1d3c5a4b-0000-4000-8000-000000000001";
    static final String AKS_ID = "/subscriptions/" + SUBSCRIPTION
            + "/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/";
    static final String ARC_ID = "/subscriptions/" + SUBSCRIPTION
            + "/resourceGroups/rg-edge/providers/Microsoft.Kubernetes/connectedClusters/";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Stands in for bindings, which will report the clusters they use. */
    static class FakeReferences implements ResourceReferences {

        final Map<UUID, List<Reference>> byCluster = new ConcurrentHashMap<>();

        @Override
        public List<Reference> referencesTo(String kind, UUID id) {
            return ResourceKinds.CLUSTER.equals(kind) ? byCluster.getOrDefault(id, List.of()) : List.of();
        }
    }

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    FakeReferences references;

    @AfterEach
    void forgetReferences() {
        references.byCluster.clear();
    }

    static String json(Object... keysAndValues) {
        Map<String, Object> body = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            body.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return JSON.writeValueAsString(body);
    }

    /** The response body, after checking that it does not hold the kubeconfig's credential. */
    static String body(ResultActions result) throws Exception {
        String body = result.andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8);
        assertThat(body).doesNotContain(TOKEN).doesNotContain("certificate-authority-data");
        return body;
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Clusters stored since then: other tests' clusters may go meanwhile, as deletes run as jobs. */
    private long clustersCreatedSince(Timestamp since) {
        return jdbc.sql("select count(*) from clusters where created_at >= ?").param(since).query(Long.class).single();
    }

    /** A kubeconfig for the JVM's emulated cluster, carrying the recognisable {@link TestKubeconfigs#TOKEN}. */
    static String emulated() {
        return EmulatedCluster.shared().kubeconfig(TOKEN);
    }

    static String server() {
        return EmulatedCluster.shared().url();
    }

    /** Registers a kubeconfig cluster and waits for its connect job to end, so its ETag stays still. */
    private String createKubeconfigCluster(String name, String kubeconfig) throws Exception {
        ResultActions result = Api.admin(mvc).post("/api/v1/clusters",
                        json("name", name, "kind", "kubeconfig", "kubeconfig", kubeconfig))
                .andExpect(status().isAccepted());
        body(result);
        awaitJob(result);
        return result.andReturn().getResponse().getHeader("Location");
    }

    /** Registers an aks cluster that is not in Azure; its connect job fails, and the test goes on when it has. */
    private String createAksCluster(String name) throws Exception {
        ResultActions result = Api.admin(mvc).post("/api/v1/clusters",
                        json("name", name, "kind", "aks", "resourceId", AKS_ID + name))
                .andExpect(status().isAccepted());
        awaitJob(result);
        return result.andReturn().getResponse().getHeader("Location");
    }

    private void awaitJob(ResultActions created) {
        UUID job = Registries.jobOf(created.andReturn().getResponse());
        await("the connect job " + job + " to end").atMost(Clusters.TIMEOUT)
                .until(() -> List.of("succeeded", "failed", "cancelled").contains(Clusters.state(jdbc, job)));
    }

    private String etag(String location) throws Exception {
        return Api.reader(mvc).get(location).andReturn().getResponse().getHeader(HttpHeaders.ETAG);
    }

    private static String next(String etag, int by) {
        return "\"" + (Long.parseLong(etag.replace("\"", "")) + by) + "\"";
    }

    private ResultActions refused(String json, String... fields) throws Exception {
        Timestamp since = Timestamp.from(Instant.now());
        ResultActions result = Api.admin(mvc).post("/api/v1/clusters", json)
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType(PROBLEM))
                .andExpect(jsonPath("$.type").value(VALIDATION_FAILED))
                .andExpect(jsonPath("$.errors[*].field", containsInAnyOrder(fields)));
        body(result);
        assertThat(clustersCreatedSince(since)).as("clusters stored by a refused request").isZero();
        return result;
    }

    @Test
    void registersAnAksClusterFromItsResourceId() throws Exception {
        String name = unique("prod-weu");
        String location = Api.admin(mvc).post("/api/v1/clusters", """
                        {"name": "%s", "kind": "aks",
                         "resourceId": "/subscriptions/1D3C5A4B-0000-4000-8000-000000000001/resourcegroups/rg-aks/providers/microsoft.containerservice/managedclusters/%s",
                         "serviceCidr": "10.0.0.0/16"}""".formatted(name, name))
                .andExpect(status().isAccepted())
                .andExpect(header().string("Location", startsWith("/api/v1/clusters/")))
                .andExpect(header().string("ETag", "\"0\""))
                .andExpect(jsonPath("$.name").value(name))
                .andExpect(jsonPath("$.kind").value("aks"))
                .andExpect(jsonPath("$.resourceId").value(AKS_ID + name))
                .andExpect(jsonPath("$.subscriptionId").value(SUBSCRIPTION))
                .andExpect(jsonPath("$.resourceGroup").value("rg-aks"))
                .andExpect(jsonPath("$.serviceCidr").value("10.0.0.0/16"))
                .andExpect(jsonPath("$.kubeconfig").doesNotExist())
                .andExpect(jsonPath("$.createdBy").value("user-admin"))
                .andExpect(jsonPath("$.status.phase").value("Pending"))
                .andExpect(header().string("Operation-Location", startsWith("/api/v1/jobs/")))
                .andReturn().getResponse().getHeader("Location");

        // The subscription is not in (emulated) Azure: the connect job says so, and the cluster is Failed.
        await("the connect job to fail").atMost(Clusters.TIMEOUT).until(() -> "Failed".equals(jdbc.sql(
                "select phase from clusters where id = ?::uuid").param(location.substring(location.lastIndexOf('/') + 1))
                .query(String.class).single()));
        Api.reader(mvc).get(location)
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.kind").value("aks"))
                .andExpect(jsonPath("$.kubeconfig").doesNotExist())
                .andExpect(jsonPath("$.status.message", startsWith("No AKS cluster " + name + " in resource group")));
    }

    @Test
    void registersAKubeconfigClusterWithoutEverShowingOrStoringTheKubeconfigInClearText() throws Exception {
        String name = unique("onprem");
        ResultActions created = Api.admin(mvc).post("/api/v1/clusters",
                        json("name", name, "kind", "kubeconfig", "kubeconfig", emulated()))
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.kind").value("kubeconfig"))
                .andExpect(jsonPath("$.resourceId").value(is((Object) null)))
                .andExpect(jsonPath("$.kubeconfig.set").value(true))
                .andExpect(jsonPath("$.kubeconfig.fingerprint", startsWith("sha256:")))
                .andExpect(jsonPath("$.kubeconfig.server").value(server()))
                .andExpect(jsonPath("$.status.phase").value("Pending"));
        body(created);
        String location = created.andReturn().getResponse().getHeader("Location");
        UUID id = UUID.fromString(location.substring(location.lastIndexOf('/') + 1));

        body(Api.reader(mvc).get(location).andExpect(status().isOk())
                .andExpect(jsonPath("$.kubeconfig.set").value(true)));
        body(Api.reader(mvc).get("/api/v1/clusters?name=" + name).andExpect(status().isOk())
                .andExpect(jsonPath("$.items", hasSize(1))));

        assertNoClearTextInTheRow(id);
        byte[] ciphertext = jdbc.sql("select kubeconfig_ciphertext from clusters where id = ?").param(id)
                .query(byte[].class).single();
        assertThat(ciphertext).isNotEmpty();
        assertThat(new String(ciphertext, StandardCharsets.ISO_8859_1)).doesNotContain(TOKEN).doesNotContain("server:");
        assertThat(jdbc.sql("select kubeconfig_server from clusters where id = ?").param(id).query(String.class)
                .single()).isEqualTo(server());

        String detail = jdbc.sql("select detail from audit_events where action = 'cluster.create' and resource_id = ?")
                .param(id.toString()).query(String.class).single();
        assertThat(detail).isEqualTo("name=" + name + ", kind=kubeconfig, server host=127.0.0.1");
        awaitJob(created);
        assertNoClearTextInTheAuditTrail();
        // Reached with the kubeconfig's own credential, which status.access says.
        body(Api.reader(mvc).get(location).andExpect(jsonPath("$.status.phase").value("Ready"))
                .andExpect(jsonPath("$.status.access.mode").value("kubeconfig"))
                .andExpect(jsonPath("$.status.access.objectId").doesNotExist()));
    }

    @Test
    void registersAnArcClusterWithItsKubeconfigAndServiceCidr() throws Exception {
        String name = unique("edge");
        body(Api.admin(mvc).post("/api/v1/clusters", json("name", name, "kind", "arc", "resourceId", ARC_ID + name,
                        "kubeconfig", emulated(),
                        "serviceCidr", "fd00:10:0:0::/108"))
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.kind").value("arc"))
                .andExpect(jsonPath("$.resourceId").value(ARC_ID + name))
                .andExpect(jsonPath("$.resourceGroup").value("rg-edge"))
                .andExpect(jsonPath("$.serviceCidr").value("fd00:10::/108"))
                .andExpect(jsonPath("$.kubeconfig.server").value(server())));
    }

    @Test
    void reportsEveryInvalidFieldAtOnceAndStoresNothing() throws Exception {
        refused("{}", "name", "kind");
        refused(json("name", "Prod_WEU", "kind", "aks", "kubeconfig", TestKubeconfigs.valid(),
                "serviceCidr", "10.0.0.5/16"), "name", "resourceId", "kubeconfig", "serviceCidr")
                .andExpect(jsonPath("$.errors[?(@.field == 'serviceCidr')].message",
                        contains("10.0.0.5/16 has host bits set; did you mean 10.0.0.0/16?")))
                .andExpect(jsonPath("$.errors[?(@.field == 'kubeconfig')].message",
                        contains("must not be set for kind aks: PullBridge fetches AKS credentials through Azure")));
        refused(json("name", unique("edge"), "kind", "arc"), "resourceId", "kubeconfig");
    }

    @Test
    void refusesAnInvalidName() throws Exception {
        refused(json("name", "", "kind", "aks", "resourceId", AKS_ID + "a"), "name");
        refused(json("name", "-bad", "kind", "aks", "resourceId", AKS_ID + "a"), "name")
                .andExpect(jsonPath("$.errors[0].message", startsWith("must be a DNS-1123 label")));
        refused(json("name", "x".repeat(64), "kind", "aks", "resourceId", AKS_ID + "a"), "name");
    }

    @Test
    void refusesAnUnknownKindOrField() throws Exception {
        refused(json("name", unique("gke"), "kind", "gke"), "kind")
                .andExpect(jsonPath("$.errors[0].message").value("must be one of aks, kubeconfig, arc"));
        refused(json("name", unique("x"), "kind", "aks", "resourceId", AKS_ID + "x", "region", "westeurope"),
                "region");
    }

    @Test
    void checksTheResourceIdOfEachKind() throws Exception {
        refused(json("name", unique("aks"), "kind", "aks"), "resourceId")
                .andExpect(jsonPath("$.errors[0].message").value("is required for kind aks"));
        refused(json("name", unique("aks"), "kind", "aks", "resourceId", ARC_ID + "edge"), "resourceId")
                .andExpect(jsonPath("$.errors[0].message", containsString("Microsoft.ContainerService/managedClusters")));
        refused(json("name", unique("arc"), "kind", "arc", "resourceId", AKS_ID + "prod",
                "kubeconfig", TestKubeconfigs.valid()), "resourceId")
                .andExpect(jsonPath("$.errors[0].message", containsString("Microsoft.Kubernetes/connectedClusters")));
        refused(json("name", unique("kc"), "kind", "kubeconfig", "resourceId", ARC_ID + "edge",
                "kubeconfig", TestKubeconfigs.valid()), "resourceId");
        refused(json("name", unique("aks"), "kind", "aks", "resourceId", "/subscriptions/nope"), "resourceId");
    }

    @Test
    void requiresAKubeconfigForKubeconfigAndArcClusters() throws Exception {
        refused(json("name", unique("kc"), "kind", "kubeconfig"), "kubeconfig")
                .andExpect(jsonPath("$.errors[0].message").value("is required for kind kubeconfig"));
        refused(json("name", unique("kc"), "kind", "kubeconfig", "kubeconfig", " "), "kubeconfig")
                .andExpect(jsonPath("$.errors[0].message").value("must not be blank"));
    }

    @Test
    void refusesAnInvalidServiceCidr() throws Exception {
        refused(json("name", unique("aks"), "kind", "aks", "resourceId", AKS_ID + "x", "serviceCidr", "10.0.0.0"),
                "serviceCidr").andExpect(jsonPath("$.errors[0].message", containsString("is not a CIDR")));
        refused(json("name", unique("aks"), "kind", "aks", "resourceId", AKS_ID + "x", "serviceCidr", "10.0.0.0/33"),
                "serviceCidr").andExpect(jsonPath("$.errors[0].message", containsString("out of range")));
    }

    @Test
    void explainsWhatIsWrongWithAKubeconfig() throws Exception {
        String name = unique("kc");
        refused(json("name", name, "kind", "kubeconfig", "kubeconfig",
                TestKubeconfigs.valid().replace("current-context: onprem-admin", "current-context: x")), "kubeconfig")
                .andExpect(jsonPath("$.errors[0].message").value("current-context 'x' is not one of the contexts"));
        refused(json("name", name, "kind", "kubeconfig", "kubeconfig",
                TestKubeconfigs.valid().replace("current-context: onprem-admin\n", "")), "kubeconfig")
                .andExpect(jsonPath("$.errors[0].message",
                        startsWith("has no current-context")));
        refused(json("name", name, "kind", "kubeconfig", "kubeconfig",
                TestKubeconfigs.valid().replace("cluster: onprem\n", "cluster: gone\n")), "kubeconfig")
                .andExpect(jsonPath("$.errors[0].message")
                        .value("context 'onprem-admin' names cluster 'gone', which is not one of the clusters"));
        refused(json("name", name, "kind", "kubeconfig", "kubeconfig",
                TestKubeconfigs.valid().replace("user: admin\n", "user: nobody\n")), "kubeconfig")
                .andExpect(jsonPath("$.errors[0].message")
                        .value("context 'onprem-admin' names a user that is not one of the users"));
        refused(json("name", name, "kind", "kubeconfig", "kubeconfig",
                TestKubeconfigs.withServer("http://10.1.2.3:6443")), "kubeconfig")
                .andExpect(jsonPath("$.errors[0].message").value("server http://10.1.2.3:6443 must use https"));
        refused(json("name", name, "kind", "kubeconfig", "kubeconfig",
                TestKubeconfigs.withServer("https://admin:" + TOKEN + "@10.1.2.3:6443")), "kubeconfig")
                .andExpect(jsonPath("$.errors[0].message")
                        .value("server of cluster 'onprem' must not contain user information (user:password@)"));
        refused(json("name", name, "kind", "kubeconfig", "kubeconfig", "- just\n- a list\n"), "kubeconfig")
                .andExpect(jsonPath("$.errors[0].message").value("must be a YAML mapping (a kubeconfig file)"));
        refused(json("name", name, "kind", "kubeconfig", "kubeconfig", TestKubeconfigs.valid().replace(
                "    token: " + TOKEN, "    exec: {command: /bin/sh}\n    token: " + TOKEN)), "kubeconfig")
                .andExpect(jsonPath("$.errors[0].message", startsWith(
                        "the user of context 'onprem-admin' runs a credential plugin (exec)")));
    }

    @Test
    void refusesServersOnLoopbackLinkLocalAndMetadataAddresses() throws Exception {
        Map<String, String> refusals = Map.of(
                // 127.0.0.1 itself is let through for the tests' emulated clusters (TestPlatform).
                "https://127.0.0.2:6443", "server host 127.0.0.2 is a loopback address",
                "https://[::1]:6443", "server host [::1] is a loopback address",
                "https://LOCALHOST.:6443", "server host LOCALHOST. is a loopback address",
                "https://[fe80::1]:6443", "server host [fe80::1] is a link-local address",
                "https://169.254.169.254", "server host 169.254.169.254 is a cloud metadata endpoint",
                "https://metadata.google.internal", "server host metadata.google.internal is a cloud metadata endpoint",
                "https://0.0.0.0:6443", "server host 0.0.0.0 is an unspecified address");
        for (Map.Entry<String, String> refusal : refusals.entrySet()) {
            refused(json("name", unique("kc"), "kind", "kubeconfig", "kubeconfig",
                    TestKubeconfigs.withServer(refusal.getKey())), "kubeconfig")
                    .andExpect(jsonPath("$.errors[0].message")
                            .value(refusal.getValue() + "; allow it with pullbridge.clusters.allowed-hosts"));
        }
    }

    @Test
    void aYamlErrorNamesOnlyTheLineAndNeverQuotesTheFile() throws Exception {
        String body = body(refused(json("name", unique("kc"), "kind", "kubeconfig",
                "kubeconfig", TestKubeconfigs.brokenYaml()), "kubeconfig")
                .andExpect(jsonPath("$.errors[0].message").value("is not valid YAML (line 9)"))
                .andExpect(jsonPath("$.detail").value("kubeconfig: is not valid YAML (line 9)")));
        assertThat(body).doesNotContain("token");
        assertNoClearTextInTheAuditTrail();
    }

    @Test
    void refusesASecondClusterWithTheSameNameOrResourceId() throws Exception {
        String name = unique("dup");
        createAksCluster(name);
        Timestamp since = Timestamp.from(Instant.now());
        Api.admin(mvc).post("/api/v1/clusters", json("name", name, "kind", "kubeconfig",
                        "kubeconfig", TestKubeconfigs.valid()))
                .andExpect(status().isConflict())
                .andExpect(content().contentType(PROBLEM))
                .andExpect(jsonPath("$.type").value("https://pullbridge.io/problems/already-exists"))
                .andExpect(jsonPath("$.errors[0].field").value("name"));
        Api.admin(mvc).post("/api/v1/clusters", json("name", unique("other"), "kind", "aks",
                        "resourceId", (AKS_ID + name).toUpperCase()))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.type").value("https://pullbridge.io/problems/already-exists"))
                .andExpect(jsonPath("$.errors[0].field").value("resourceId"));
        assertThat(clustersCreatedSince(since)).isZero();
    }

    @Test
    void answers404ForAnUnknownCluster() throws Exception {
        String location = "/api/v1/clusters/" + UUID.randomUUID();
        for (ResultActions result : List.of(Api.reader(mvc).get(location),
                Api.admin(mvc).patch(location, json("name", "x")), Api.admin(mvc).delete(location))) {
            result.andExpect(status().isNotFound())
                    .andExpect(content().contentType(PROBLEM))
                    .andExpect(jsonPath("$.type").value("https://pullbridge.io/problems/not-found"));
        }
    }

    @Test
    void listsClustersByNameKindAndPhaseAPageAtATime() throws Exception {
        String prefix = unique("list");
        String aks = createAksCluster(prefix + "-a");
        createKubeconfigCluster(prefix + "-k", emulated());
        UUID aksId = UUID.fromString(aks.substring(aks.lastIndexOf('/') + 1));
        jdbc.sql("update clusters set phase = 'Ready' where id = ?").param(aksId).update();

        Api.reader(mvc).get("/api/v1/clusters?name=" + (prefix + "-A").toUpperCase())
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.items[*].name", contains(prefix + "-a")));
        Api.reader(mvc).get("/api/v1/clusters?kind=aks&phase=Ready")
                .andExpect(jsonPath("$.items[*].kind", everyItem(is("aks"))))
                .andExpect(jsonPath("$.items[*].id", org.hamcrest.Matchers.hasItem(aksId.toString())));
        Api.reader(mvc).get("/api/v1/clusters?kind=kubeconfig")
                .andExpect(jsonPath("$.items[*].kind", everyItem(is("kubeconfig"))))
                .andExpect(jsonPath("$.items[*].name", org.hamcrest.Matchers.hasItem(prefix + "-k")));
        Api.reader(mvc).get("/api/v1/clusters?kind=gke")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("kind"))
                .andExpect(jsonPath("$.errors[0].message").value("must be one of aks, kubeconfig, arc"));

        String first = body(Api.reader(mvc).get("/api/v1/clusters?limit=1").andExpect(status().isOk())
                .andExpect(jsonPath("$.items", hasSize(1)))
                .andExpect(jsonPath("$.nextPageToken").isString()));
        String token = JSON.readTree(first).get("nextPageToken").asString();
        String firstId = JSON.readTree(first).get("items").get(0).get("id").asString();
        Api.reader(mvc).get("/api/v1/clusters?limit=1&pageToken=" + token)
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.items", hasSize(1)))
                .andExpect(jsonPath("$.items[0].id", not(firstId)));
    }

    @Test
    void renamesAClusterAndHonoursIfMatch() throws Exception {
        String location = createAksCluster(unique("rename"));
        String newName = unique("renamed");
        String etag = etag(location);
        Api.admin(mvc).perform(Api.jsonPatch(location, json("name", newName)).header(HttpHeaders.IF_MATCH, "\"77\""))
                .andExpect(status().isPreconditionFailed())
                .andExpect(content().contentType(PROBLEM))
                .andExpect(jsonPath("$.type").value("https://pullbridge.io/problems/precondition-failed"));
        Api.admin(mvc).perform(Api.jsonPatch(location, json("name", newName, "serviceCidr", "10.96.0.0/12"))
                        .header(HttpHeaders.IF_MATCH, etag))
                .andExpect(status().isOk())
                .andExpect(header().string("ETag", next(etag, 1)))
                .andExpect(jsonPath("$.name").value(newName))
                .andExpect(jsonPath("$.serviceCidr").value("10.96.0.0/12"))
                .andExpect(jsonPath("$.status.phase").value("Failed"));
        Api.admin(mvc).patch(location, json("serviceCidr", ""))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.serviceCidr").value(is((Object) null)));
        Api.admin(mvc).patch(location, json("kind", "aks")).andExpect(status().isOk())
                .andExpect(header().string("ETag", next(etag, 2)));
        assertThat(jdbc.sql("select detail from audit_events where action = 'cluster.update' and resource_id = ? "
                        + "order by occurred_at").param(location.substring(location.lastIndexOf('/') + 1))
                .query(String.class).list())
                .first().asString().endsWith(", changed=name,serviceCidr");
    }

    @Test
    void replacingTheKubeconfigMakesPullBridgeConnectAgain() throws Exception {
        String location = createKubeconfigCluster(unique("swap"), emulated());
        UUID id = UUID.fromString(location.substring(location.lastIndexOf('/') + 1));
        String before = JSON.readTree(body(Api.reader(mvc).get(location))).get("kubeconfig").get("fingerprint").asString();
        jdbc.sql("update clusters set phase = 'Ready', status_message = null where id = ?").param(id).update();
        String etag = etag(location);

        // The same kubeconfig again changes nothing: no new ETag, no reconnection.
        body(Api.admin(mvc).perform(Api.jsonPatch(location, json("kubeconfig", emulated())))
                .andExpect(status().isOk())
                .andExpect(header().string("ETag", etag))
                .andExpect(jsonPath("$.status.phase").value("Ready")));

        String replacement = EmulatedCluster.shared().kubeconfig(TOKEN + "-rotated");
        body(Api.admin(mvc).perform(Api.jsonPatch(location, json("kubeconfig", replacement))
                        .header(HttpHeaders.IF_MATCH, etag))
                .andExpect(status().isAccepted())
                .andExpect(header().string("ETag", next(etag, 1)))
                .andExpect(header().string("Operation-Location", startsWith("/api/v1/jobs/")))
                .andExpect(jsonPath("$.status.phase").value("Pending"))
                .andExpect(jsonPath("$.kubeconfig.server").value(server()))
                .andExpect(jsonPath("$.kubeconfig.fingerprint", not(before))));
        assertNoClearTextInTheRow(id);
        assertThat(jdbc.sql("select detail from audit_events where action = 'cluster.update' and resource_id = ?")
                .param(id.toString()).query(String.class).single())
                .contains("server host=127.0.0.1", "changed=kubeconfig");
        assertNoClearTextInTheAuditTrail();
    }

    @Test
    void refusesAnInvalidUpdateAndLeavesTheClusterAsItWas() throws Exception {
        String kubeconfigCluster = createKubeconfigCluster(unique("keep"), emulated());
        UUID id = UUID.fromString(kubeconfigCluster.substring(kubeconfigCluster.lastIndexOf('/') + 1));
        String row = jdbc.sql("select row_to_json(c)::text from clusters c where id = ?").param(id)
                .query(String.class).single();

        body(Api.admin(mvc).patch(kubeconfigCluster, json("name", "Not Valid", "kind", "aks",
                        "resourceId", AKS_ID + "x", "serviceCidr", "10.0.0.1/8",
                        "kubeconfig", TestKubeconfigs.withServer("https://169.254.169.254")))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType(PROBLEM))
                .andExpect(jsonPath("$.type").value(VALIDATION_FAILED))
                .andExpect(jsonPath("$.errors[*].field",
                        containsInAnyOrder("name", "kind", "resourceId", "serviceCidr", "kubeconfig")))
                .andExpect(jsonPath("$.errors[?(@.field == 'kind')].message",
                        contains("cannot be changed; register the cluster anew under the other kind")))
                .andExpect(jsonPath("$.errors[?(@.field == 'resourceId')].message",
                        contains("cannot be changed; register the other cluster on its own"))));
        body(Api.admin(mvc).patch(kubeconfigCluster, json("kubeconfig", TestKubeconfigs.brokenYaml()))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].message").value("is not valid YAML (line 9)")));
        assertThat(jdbc.sql("select row_to_json(c)::text from clusters c where id = ?").param(id)
                .query(String.class).single()).isEqualTo(row);

        String aks = createAksCluster(unique("aks"));
        Api.admin(mvc).patch(aks, json("kubeconfig", TestKubeconfigs.valid()))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("kubeconfig"))
                .andExpect(jsonPath("$.errors[0].message")
                        .value("must not be set for kind aks: PullBridge fetches AKS credentials through Azure"));
        Api.admin(mvc).patch(aks, json("resourceId", AKS_ID + "other"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("resourceId"));
        String taken = JSON.readTree(body(Api.reader(mvc).get(kubeconfigCluster))).get("name").asString();
        Api.admin(mvc).patch(aks, json("name", taken))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.type").value("https://pullbridge.io/problems/already-exists"))
                .andExpect(jsonPath("$.errors[0].field").value("name"));
    }

    @Test
    void deletesAClusterUnlessSomethingUsesIt() throws Exception {
        String location = createKubeconfigCluster(unique("gone"), emulated());
        UUID id = UUID.fromString(location.substring(location.lastIndexOf('/') + 1));
        UUID binding = UUID.randomUUID();
        references.byCluster.put(id, List.of(new Reference(ResourceKinds.BINDING, binding)));

        Api.admin(mvc).delete(location)
                .andExpect(status().isConflict())
                .andExpect(content().contentType(PROBLEM))
                .andExpect(jsonPath("$.type").value("https://pullbridge.io/problems/resource-in-use"))
                .andExpect(jsonPath("$.references[0].kind").value("binding"))
                .andExpect(jsonPath("$.references[0].id").value(binding.toString()));
        references.byCluster.clear();

        Api.admin(mvc).perform(Api.deleteRequest(location).header(HttpHeaders.IF_MATCH, "\"99\""))
                .andExpect(status().isPreconditionFailed());
        assertThat(clusterCountById(id)).isEqualTo(1);

        UUID job = DeleteJobs.accepted(Api.admin(mvc).perform(Api.deleteRequest(location)
                .header(HttpHeaders.IF_MATCH, etag(location))));
        DeleteJobs.awaitSucceeded(jdbc, job);
        assertThat(clusterCountById(id)).isZero();
        Api.reader(mvc).get(location).andExpect(status().isNotFound());
        assertThat(jdbc.sql("select detail from audit_events where action = 'cluster.delete' and resource_id = ?")
                .param(id.toString()).query(String.class).single())
                .startsWith("name=gone-").endsWith(", kind=kubeconfig, server host=127.0.0.1");
    }

    @Test
    void anIdempotentRegistrationKeepsNoClearTextEither() throws Exception {
        String request = json("name", unique("idem"), "kind", "kubeconfig", "kubeconfig", emulated());
        String key = UUID.randomUUID().toString();
        String first = body(Api.admin(mvc).perform(Api.jsonPost("/api/v1/clusters", request)
                .header("Idempotency-Key", key)).andExpect(status().isAccepted()));
        String replay = body(Api.admin(mvc).perform(Api.jsonPost("/api/v1/clusters", request)
                .header("Idempotency-Key", key)).andExpect(status().isAccepted()));
        assertThat(replay).isEqualTo(first);
        for (String row : jdbc.sql("select row_to_json(i)::text from idempotency_records i").query(String.class).list()) {
            assertThat(row).doesNotContain(TOKEN).doesNotContain(hex(TOKEN));
        }
    }

    @Test
    void readersCannotRegisterClusters() throws Exception {
        Api.reader(mvc).post("/api/v1/clusters", json("name", unique("r"), "kind", "aks", "resourceId", AKS_ID + "r"))
                .andExpect(status().isForbidden())
                .andExpect(content().contentType(PROBLEM));
    }

    private long clusterCountById(UUID id) {
        return jdbc.sql("select count(*) from clusters where id = ?").param(id).query(Long.class).single();
    }

    private void assertNoClearTextInTheRow(UUID id) {
        String row = jdbc.sql("select row_to_json(c)::text from clusters c where id = ?").param(id)
                .query(String.class).single();
        assertThat(row).doesNotContain(TOKEN).doesNotContain(hex(TOKEN)).doesNotContain("current-context");
        String escaped = jdbc.sql("select encode(kubeconfig_ciphertext, 'escape') from clusters where id = ?")
                .param(id).query(String.class).single();
        assertThat(escaped).doesNotContain(TOKEN);
    }

    private void assertNoClearTextInTheAuditTrail() {
        List<String> events = jdbc.sql("select row_to_json(a)::text from audit_events a").query(String.class).list();
        assertThat(events).isNotEmpty().allSatisfy(event -> assertThat(event).doesNotContain(TOKEN));
    }

    private static String hex(String text) {
        return HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8));
    }
}
