package io.pullbridge.bindings;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.pullbridge.common.ResourceKinds;
import io.pullbridge.jobs.JobRequest;
import io.pullbridge.jobs.JobService;
import io.pullbridge.support.Api;
import io.pullbridge.support.Clusters;
import io.pullbridge.support.IntegrationTest;
import io.pullbridge.support.JobsApi;
import io.pullbridge.support.Registries;
import io.pullbridge.support.SecretForms;
import io.pullbridge.support.azure.AzureEmulator;
import io.pullbridge.support.azure.EmulatedConnectedCluster;
import io.pullbridge.support.azure.EmulatedExtension;
import io.pullbridge.support.azure.EmulatedRegistry;
import io.pullbridge.support.azure.RegistryToken;
import io.pullbridge.support.kube.EmulatedCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * connected-registry bindings end to end: through the API, the real Azure SDK against the emulator (connected
 * registries, tokens, scope maps, Arc extensions) and the kubernetes adapter against an emulated API server.
 */
@IntegrationTest
@TestPropertySource(properties = {"pullbridge.bindings.connected-registry.poll-interval=PT0.2S",
        "pullbridge.jobs.initial-backoff=PT0.2S"})
@ExtendWith(OutputCaptureExtension.class)
class ConnectedRegistryBindingIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String REGISTRIES_API = "?api-version=2025-11-01";
    private static final String EXTENSIONS_API = "?api-version=2025-03-01";
    private static final String CLUSTER_IP = "10.0.0.50";

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ObjectMapper json;

    @Autowired
    JobService jobs;

    @Autowired
    TransactionTemplate tx;

    AzureEmulator azure = AzureEmulator.shared();
    EmulatedCluster cluster;
    String subscription;
    EmulatedRegistry registry;
    UUID registryId;
    EmulatedConnectedCluster arc;
    UUID clusterId;
    String name;

    @BeforeEach
    void premiumRegistryAndArcCluster() throws Exception {
        subscription = UUID.randomUUID().toString();
        azure.addSubscription(subscription).addResourceGroup(subscription, "rg-edge");
        registry = azure.addRegistry(subscription, "rg-edge", "acr" + shortId() + shortId()).sku("Premium")
                .dataEndpointEnabled(true);
        registryId = Registries.registered(mvc, jdbc, registry.id()).id();
        cluster = EmulatedCluster.start("team-a");
        arc = azure.addConnectedCluster(subscription, "rg-edge", "edge-" + shortId());
        clusterId = arcCluster(arc.id(), cluster.kubeconfig());
        name = "edge" + shortId();
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    @Test
    void aConnectedRegistryBindingGoesFromCreationToReadyThroughRotationDriftRepairAndAnInterruptedDelete()
            throws Exception {
        azure.clearRequests();
        UUID binding = bind(name, CLUSTER_IP);
        awaitLatestJob(binding, "succeeded");

        String cr = registry.id() + "/connectedRegistries/" + name;
        String token = registry.id() + "/tokens/";
        String scopeMap = registry.id() + "/scopeMaps/";
        String extension = extensionId(name);
        assertThat(armCalls()).containsExactly(
                "GET " + registry.id() + REGISTRIES_API,
                "GET " + arc.id() + "?api-version=2026-05-01",
                "GET " + extension + EXTENSIONS_API,
                "PUT " + scopeMap + name + REGISTRIES_API,
                "PUT " + token + name + REGISTRIES_API,
                "GET " + token + name + REGISTRIES_API,
                "PUT " + scopeMap + name + "-client" + REGISTRIES_API,
                "PUT " + token + name + "-client" + REGISTRIES_API,
                "GET " + cr + REGISTRIES_API,
                "GET " + registry.id() + REGISTRIES_API,
                "PUT " + cr + REGISTRIES_API,
                "GET " + extension + EXTENSIONS_API,
                "GET " + cr + REGISTRIES_API,
                "POST " + registry.id() + "/generateCredentials" + REGISTRIES_API,
                "PUT " + extension + EXTENSIONS_API,
                "GET " + extension + EXTENSIONS_API,
                "GET " + extension + EXTENSIONS_API,
                "POST " + registry.id() + "/generateCredentials" + REGISTRIES_API,
                "GET " + cr + REGISTRIES_API);
        assertThat(stepNames("/api/v1/jobs/" + latestJob(binding).get("id").asText())).containsExactly(
                "check-registry", "check-cluster", "check-cluster-ip", "put-sync-scope-map", "put-sync-token",
                "put-client-scope-map", "put-client-token", "put-connected-registry", "deploy-extension",
                "await-extension", "client-password", "read-cluster", "write-secrets",
                "read-status", "record");

        // The connected registry, its tokens and scope maps, as az acr connected-registry create makes them.
        assertThat(registry.scopeMap(name).actions()).containsExactly("repositories/hello-world/content/read",
                "repositories/hello-world/metadata/read", "gateway/" + name.toLowerCase() + "/config/read",
                "gateway/" + name.toLowerCase() + "/config/write", "gateway/" + name.toLowerCase() + "/message/read",
                "gateway/" + name.toLowerCase() + "/message/write");
        assertThat(registry.scopeMap(name + "-client").actions()).containsExactly(
                "repositories/hello-world/content/read", "repositories/hello-world/metadata/read");
        var connected = azure.connectedRegistry(cr).orElseThrow();
        assertThat(connected.mode()).isEqualTo("ReadOnly");
        assertThat(connected.schedule()).isEqualTo("0 0 * * *");
        assertThat(Duration.parse(connected.syncWindow())).isEqualTo(Duration.ofHours(24));
        assertThat(connected.syncTokenId()).isEqualToIgnoringCase(token + name);
        assertThat(connected.clientTokenIds()).hasSize(1).allMatch(id -> id.equalsIgnoreCase(token + name + "-client"));

        // The extension got the connection string az acr connected-registry get-settings prints, and nothing else.
        EmulatedExtension deployed = azure.extension(extension).orElseThrow();
        String syncPassword = registry.token(name).password("password1").value();
        assertThat(deployed.protectedSettings()).containsExactly(Map.entry("connectionString",
                "ConnectedRegistryName=" + name + ";SyncTokenName=" + name + ";SyncTokenPassword=" + syncPassword
                        + ";ParentGatewayEndpoint=" + registry.dataEndpointHostNames().get(0)
                        + ";ParentEndpointProtocol=https"));
        assertThat(deployed.configurationSettings()).containsEntry("service.clusterIP", CLUSTER_IP)
                .containsEntry("pvc.storageRequest", "250Gi");

        // Pods pull through <clusterIP> with the client token.
        String clientPassword = registry.token(name + "-client").password("password1").value();
        assertSecrets(binding, clientPassword);
        Api.reader(mvc).get("/api/v1/bindings/" + binding)
                .andExpect(jsonPath("$.status.phase").value("Ready"))
                .andExpect(jsonPath("$.status.connectedRegistry.extensionProvisioningState").value("Succeeded"))
                .andExpect(jsonPath("$.status.connectedRegistry.extensionVersion")
                        .value(EmulatedExtension.INSTALLED_VERSION))
                .andExpect(jsonPath("$.status.connectedRegistry.connectionState").value("Online"))
                .andExpect(jsonPath("$.status.connectedRegistry.activationStatus").value("Active"))
                .andExpect(jsonPath("$.status.connectedRegistry.lastSyncTime").exists())
                .andExpect(jsonPath("$.status.connectedRegistry.syncSchedule").value("0 0 * * *"))
                .andExpect(jsonPath("$.status.connectedRegistry.syncWindow").value("PT24H"))
                .andExpect(jsonPath("$.status.connectedRegistry.syncToken.currentSlot").value("password1"))
                .andExpect(jsonPath("$.status.connectedRegistry.clientToken.name").value(name + "-client"))
                .andExpect(jsonPath("$.status.namespaces.ready").value(2));
        assertNoSecretInClear(syncPassword, clientPassword);

        // Rotation: new passwords in the other slots reach the extension and the secrets; the old ones stop working.
        String rotation = Api.operator(mvc).post("/api/v1/bindings/" + binding + ":rotate", "")
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.type").value("binding.rotate"))
                .andReturn().getResponse().getHeader("Operation-Location");
        awaitJob(rotation, "succeeded");
        RegistryToken sync = registry.token(name);
        String newSyncPassword = sync.password("password2").value();
        assertThat(azure.extension(extension).orElseThrow().protectedSettings().get("connectionString"))
                .contains(";SyncTokenPassword=" + newSyncPassword + ";");
        assertThat(sync.password("password1").value()).isNotEqualTo(syncPassword);
        RegistryToken client = registry.token(name + "-client");
        String newClientPassword = client.password("password2").value();
        assertThat(client.password("password1").value()).isNotEqualTo(clientPassword);
        assertSecrets(binding, newClientPassword);
        assertThat(azure.connectedRegistry(cr).orElseThrow().connectionState()).isEqualTo("Online");
        Api.reader(mvc).get("/api/v1/bindings/" + binding)
                .andExpect(jsonPath("$.status.connectedRegistry.syncToken.currentSlot").value("password2"))
                .andExpect(jsonPath("$.status.connectedRegistry.syncToken.retiringSlot").doesNotExist())
                .andExpect(jsonPath("$.status.connectedRegistry.clientToken.currentSlot").value("password2"));
        assertThat(stepNames(rotation)).containsSubsequence("rotate-sync-password", "await-extension",
                "retire-sync-password", "rotate-client-password", "write-secrets", "retire-client-password");
        assertNoSecretInClear(newSyncPassword, newClientPassword);

        // Drift: a deleted extension is deployed again, with a new sync password, and the registry comes back online.
        azure.removeExtension(extension);
        assertThat(azure.connectedRegistry(cr).orElseThrow().connectionState()).isEqualTo("Offline");
        reconcile(binding);
        assertThat(azure.extension(extension).orElseThrow().provisioningState()).isEqualTo("Succeeded");
        assertThat(azure.connectedRegistry(cr).orElseThrow().connectionState()).isEqualTo("Online");
        assertThat(drift(binding)).contains("extension " + name.toLowerCase() + " was missing");

        // Drift: a deleted client token is made again, with a new password that reaches every secret.
        azure.removeToken(registry.id(), name + "-client");
        reconcile(binding);
        String remadePassword = registry.token(name + "-client").password("password2").value();
        assertSecrets(binding, remadePassword);
        assertThat(drift(binding)).contains("client token " + name + "-client had lost its password2");
        Api.reader(mvc).get("/api/v1/bindings/" + binding).andExpect(jsonPath("$.status.phase").value("Ready"));

        // Drift: a sync token re-created without its passwords; the extension gets a new one and connects again.
        azure.removeToken(registry.id(), name);
        reconcile(binding);
        String remadeSyncPassword = registry.token(name).password("password2").value();
        assertThat(azure.extension(extension).orElseThrow().protectedSettings().get("connectionString"))
                .contains(";SyncTokenPassword=" + remadeSyncPassword + ";");
        assertThat(azure.connectedRegistry(cr).orElseThrow().connectionState()).isEqualTo("Online");
        assertThat(drift(binding)).contains("sync token " + name + " had lost its password2");
        assertNoSecretInClear(remadeSyncPassword, remadePassword);

        // An interrupted delete: the extension's delete is throttled (retried by the engine), the connected
        // registry's is refused (the job fails); retried, the job goes on from there to the end.
        azure.throttleNext(1, "DELETE", "/extensions/", Duration.ofSeconds(1));
        azure.failNext(1, "DELETE", "/connectedRegistries/", 403, "AuthorizationFailed",
                "The client does not have authorization to perform action 'delete'.");
        String deletion = Api.operator(mvc).delete("/api/v1/bindings/" + binding).andExpect(status().isAccepted())
                .andReturn().getResponse().getHeader("Operation-Location");
        awaitJob(deletion, "failed");
        assertThat(azure.extension(extension)).isEmpty();
        assertThat(azure.connectedRegistry(cr)).isPresent();
        Api.reader(mvc).get("/api/v1/bindings/" + binding).andExpect(jsonPath("$.status.phase").value("Deleting"));
        Api.operator(mvc).post(deletion + ":retry", "").andExpect(status().isAccepted());
        awaitJob(deletion, "succeeded");
        assertThat(azure.connectedRegistry(cr)).isEmpty();
        assertThat(registry.token(name)).isNull();
        assertThat(registry.token(name + "-client")).isNull();
        assertThat(registry.scopeMap(name)).isNull();
        assertThat(registry.scopeMap(name + "-client")).isNull();
        for (String namespace : List.of("default", "team-a")) {
            assertThat(cluster.client().secrets().inNamespace(namespace).withName("regcred").get()).isNull();
        }
        Api.reader(mvc).get("/api/v1/bindings/" + binding).andExpect(status().isNotFound());
        assertThat(stepNames(deletion)).containsSubsequence("remove-secrets", "delete-extension",
                "deactivate-connected-registry", "delete-connected-registry", "delete-tokens", "delete-scope-maps");
    }

    @Test
    void anExtensionThatFailsToInstallIsReportedWithItsErrorAndRetriedByTheNextPass() throws Exception {
        azure.failNextExtension("ExtensionOperationFailed", "helm install failed: the PersistentVolumeClaim is "
                + "pending: no default storage class");
        UUID binding = bind(name, CLUSTER_IP);
        JsonNode job = awaitLatestJob(binding, "failed");
        assertThat(job.at("/lastError/type").asText()).isEqualTo("https://pullbridge.io/problems/azure-extension-failed");
        assertThat(job.at("/lastError/detail").asText()).contains("ExtensionOperationFailed")
                .contains("no default storage class");
        Api.reader(mvc).get("/api/v1/bindings/" + binding)
                .andExpect(jsonPath("$.status.phase").value("Failed"))
                .andExpect(jsonPath("$.status.connectedRegistry.extensionProvisioningState").value("Failed"))
                .andExpect(jsonPath("$.status.connectedRegistry.extensionError")
                        .value(org.hamcrest.Matchers.containsString("no default storage class")));

        reconcile(binding);
        assertThat(azure.extension(extensionId(name)).orElseThrow().provisioningState()).isEqualTo("Succeeded");
        Api.reader(mvc).get("/api/v1/bindings/" + binding)
                .andExpect(jsonPath("$.status.phase").value("Ready"))
                .andExpect(jsonPath("$.status.connectedRegistry.extensionError").doesNotExist());
    }

    @Test
    void anExtensionWhoseHelmOutputQuotesTheConnectionStringShowsNoSecretInJobsStatusAuditOrLogs(
            CapturedOutput output) throws Exception {
        // The failure is seen only after the job has waited for the install (one read says Creating): the job that
        // resumes must still mask the password it gave the extension, in every spelling Helm may quote it in.
        azure.failNextExtension("ExtensionOperationFailed", "helm install failed: Error: INSTALLATION FAILED: values "
                + "don't meet the specifications of the schema(s): connectionString: \"{connectionString}\" is "
                + "not reachable; syncTokenPassword: {syncPassword}; secret data: {syncPasswordBase64}");
        UUID binding = bind(name, CLUSTER_IP);
        JsonNode job = awaitLatestJob(binding, "failed");
        assertThat(job.at("/steps").toString()).contains("\"deploy-extension\"", "\"await-extension\"");
        String connectionString = azure.extension(extensionId(name)).orElseThrow().protectedSettings()
                .get("connectionString");
        String syncPassword = connectionString.replaceFirst(".*;SyncTokenPassword=([^;]+);.*", "$1");
        assertThat(syncPassword).isNotBlank().doesNotContain(";");

        assertThat(job.at("/lastError/type").asText())
                .isEqualTo("https://pullbridge.io/problems/azure-extension-failed");
        assertThat(job.at("/lastError/detail").asText()).contains("helm install failed")
                .contains("SyncTokenName=" + name + ";SyncTokenPassword=(redacted);ParentGatewayEndpoint=");
        String status = Api.reader(mvc).get("/api/v1/bindings/" + binding)
                .andExpect(jsonPath("$.status.connectedRegistry.extensionError").value(
                        org.hamcrest.Matchers.containsString("SyncTokenPassword=(redacted)")))
                .andReturn().getResponse().getContentAsString();
        List<String> texts = new ArrayList<>(List.of(job.toString(), status, output.getAll()));
        texts.addAll(SecretForms.recorded(jdbc));
        SecretForms.assertNoneIn("answers, rows and logs", texts, syncPassword, connectionString);
        assertThat(job.at("/lastError/detail").asText()).contains("syncTokenPassword: (redacted); secret data: "
                + "(redacted)");
        // Held encrypted only while the extension was being given it: the failure dropped it.
        assertThat(jdbc.sql("select sync_token_ciphertext is null from bindings where id = ?").param(binding)
                .query(Boolean.class).single()).isTrue();
    }

    @Test
    void eachCheckBeforeAnyChangeFailsWithAProblemOfItsOwn() throws Exception {
        // A registry that is not Premium, then one without its dedicated data endpoint.
        registry.sku("Standard");
        assertCheckFails(bind(name, CLUSTER_IP), "connected-registry-needs-premium", "--sku Premium");
        registry.sku("Premium").dataEndpointEnabled(false);
        assertCheckFails(bind("b" + name, "10.0.0.51"), "connected-registry-data-endpoint-disabled",
                "az acr update -n " + registry.name() + " --data-endpoint-enabled");
        registry.dataEndpointEnabled(true);

        // A clusterIP another Service holds.
        cluster.client().services().inNamespace("team-a").resource(new ServiceBuilder().withNewMetadata()
                .withName("web").withNamespace("team-a").endMetadata().withNewSpec().withClusterIP("10.0.0.60")
                .withClusterIPs("10.0.0.60").endSpec().build()).create();
        assertCheckFails(bind("c" + name, "10.0.0.60"), "cluster-ip-in-use", "Service team-a/web");

        // An Arc cluster whose connectedClusters resource is gone.
        String missing = "/subscriptions/" + subscription + "/resourceGroups/rg-edge/providers/"
                + "Microsoft.Kubernetes/connectedClusters/gone-" + shortId();
        UUID gone = new BindingFixtures(jdbc).cluster("gone-" + shortId(), "arc", "10.0.0.0/16");
        jdbc.sql("update clusters set resource_id = ? where id = ?").params(missing, gone).update();
        UUID binding = bindOn(gone, "d" + name, "10.0.0.52");
        assertCheckFails(binding, "connected-registry-arc-cluster-not-found", "az connectedk8s connect");

        // Nothing was made in Azure by the refused bindings.
        assertThat(registry.tokens()).isEmpty();
        assertThat(azure.connectedRegistries()).noneMatch(c -> c.registryId().equalsIgnoreCase(registry.id()));
    }

    @Test
    void onlyConnectedRegistryBindingsRotate() throws Exception {
        UUID token = new BindingFixtures(jdbc).token(registryId, "team-" + shortId());
        String body = Api.operator(mvc).post("/api/v1/bindings", """
                {"registryId": "%s", "clusterId": "%s", "method": "pull-secret",
                 "pullSecret": {"credential": {"tokenId": "%s"}, "namespaces": ["team-a"]}}"""
                        .formatted(registryId, clusterId, token))
                .andExpect(status().isAccepted()).andReturn().getResponse().getContentAsString();
        String pullSecret = json.readTree(body).get("id").asText();
        Api.operator(mvc).post("/api/v1/bindings/" + pullSecret + ":rotate", "")
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.type").value("https://pullbridge.io/problems/invalid-state"))
                .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("tokens/{tokenId}:rotate")));
        Api.operator(mvc).post("/api/v1/bindings/" + UUID.randomUUID() + ":rotate", "")
                .andExpect(status().isNotFound());
    }

    // ---- helpers

    private void assertCheckFails(UUID binding, String slug, String detail) {
        JsonNode job = awaitLatestJob(binding, "failed");
        assertThat(job.at("/lastError/type").asText()).isEqualTo("https://pullbridge.io/problems/" + slug);
        assertThat(job.at("/lastError/detail").asText()).contains(detail);
    }

    private void assertSecrets(UUID binding, String clientPassword) {
        byte[] expected = DockerConfigJson.of(CLUSTER_IP, name + "-client", clientPassword);
        for (String namespace : List.of("default", "team-a")) {
            Secret secret = cluster.client().secrets().inNamespace(namespace).withName("regcred").get();
            assertThat(secret).as("secret in %s", namespace).isNotNull();
            assertThat(secret.getType()).isEqualTo("kubernetes.io/dockerconfigjson");
            assertThat(Base64.getDecoder().decode(secret.getData().get(".dockerconfigjson"))).isEqualTo(expected);
            assertThat(secret.getMetadata().getLabels()).containsEntry("pullbridge.io/binding", binding.toString());
        }
    }

    /** No table PullBridge writes holds a password in clear: not jobs (steps, errors), bindings, audit events. */
    private void assertNoSecretInClear(String... passwords) {
        for (String table : List.of("jobs", "bindings", "audit_events", "registry_tokens", "idempotency_records")) {
            List<String> rows = jdbc.sql("select row_to_json(t)::text from " + table + " t").query(String.class)
                    .list();
            for (String password : passwords) {
                assertThat(rows).as("rows of %s", table).noneMatch(row -> row.contains(password));
            }
        }
    }

    private List<String> armCalls() {
        List<String> calls = new ArrayList<>();
        for (String line : azure.callLines()) {
            if (line.contains(subscription)) {
                calls.add(line);
            }
        }
        return calls;
    }

    private String extensionId(String connectedRegistry) {
        return arc.id() + "/providers/Microsoft.KubernetesConfiguration/extensions/" + connectedRegistry.toLowerCase();
    }

    private UUID arcCluster(String resourceId, String kubeconfig) throws Exception {
        var created = Api.admin(mvc).post("/api/v1/clusters", json.writeValueAsString(Map.of("name",
                        "edge-" + shortId(), "kind", "arc", "resourceId", resourceId, "kubeconfig", kubeconfig,
                        "serviceCidr", "10.0.0.0/16")))
                .andExpect(status().isAccepted()).andReturn().getResponse();
        Clusters.awaitEnded(jdbc, Registries.jobOf(created), "succeeded");
        String location = created.getHeader("Location");
        return UUID.fromString(location.substring(location.lastIndexOf('/') + 1));
    }

    private UUID bind(String connectedRegistry, String clusterIp) throws Exception {
        return bindOn(clusterId, connectedRegistry, clusterIp);
    }

    private UUID bindOn(UUID cluster, String connectedRegistry, String clusterIp) throws Exception {
        String body = Api.operator(mvc).post("/api/v1/bindings", """
                        {"registryId": "%s", "clusterId": "%s", "method": "connected-registry",
                         "connectedRegistry": {"name": "%s", "repositories": ["hello-world"], "clusterIP": "%s",
                                               "syncSchedule": "0 0 * * *", "syncWindow": "PT24H",
                                               "secretName": "%s", "namespaces": ["default", "team-a"]}}"""
                        .formatted(registryId, cluster, connectedRegistry, clusterIp, connectedRegistry.equals(name)
                                ? "regcred" : "regcred-" + connectedRegistry.toLowerCase()))
                .andExpect(status().isAccepted())
                .andReturn().getResponse().getContentAsString();
        return UUID.fromString(json.readTree(body).get("id").asText());
    }

    private void reconcile(UUID binding) {
        UUID job = tx.execute(status -> jobs.enqueue(JobRequest.of(BindingJobs.RECONCILE, ResourceKinds.BINDING,
                binding)).id());
        awaitJob("/api/v1/jobs/" + job, "succeeded");
    }

    private String drift(UUID binding) throws Exception {
        return json.readTree(Api.reader(mvc).get("/api/v1/bindings/" + binding).andReturn().getResponse()
                .getContentAsString()).at("/status/drift").toString();
    }

    private List<String> stepNames(String job) throws Exception {
        List<String> names = new ArrayList<>();
        json.readTree(Api.reader(mvc).get(job).andReturn().getResponse().getContentAsString()).get("steps")
                .forEach(step -> names.add(step.get("name").asText()));
        return names;
    }

    private JsonNode awaitLatestJob(UUID binding, String state) {
        return JobsApi.awaitLatest(mvc, json, binding, state, TIMEOUT);
    }

    private JsonNode latestJob(UUID binding) {
        return JobsApi.latest(mvc, json, binding);
    }

    private JsonNode awaitJob(String location, String state) {
        return JobsApi.await(mvc, json, location, state, TIMEOUT);
    }

    private static String shortId() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    }
}
