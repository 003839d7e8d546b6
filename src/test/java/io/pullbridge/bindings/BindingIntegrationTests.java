package io.pullbridge.bindings;

import io.pullbridge.support.Api;
import io.pullbridge.support.DeleteJobs;
import io.pullbridge.support.IntegrationTest;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

@IntegrationTest
class BindingIntegrationTests {

    private static final String PROBLEM = "https://pullbridge.io/problems/";

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    BindingFixtures fixtures;
    Api api;
    UUID registry;
    UUID otherRegistry;
    String otherRegistryName;

    @BeforeEach
    void setUp() {
        fixtures = new BindingFixtures(jdbc);
        api = Api.operator(mvc);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        registry = fixtures.registry("contoso" + suffix);
        otherRegistryName = "fabrikam" + suffix;
        otherRegistry = fixtures.registry(otherRegistryName);
    }

    @Test
    void createsAPullSecretBindingWithDefaults() throws Exception {
        UUID cluster = fixtures.cluster("onprem-" + shortId(), "kubeconfig", null);
        UUID principal = fixtures.servicePrincipal("acr-pull-" + shortId(), registry);

        String location = api.post("/api/v1/bindings", """
                        {"registryId": "%s", "clusterId": "%s", "method": "pull-secret",
                         "pullSecret": {"credential": {"servicePrincipalId": "%s"}, "namespaces": ["team-a", "team-b"],
                                        "namespaceSelector": "team in (a,b),!legacy", "excludeNamespaces": ["kube-system"]}}"""
                        .formatted(registry, cluster, principal))
                .andExpect(status().isAccepted())
                .andExpect(header().string("Location", startsWith("/api/v1/bindings/")))
                .andExpect(jsonPath("$.method").value("pull-secret"))
                .andExpect(jsonPath("$.pullSecret.secretName").value("acr-secret"))
                .andExpect(jsonPath("$.pullSecret.serviceAccounts", containsInAnyOrder("default")))
                .andExpect(jsonPath("$.pullSecret.credential.servicePrincipalId").value(principal.toString()))
                .andExpect(jsonPath("$.pullSecret.credential.tokenId").doesNotExist())
                .andExpect(jsonPath("$.pullSecret.namespaces", containsInAnyOrder("team-a", "team-b")))
                .andExpect(jsonPath("$.status.phase").value("Pending"))
                .andReturn().getResponse().getHeader("Location");

        Api.reader(mvc).get(location)
                .andExpect(status().isOk())
                .andExpect(header().exists("ETag"))
                .andExpect(jsonPath("$.pullSecret.namespaceSelector").value("team in (a,b),!legacy"))
                .andExpect(jsonPath("$.pullSecret.excludeNamespaces[0]").value("kube-system"));
    }

    @Test
    void reportsEveryInvalidPullSecretFieldAtOnceAndStoresNothing() throws Exception {
        UUID cluster = fixtures.cluster("onprem-" + shortId(), "kubeconfig", null);
        long before = fixtures.bindingCount(cluster);

        problem(api.post("/api/v1/bindings", """
                        {"registryId": "%s", "clusterId": "%s", "method": "pull-secret",
                         "pullSecret": {"credential": {"servicePrincipalId": "%s", "tokenId": "%s"},
                                        "secretName": "Acr_Secret", "namespaces": ["Team-A", "ok", "ok"],
                                        "namespaceSelector": "team in (a", "excludeNamespaces": ["-bad"],
                                        "serviceAccounts": ["default", "bad_sa"]}}"""
                        .formatted(registry, cluster, UUID.randomUUID(), UUID.randomUUID())),
                400, "validation-failed")
                .andExpect(jsonPath("$.errors[*].field", containsInAnyOrder(
                        "pullSecret.credential", "pullSecret.secretName", "pullSecret.namespaces[0]",
                        "pullSecret.namespaces", "pullSecret.namespaceSelector", "pullSecret.excludeNamespaces[0]",
                        "pullSecret.serviceAccounts[1]")));

        problem(api.post("/api/v1/bindings", """
                        {"registryId": "%s", "clusterId": "%s", "method": "pull-secret",
                         "pullSecret": {"credential": {"tokenId": "%s"}}}""".formatted(registry, cluster, UUID.randomUUID())),
                400, "validation-failed")
                .andExpect(jsonPath("$.errors[0].field").value("pullSecret"))
                .andExpect(jsonPath("$.errors[0].message").value("give namespaces, a namespaceSelector, or both"));

        problem(api.post("/api/v1/bindings", """
                        {"clusterId": "%s", "method": "kubelet-identity",
                         "pullSecret": {"credential": {"tokenId": "%s"}, "namespaces": ["a"]}}"""
                        .formatted(cluster, UUID.randomUUID())), 400, "validation-failed")
                .andExpect(jsonPath("$.errors[*].field", containsInAnyOrder("registryId", "pullSecret")));

        problem(api.post("/api/v1/bindings", """
                        {"registryId": "%s", "clusterId": "%s", "method": "pull-request"}""".formatted(registry, cluster)),
                400, "validation-failed")
                .andExpect(jsonPath("$.errors[0].field").value("method"))
                .andExpect(jsonPath("$.errors[0].message")
                        .value("must be one of kubelet-identity, pull-secret, connected-registry, workload-identity"));

        assertThat(fixtures.bindingCount(cluster)).isEqualTo(before);
    }

    @Test
    void namesTheFieldThatReferencesSomethingUnknown() throws Exception {
        UUID cluster = fixtures.cluster("onprem-" + shortId(), "kubeconfig", null);
        UUID missing = UUID.randomUUID();

        problem(api.post("/api/v1/bindings", """
                {"registryId": "%s", "clusterId": "%s", "method": "kubelet-identity"}""".formatted(missing, cluster)),
                422, "unknown-reference")
                .andExpect(jsonPath("$.errors[0].field").value("registryId"));
        problem(api.post("/api/v1/bindings", """
                {"registryId": "%s", "clusterId": "%s", "method": "kubelet-identity"}""".formatted(registry, missing)),
                422, "unknown-reference")
                .andExpect(jsonPath("$.errors[0].field").value("clusterId"));
        problem(api.post("/api/v1/bindings", """
                        {"registryId": "%s", "clusterId": "%s", "method": "pull-secret",
                         "pullSecret": {"credential": {"servicePrincipalId": "%s"}, "namespaces": ["a"]}}"""
                        .formatted(registry, cluster, missing)), 422, "unknown-reference")
                .andExpect(jsonPath("$.errors[0].field").value("pullSecret.credential.servicePrincipalId"));
        problem(api.post("/api/v1/bindings", """
                        {"registryId": "%s", "clusterId": "%s", "method": "pull-secret",
                         "pullSecret": {"credential": {"tokenId": "%s"}, "namespaces": ["a"]}}"""
                        .formatted(registry, cluster, missing)), 422, "unknown-reference")
                .andExpect(jsonPath("$.errors[0].field").value("pullSecret.credential.tokenId"));
    }

    @Test
    void refusesCredentialsThatCannotOpenTheRegistry() throws Exception {
        UUID cluster = fixtures.cluster("onprem-" + shortId(), "kubeconfig", null);
        UUID principalOnOtherRegistry = fixtures.servicePrincipal("sp-" + shortId(), otherRegistry);
        UUID tokenOfOtherRegistry = fixtures.token(otherRegistry, "other-token");

        problem(api.post("/api/v1/bindings", """
                        {"registryId": "%s", "clusterId": "%s", "method": "pull-secret",
                         "pullSecret": {"credential": {"servicePrincipalId": "%s"}, "namespaces": ["a"]}}"""
                        .formatted(registry, cluster, principalOnOtherRegistry)), 422, "semantic-error")
                .andExpect(jsonPath("$.errors[0].field").value("pullSecret.credential.servicePrincipalId"));
        problem(api.post("/api/v1/bindings", """
                        {"registryId": "%s", "clusterId": "%s", "method": "pull-secret",
                         "pullSecret": {"credential": {"tokenId": "%s"}, "namespaces": ["a"]}}"""
                        .formatted(registry, cluster, tokenOfOtherRegistry)), 422, "semantic-error")
                .andExpect(jsonPath("$.errors[0].field").value("pullSecret.credential.tokenId"));
    }

    @Test
    void kubeletIdentityNeedsAnAksClusterAndExistsOncePerRegistryAndCluster() throws Exception {
        UUID onprem = fixtures.cluster("onprem-" + shortId(), "kubeconfig", null);
        UUID aks = fixtures.cluster("aks-" + shortId(), "aks", null);

        problem(api.post("/api/v1/bindings", """
                {"registryId": "%s", "clusterId": "%s", "method": "kubelet-identity"}""".formatted(registry, onprem)),
                422, "semantic-error")
                .andExpect(jsonPath("$.errors[0].field").value("clusterId"));

        String created = api.post("/api/v1/bindings", """
                        {"registryId": "%s", "clusterId": "%s", "method": "kubelet-identity"}""".formatted(registry, aks))
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.pullSecret").doesNotExist())
                .andReturn().getResponse().getHeader("Location");
        String id = created.substring(created.lastIndexOf('/') + 1);

        problem(api.post("/api/v1/bindings", """
                {"registryId": "%s", "clusterId": "%s", "method": "kubelet-identity"}""".formatted(registry, aks)),
                409, "already-exists")
                .andExpect(jsonPath("$.references[0].kind").value("binding"))
                .andExpect(jsonPath("$.references[0].id").value(id));
    }

    @Test
    void theSameRegistryAndClusterMayHaveTwoPullSecretsUnderDifferentNames() throws Exception {
        UUID cluster = fixtures.cluster("onprem-" + shortId(), "kubeconfig", null);
        UUID token = fixtures.token(registry, "team-a-pull");
        String body = """
                {"registryId": "%s", "clusterId": "%s", "method": "pull-secret",
                 "pullSecret": {"credential": {"tokenId": "%s"}, "secretName": "%s", "namespaces": ["a"]}}""";

        api.post("/api/v1/bindings", body.formatted(registry, cluster, token, "acr-a")).andExpect(status().isAccepted());
        api.post("/api/v1/bindings", body.formatted(registry, cluster, token, "acr-b")).andExpect(status().isAccepted());
        problem(api.post("/api/v1/bindings", body.formatted(registry, cluster, token, "acr-a")), 409, "already-exists");
    }

    @Test
    void connectedRegistryNeedsAnArcClusterAndAClusterIpInsideItsServiceCidr() throws Exception {
        UUID arc = fixtures.cluster("edge-" + shortId(), "arc", "10.0.0.0/16");
        UUID onprem = fixtures.cluster("onprem-" + shortId(), "kubeconfig", "10.0.0.0/16");
        String body = """
                {"registryId": "%s", "clusterId": "%s", "method": "connected-registry",
                 "connectedRegistry": {"name": "%s", "repositories": ["hello-world"], "clusterIP": "%s",
                                       "syncSchedule": "0 0 * * *", "syncWindow": "PT24H", "secretName": "%s"}}""";

        problem(api.post("/api/v1/bindings", body.formatted(registry, onprem, "edge1cr", "10.0.0.50", "regcred")),
                422, "semantic-error").andExpect(jsonPath("$.errors[0].field").value("clusterId"));
        problem(api.post("/api/v1/bindings", body.formatted(registry, arc, "edge1cr", "10.1.0.50", "regcred")),
                422, "semantic-error").andExpect(jsonPath("$.errors[0].field").value("connectedRegistry.clusterIP"));
        problem(api.post("/api/v1/bindings", body.formatted(registry, arc, "edge1cr", "10.0.0.1", "regcred")),
                422, "semantic-error").andExpect(jsonPath("$.errors[0].field").value("connectedRegistry.clusterIP"));

        api.post("/api/v1/bindings", body.formatted(registry, arc, "edge1cr", "10.0.0.50", "regcred"))
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.connectedRegistry.mode").value("ReadOnly"))
                .andExpect(jsonPath("$.connectedRegistry.namespaces[0]").value("default"))
                .andExpect(jsonPath("$.connectedRegistry.clusterIP").value("10.0.0.50"));

        problem(api.post("/api/v1/bindings", body.formatted(registry, arc, "edge1cr", "10.0.0.51", "other")),
                409, "already-exists").andExpect(jsonPath("$.errors[0].field").value("connectedRegistry.name"));
        problem(api.post("/api/v1/bindings", body.formatted(registry, arc, "edge2cr", "10.0.0.50", "other")),
                409, "already-exists").andExpect(jsonPath("$.errors[0].field").value("connectedRegistry.clusterIP"));
        // Another registry's connected registry of the same name on the same cluster would need the same extension.
        problem(api.post("/api/v1/bindings", body.formatted(otherRegistry, arc, "EDGE1CR", "10.0.0.52", "other")),
                409, "already-exists")
                .andExpect(jsonPath("$.errors[0].field").value("connectedRegistry.name"))
                .andExpect(jsonPath("$.errors[0].message").value("is taken in this cluster"));
        UUID otherArc = fixtures.cluster("edge-" + shortId(), "arc", "10.0.0.0/16");
        api.post("/api/v1/bindings", body.formatted(otherRegistry, otherArc, "edge1cr", "10.0.0.50", "regcred"))
                .andExpect(status().isAccepted());
    }

    @Test
    void aReadWriteConnectedRegistryCanPushSoItIsAnAdminsToAsk() throws Exception {
        UUID arc = fixtures.cluster("edge-" + shortId(), "arc", "10.0.0.0/16");
        String body = """
                {"registryId": "%s", "clusterId": "%s", "method": "connected-registry",
                 "connectedRegistry": {"name": "edgerw1", "mode": "%s", "repositories": ["hello-world"],
                                       "clusterIP": "10.0.0.60"}}""";
        long before = jdbc.sql("select count(*) from bindings where cluster_id = ?").param(arc).query(Long.class)
                .single();

        problem(api.post("/api/v1/bindings", body.formatted(registry, arc, "ReadWrite")), 403, "forbidden")
                .andExpect(jsonPath("$.detail").value(containsString("a ReadWrite connected registry's sync token "
                        + "gets content/delete, content/write, metadata/write, which is reserved to Admin")))
                .andExpect(jsonPath("$.detail").value(containsString("pullbridge.security.operator-token-actions")));
        assertThat(jdbc.sql("select count(*) from bindings where cluster_id = ?").param(arc).query(Long.class)
                .single()).as("the refused binding was not stored").isEqualTo(before);

        Api.admin(mvc).post("/api/v1/bindings", body.formatted(registry, arc, "ReadWrite"))
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.connectedRegistry.mode").value("ReadWrite"));
        api.post("/api/v1/bindings", body.formatted(otherRegistry, arc, "ReadOnly").replace("edgerw1", "edgero1")
                        .replace("10.0.0.60", "10.0.0.61"))
                .andExpect(status().isAccepted());
    }

    @Test
    void refusesAnInvalidConnectedRegistrySpec() throws Exception {
        UUID arc = fixtures.cluster("edge-" + shortId(), "arc", null);
        long before = fixtures.bindingCount(arc);

        problem(api.post("/api/v1/bindings", """
                        {"registryId": "%s", "clusterId": "%s", "method": "connected-registry",
                         "connectedRegistry": {"name": "cr", "mode": "ReadOnly", "repositories": ["Hello World"],
                                               "clusterIP": "fd00::10", "syncSchedule": "every day",
                                               "syncWindow": "PT1H", "namespaces": []}}""".formatted(registry, arc)),
                400, "validation-failed")
                .andExpect(jsonPath("$.errors[*].field", containsInAnyOrder("connectedRegistry.name",
                        "connectedRegistry.repositories[0]", "connectedRegistry.clusterIP",
                        "connectedRegistry.syncSchedule", "connectedRegistry.syncWindow",
                        "connectedRegistry.namespaces")));
        problem(api.post("/api/v1/bindings", """
                        {"registryId": "%s", "clusterId": "%s", "method": "connected-registry",
                         "connectedRegistry": {"name": "edge1cr", "mode": "ReadMostly", "repositories": ["a"],
                                               "clusterIP": "10.0.0.9"}}""".formatted(registry, arc)),
                400, "validation-failed")
                .andExpect(jsonPath("$.errors[0].field").value("connectedRegistry.mode"))
                .andExpect(jsonPath("$.errors[0].message").value("must be one of ReadOnly, ReadWrite"));
        problem(api.post("/api/v1/bindings", """
                        {"registryId": "%s", "clusterId": "%s", "method": "connected-registry"}""".formatted(registry, arc)),
                400, "validation-failed")
                .andExpect(jsonPath("$.errors[0].field").value("connectedRegistry"));
        assertThat(fixtures.bindingCount(arc)).isEqualTo(before);
    }

    @Test
    void updatesTargetsUnderIfMatchAndKeepsTheSecretNameFixed() throws Exception {
        UUID cluster = fixtures.cluster("onprem-" + shortId(), "kubeconfig", null);
        UUID token = fixtures.token(registry, "team-a-pull");
        var created = api.post("/api/v1/bindings", """
                        {"registryId": "%s", "clusterId": "%s", "method": "pull-secret",
                         "pullSecret": {"credential": {"tokenId": "%s"}, "namespaces": ["a"]}}"""
                        .formatted(registry, cluster, token))
                .andExpect(status().isAccepted()).andReturn().getResponse();
        String location = created.getHeader("Location");
        // The binding's apply job writes its status: the fixture token has no password, so the job waits for one
        // (every 10 s); the ETag to send is the one after its first wait.
        UUID id = UUID.fromString(location.substring(location.lastIndexOf('/') + 1));
        await("the binding's apply job to wait").atMost(Duration.ofSeconds(60)).until(() -> jdbc.sql("""
                        select count(*) from jobs where target_id = ? and state = 'queued'
                        and steps::text like '%read-credential%'""").param(id).query(Long.class).single() == 1);
        String etag = api.get(location).andReturn().getResponse().getHeader("ETag");

        problem(api.perform(Api.jsonPatch(location, """
                {"pullSecret": {"namespaces": ["a", "b"]}}""").header("If-Match", "\"41\"")), 412, "precondition-failed");
        problem(api.patch(location, """
                {"pullSecret": {"secretName": "renamed"}}"""), 400, "validation-failed")
                .andExpect(jsonPath("$.errors[0].field").value("pullSecret.secretName"));

        api.perform(Api.jsonPatch(location, """
                        {"pullSecret": {"namespaces": ["a", "b"], "serviceAccounts": []}}""").header("If-Match", etag))
                .andExpect(status().isAccepted())
                .andExpect(header().string("ETag", not(etag)))
                .andExpect(jsonPath("$.pullSecret.namespaces", containsInAnyOrder("a", "b")))
                .andExpect(jsonPath("$.pullSecret.serviceAccounts", hasSize(0)))
                .andExpect(jsonPath("$.pullSecret.secretName").value("acr-secret"))
                .andExpect(jsonPath("$.status.phase").value("Pending"));
    }

    @Test
    void aRegistryInUseCannotBeDeletedAndTheRefusalNamesTheBinding() throws Exception {
        String aksName = shortId();
        UUID aks = fixtures.cluster("aks-" + aksName, "aks", null);
        String location = api.post("/api/v1/bindings", """
                        {"registryId": "%s", "clusterId": "%s", "method": "kubelet-identity"}""".formatted(otherRegistry, aks))
                .andExpect(status().isAccepted()).andReturn().getResponse().getHeader("Location");
        String bindingId = location.substring(location.lastIndexOf('/') + 1);

        problem(api.delete("/api/v1/registries/" + otherRegistry), 409, "resource-in-use")
                .andExpect(jsonPath("$.references[*].id", hasItem(bindingId)))
                .andExpect(jsonPath("$.references[?(@.id == '" + bindingId + "')].name").value(
                        hasItem(otherRegistryName + " on aks-" + aksName + " (kubelet-identity)")));

        // The binding holds the registry until its delete job has removed it.
        UUID bindingJob = DeleteJobs.accepted(api.delete(location));
        DeleteJobs.awaitSucceeded(jdbc, bindingJob);
        api.get(location).andExpect(status().isNotFound());
        UUID registryJob = DeleteJobs.accepted(api.delete("/api/v1/registries/" + otherRegistry));
        DeleteJobs.awaitSucceeded(jdbc, registryJob);
        assertThat(jdbc.sql("select count(*) from registries where id = ?").param(otherRegistry).query(Long.class)
                .single()).isZero();
        api.get("/api/v1/registries/" + otherRegistry).andExpect(status().isNotFound());
    }

    @Test
    void listsBindingsFilteredByClusterAndMethod() throws Exception {
        UUID aks = fixtures.cluster("aks-" + shortId(), "aks", null);
        UUID token = fixtures.token(registry, "tok-" + shortId());
        api.post("/api/v1/bindings", """
                {"registryId": "%s", "clusterId": "%s", "method": "kubelet-identity"}""".formatted(registry, aks))
                .andExpect(status().isAccepted());
        api.post("/api/v1/bindings", """
                        {"registryId": "%s", "clusterId": "%s", "method": "pull-secret",
                         "pullSecret": {"credential": {"tokenId": "%s"}, "namespaceSelector": "team=a"}}"""
                        .formatted(registry, aks, token))
                .andExpect(status().isAccepted());

        Api.reader(mvc).get("/api/v1/bindings?clusterId=" + aks)
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.items", hasSize(2)));
        Api.reader(mvc).get("/api/v1/bindings?clusterId=" + aks + "&method=pull-secret")
                .andExpect(jsonPath("$.items", hasSize(1)))
                .andExpect(jsonPath("$.items[0].pullSecret.credential.tokenId").value(token.toString()));
        Api.reader(mvc).get("/api/v1/bindings?tokenId=" + token)
                .andExpect(jsonPath("$.items", hasSize(1)));
    }

    private static ResultActions problem(ResultActions result, int status, String type) throws Exception {
        return result.andExpect(status().is(status))
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEM + type));
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
