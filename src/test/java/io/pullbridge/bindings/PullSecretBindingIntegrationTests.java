package io.pullbridge.bindings;

import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.pullbridge.common.ResourceKinds;
import io.pullbridge.common.SecretMask;
import io.pullbridge.jobs.JobRequest;
import io.pullbridge.jobs.JobService;
import io.pullbridge.jobs.ReconcileSource;
import io.pullbridge.support.Api;
import io.pullbridge.support.Clusters;
import io.pullbridge.support.IntegrationTest;
import io.pullbridge.support.JobsApi;
import io.pullbridge.support.Principals;
import io.pullbridge.support.Registries;
import io.pullbridge.support.SecretForms;
import io.pullbridge.support.azure.AzureEmulator;
import io.pullbridge.support.azure.GraphServicePrincipal;
import io.pullbridge.support.kube.EmulatedCluster;
import io.pullbridge.registry.HandshakeAssertions;
import io.pullbridge.support.azure.AzureEmulatorTrust;
import io.pullbridge.support.registry.DistributionRegistry;
import io.pullbridge.support.registry.ScriptedServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
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
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * pull-secret bindings end to end: through the API, the real Azure SDK against the emulator, and the kubernetes
 * adapter against an emulated API server. The properties match {@code ServicePrincipalAzureIntegrationTests}, so
 * both share one application context.
 */
@IntegrationTest
@TestPropertySource(properties = "pullbridge.principals.rotation.poll-interval=PT0.2S")
@ExtendWith(OutputCaptureExtension.class)
class PullSecretBindingIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String PASSWORD = "p@ss:w\"o\\rd-é-ü-<&>";

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

    @Autowired
    List<ReconcileSource> reconcileSources;

    AzureEmulator azure = AzureEmulator.shared();
    EmulatedCluster cluster;
    UUID clusterId;
    UUID registryId;
    String loginServer;
    GraphServicePrincipal principal;
    UUID principalId;

    @BeforeEach
    void registryClusterAndPrincipal() throws Exception {
        cluster = EmulatedCluster.start("team-a", "team-b", "kube-system");
        cluster.addNamespace("team-c", Map.of("team", "a"));
        cluster.addNamespace("team-d", Map.of("team", "d"));
        clusterId = Clusters.registered(mvc, jdbc, "c-" + UUID.randomUUID().toString().substring(0, 8),
                cluster.kubeconfig()).id();
        Registries.Registered registry = Registries.registered(mvc, jdbc);
        registryId = registry.id();
        loginServer = json.readTree(Api.reader(mvc).get(registry.location()).andReturn().getResponse()
                .getContentAsString()).get("loginServer").asText();
        principal = azure.addServicePrincipal("pull-" + UUID.randomUUID());
        // Adopting signs in with the password (Admin's to do): it is one the emulated application holds.
        azure.addPassword(principal, PASSWORD, Instant.now().plus(Duration.ofDays(30)));
        principalId = Principals.created(Api.admin(mvc), jdbc, json.writeValueAsString(Map.of(
                "mode", "adopt", "appId", principal.appId(), "password", PASSWORD,
                "grants", List.of(Map.of("registryId", registryId.toString(), "role", "acrpull")))),
                "succeeded").id();
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    @Test
    void writesTheSecretKubectlWouldWriteIntoEveryTargetNamespaceAndGivesItToTheServiceAccounts() throws Exception {
        cluster.client().serviceAccounts().inNamespace("team-a").withName("default").edit(account -> {
            account.setImagePullSecrets(new java.util.ArrayList<>(List.of(new LocalObjectReference("theirs"))));
            return account;
        });

        UUID binding = bind("""
                {"credential": {"servicePrincipalId": "%s"}, "secretName": "acr-secret", "namespaces": ["team-a"],
                 "namespaceSelector": "team=a", "excludeNamespaces": ["kube-system"], "serviceAccounts": ["default"]}
                """.formatted(principalId));
        awaitLatestJob(binding, "succeeded");

        byte[] expected = DockerConfigJson.of(loginServer, principal.appId(), PASSWORD);
        for (String namespace : List.of("team-a", "team-c")) {
            Secret secret = cluster.client().secrets().inNamespace(namespace).withName("acr-secret").get();
            assertThat(secret).as("secret in %s", namespace).isNotNull();
            assertThat(secret.getType()).isEqualTo("kubernetes.io/dockerconfigjson");
            assertThat(Base64.getDecoder().decode(secret.getData().get(".dockerconfigjson"))).isEqualTo(expected);
            assertThat(secret.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "pullbridge")
                    .containsEntry("pullbridge.io/binding", binding.toString());
        }
        assertThat(new String(expected, StandardCharsets.UTF_8)).contains("\\\"o\\\\rd-é-ü-\\u003c\\u0026\\u003e");
        for (String namespace : List.of("team-b", "team-d", "kube-system", "default")) {
            assertThat(cluster.client().secrets().inNamespace(namespace).withName("acr-secret").get())
                    .as("secret in %s", namespace).isNull();
        }
        assertThat(pullSecretNames("team-a")).containsExactly("theirs", "acr-secret");
        assertThat(pullSecretNames("team-c")).containsExactly("acr-secret");

        Api.reader(mvc).get("/api/v1/bindings/" + binding)
                .andExpect(jsonPath("$.status.phase").value("Ready"))
                .andExpect(jsonPath("$.status.namespaces.targeted").value(2))
                .andExpect(jsonPath("$.status.namespaces.ready").value(2))
                .andExpect(jsonPath("$.status.namespaces.conflicts").value(0))
                .andExpect(jsonPath("$.status.reconciledAt").exists());
        assertThat(jdbc.sql("select count(*) from jobs where steps::text like ? or last_error::text like ?")
                .params("%" + "w\\\"o" + "%", "%" + "p@ss" + "%").query(Long.class).single())
                .as("no job record holds the password").isZero();
    }

    @Test
    void anAdoptedPasswordNeverProvenReachesNoSecretUntilTheReconcilePassHadItProven() throws Exception {
        // A principal adopted before PullBridge proved passwords (V11): provisioned, its password never signed in with.
        jdbc.sql("update service_principals set credential_verified_at = null where id = ?").param(principalId)
                .update();
        UUID binding = bind("""
                {"credential": {"servicePrincipalId": "%s"}, "secretName": "acr-secret", "namespaces": ["team-a"]}"""
                .formatted(principalId));
        await("the binding's job to wait for a proven password").atMost(TIMEOUT).until(() -> jdbc.sql("""
                select count(*) from jobs where target_id = ? and state = 'queued'
                and steps::text like '%the credential has no password yet%'""").param(binding).query(Long.class)
                .single() == 1);
        assertThat(cluster.client().secrets().inNamespace("team-a").withName("acr-secret").get()).isNull();

        // What the reconcile pass asks for: the principal's adopt job, which signs in with the password.
        List<JobRequest> proofs = reconcileSources.stream().flatMap(source -> source.reconcileRequests().stream())
                .filter(request -> request.targetId().equals(principalId)).toList();
        assertThat(proofs).singleElement().satisfies(request ->
                assertThat(request.type()).isEqualTo("service-principal.adopt"));
        UUID proof = tx.execute(status -> jobs.enqueue(proofs.get(0)).id());
        Principals.awaitJob(jdbc, proof, "succeeded");

        await("the secret to be written with the proven password").atMost(TIMEOUT).until(() ->
                cluster.client().secrets().inNamespace("team-a").withName("acr-secret").get() != null);
        Secret written = cluster.client().secrets().inNamespace("team-a").withName("acr-secret").get();
        assertThat(new String(Base64.getDecoder().decode(written.getData().get(".dockerconfigjson")),
                StandardCharsets.UTF_8)).contains(Base64.getEncoder().encodeToString((principal.appId() + ":"
                + PASSWORD).getBytes(StandardCharsets.UTF_8)));
        assertThat(reconcileSources.stream().flatMap(source -> source.reconcileRequests().stream()))
                .noneMatch(request -> request.targetId().equals(principalId));
    }

    @Test
    void neverOverwritesASecretItDoesNotManageAndReportsTheConflict() throws Exception {
        cluster.client().secrets().inNamespace("team-b").resource(new SecretBuilder().withNewMetadata()
                .withName("acr-secret").withNamespace("team-b").endMetadata().withType("Opaque")
                .addToStringData("owner", "someone-else").build()).create();

        UUID binding = bind("""
                {"credential": {"servicePrincipalId": "%s"}, "secretName": "acr-secret",
                 "namespaces": ["team-a", "team-b", "team-z"]}""".formatted(principalId));
        awaitLatestJob(binding, "succeeded");

        Secret theirs = cluster.client().secrets().inNamespace("team-b").withName("acr-secret").get();
        assertThat(theirs.getType()).isEqualTo("Opaque");
        assertThat(theirs.getMetadata().getLabels()).isNullOrEmpty();
        Api.reader(mvc).get("/api/v1/bindings/" + binding)
                .andExpect(jsonPath("$.status.phase").value("Degraded"))
                .andExpect(jsonPath("$.status.namespaces.ready").value(1))
                .andExpect(jsonPath("$.status.namespaces.conflicts").value(1))
                .andExpect(jsonPath("$.status.namespaces.pending").value(1))
                .andExpect(jsonPath("$.status.namespaces.issues[?(@.namespace == 'team-b')].state").value("conflict"))
                .andExpect(jsonPath("$.status.namespaces.issues[?(@.namespace == 'team-z')].state").value("pending"))
                .andExpect(jsonPath("$.status.conditions[?(@.type == 'Degraded')].reason").value("SecretConflict"));

        cluster.addNamespace("team-z", Map.of());
        reconcile(binding);
        assertThat(cluster.client().secrets().inNamespace("team-z").withName("acr-secret").get()).isNotNull();
    }

    @Test
    void theFirstPassWritesEachNamespaceWithOneCreateAndReadsOnlyWhereASecretIsInTheWay() throws Exception {
        for (int i = 0; i < 20; i++) {
            cluster.addNamespace("fan-" + i, Map.of("fan", "out"));
        }
        cluster.client().secrets().inNamespace("fan-7").resource(new SecretBuilder().withNewMetadata()
                .withName("acr-secret").withNamespace("fan-7").endMetadata().withType("Opaque")
                .addToStringData("owner", "someone-else").build()).create();
        cluster.clearRequests();

        UUID binding = bind("""
                {"credential": {"servicePrincipalId": "%s"}, "secretName": "acr-secret", "namespaceSelector": "fan=out",
                 "serviceAccounts": ["default"]}""".formatted(principalId));
        awaitLatestJob(binding, "succeeded");

        List<String> requests = cluster.requests();
        assertThat(requests).filteredOn(request -> request.matches("POST /api/v1/namespaces/[^/]+/secrets.*"))
                .as("one create per target namespace").hasSize(20);
        assertThat(requests).filteredOn(request -> request.matches("GET /api/v1/namespaces/[^/]+/secrets/.*"))
                .as("reads of single secrets: only where a create found one in the way")
                .containsExactly("GET /api/v1/namespaces/fan-7/secrets/acr-secret");
        assertThat(requests).filteredOn(request -> request.startsWith("PATCH")).hasSize(19);
        assertThat(requests).filteredOn(request -> request.startsWith("GET") && !request.contains("/secrets/"))
                .as("list calls").hasSize(3);
        Api.reader(mvc).get("/api/v1/bindings/" + binding)
                .andExpect(jsonPath("$.status.namespaces.ready").value(19))
                .andExpect(jsonPath("$.status.namespaces.conflicts").value(1));
        assertThat(cluster.client().secrets().inNamespace("fan-7").withName("acr-secret").get().getType())
                .isEqualTo("Opaque");
    }

    @Test
    void aClusterThatThrottlesSlowsTheFanOutDownWhichStillConvergesWithoutAFailure() throws Exception {
        for (int i = 0; i < 60; i++) {
            cluster.addNamespace("busy-" + i, Map.of("fan", "busy"));
        }
        cluster.clearRequests();
        // Far fewer calls a second than the 120 writes and lists need at full speed.
        cluster.throttleAbove(40);

        UUID binding = bind("""
                {"credential": {"servicePrincipalId": "%s"}, "secretName": "acr-secret",
                 "namespaceSelector": "fan=busy", "serviceAccounts": ["default"]}""".formatted(principalId));
        awaitLatestJob(binding, "succeeded");

        assertThat(cluster.throttled()).as("the cluster pushed back").isPositive();
        JsonNode job = latestJob(binding);
        assertThat(job.get("attempts").asInt()).as("no call's failure reached the job").isEqualTo(1);
        Api.reader(mvc).get("/api/v1/bindings/" + binding)
                .andExpect(jsonPath("$.status.phase").value("Ready"))
                .andExpect(jsonPath("$.status.namespaces.ready").value(60));
        cluster.throttleAbove(0);
        assertThat(cluster.client().secrets().inAnyNamespace().withLabel("pullbridge.io/binding", binding.toString())
                .list().getItems()).hasSize(60);
        assertThat(cluster.client().serviceAccounts().inNamespace("busy-59").withName("default").get()
                .getImagePullSecrets()).extracting("name").contains("acr-secret");
    }

    @Test
    void aClusterThatIsSlowToWriteDoesNotHoldUpBindingsOnOtherClusters() throws Exception {
        try (EmulatedCluster slow = EmulatedCluster.start()) {
            for (int i = 0; i < 40; i++) {
                slow.addNamespace("slow-" + i, Map.of("fan", "out"));
            }
            UUID slowCluster = Clusters.registered(mvc, jdbc, "slow-" + UUID.randomUUID().toString().substring(0, 8),
                    slow.kubeconfig()).id();
            slow.clearRequests();
            slow.holdWrites();
            String body = Api.operator(mvc).post("/api/v1/bindings", """
                    {"registryId": "%s", "clusterId": "%s", "method": "pull-secret", "pullSecret": {
                     "credential": {"servicePrincipalId": "%s"}, "secretName": "acr-secret",
                     "namespaceSelector": "fan=out", "serviceAccounts": []}}"""
                            .formatted(registryId, slowCluster, principalId))
                    .andExpect(status().isAccepted()).andReturn().getResponse().getContentAsString();
            UUID held = UUID.fromString(json.readTree(body).get("id").asText());
            await("the slow cluster's first write").atMost(TIMEOUT).until(() -> slow.requests().stream()
                    .anyMatch(request -> request.startsWith("POST")));

            // 40 namespaces are more than the writers of a pass: with writers shared by all passes, this binding's
            // writes queued behind the held ones until those failed (busy-wait, 30 s). Now it is done long before.
            UUID binding = bind("""
                    {"credential": {"servicePrincipalId": "%s"}, "secretName": "acr-secret", "namespaces": ["team-a"],
                     "serviceAccounts": []}""".formatted(principalId));
            await("the binding on the other cluster to be Ready").atMost(Duration.ofSeconds(20)).until(() ->
                    "succeeded".equals(latestJob(binding).get("state").asText()));
            assertThat(cluster.client().secrets().inNamespace("team-a").withName("acr-secret").get()).isNotNull();
            assertThat(latestJob(held).get("state").asText()).as("the slow cluster's job, still writing")
                    .isEqualTo("running");

            slow.releaseWrites();
            awaitLatestJob(held, "succeeded");
        }
    }

    @Test
    void reconciliationRepairsDriftWithListCallsThatDoNotGrowWithNamespaces() throws Exception {
        for (int i = 0; i < 20; i++) {
            cluster.addNamespace("bulk-" + i, Map.of("team", "a"));
        }
        UUID binding = bind("""
                {"credential": {"servicePrincipalId": "%s"}, "secretName": "acr-secret", "namespaceSelector": "team=a",
                 "serviceAccounts": ["default"]}""".formatted(principalId));
        awaitLatestJob(binding, "succeeded");
        Api.reader(mvc).get("/api/v1/bindings/" + binding).andExpect(jsonPath("$.status.namespaces.ready").value(21));

        cluster.clearRequests();
        reconcile(binding);
        List<String> steady = cluster.requests();
        assertThat(steady).as("an in-sync pass lists, and writes nothing").allSatisfy(request ->
                assertThat(request).startsWith("GET"));
        assertThat(steady).as("calls of an in-sync pass over 21 namespaces").hasSizeLessThanOrEqualTo(4);
        Api.reader(mvc).get("/api/v1/bindings/" + binding).andExpect(jsonPath("$.status.drift").isEmpty());

        cluster.client().secrets().inNamespace("bulk-3").withName("acr-secret").delete();
        cluster.client().secrets().inNamespace("bulk-4").withName("acr-secret").edit(secret -> {
            secret.getData().put(".dockerconfigjson", Base64.getEncoder().encodeToString("{}".getBytes()));
            return secret;
        });
        cluster.client().serviceAccounts().inNamespace("bulk-5").withName("default").edit(account -> {
            account.setImagePullSecrets(new java.util.ArrayList<>());
            return account;
        });
        cluster.addNamespace("late", Map.of("team", "a"));
        reconcile(binding);

        byte[] expected = DockerConfigJson.of(loginServer, principal.appId(), PASSWORD);
        for (String namespace : List.of("bulk-3", "bulk-4", "late")) {
            assertThat(Base64.getDecoder().decode(cluster.client().secrets().inNamespace(namespace)
                    .withName("acr-secret").get().getData().get(".dockerconfigjson"))).isEqualTo(expected);
        }
        assertThat(pullSecretNames("bulk-5")).containsExactly("acr-secret");
        String body = Api.reader(mvc).get("/api/v1/bindings/" + binding).andReturn().getResponse()
                .getContentAsString();
        assertThat(json.readTree(body).at("/status/drift").toString())
                .contains("was missing in bulk-3").contains("in bulk-4 was changed outside PullBridge")
                .contains("bulk-5/default had lost its imagePullSecrets entry").contains("missing in late");
    }

    @Test
    void deleteRemovesTheSecretsAndOnlyTheBindingsServiceAccountEntries() throws Exception {
        cluster.client().serviceAccounts().inNamespace("team-a").withName("default").edit(account -> {
            account.setImagePullSecrets(new java.util.ArrayList<>(List.of(new LocalObjectReference("theirs"))));
            return account;
        });
        UUID binding = bind("""
                {"credential": {"servicePrincipalId": "%s"}, "secretName": "acr-secret",
                 "namespaces": ["team-a", "team-b"], "serviceAccounts": ["default"]}""".formatted(principalId));
        awaitLatestJob(binding, "succeeded");
        assertThat(pullSecretNames("team-a")).containsExactly("theirs", "acr-secret");

        String job = Api.operator(mvc).delete("/api/v1/bindings/" + binding).andExpect(status().isAccepted())
                .andReturn().getResponse().getHeader("Operation-Location");
        awaitJob(job, "succeeded");

        assertThat(cluster.client().secrets().inNamespace("team-a").withName("acr-secret").get()).isNull();
        assertThat(cluster.client().secrets().inNamespace("team-b").withName("acr-secret").get()).isNull();
        assertThat(pullSecretNames("team-a")).containsExactly("theirs");
        assertThat(pullSecretNames("team-b")).isEmpty();
        Api.reader(mvc).get(job).andExpect(jsonPath("$.steps[?(@.name == 'remove-secrets')].detail")
                .value(org.hamcrest.Matchers.contains(containsString("from 2 namespaces"))));
    }

    @Test
    void aRotatedPasswordReachesEverySecretBeforeTheOldOneIsRemoved() throws Exception {
        UUID created = Principals.created(Api.operator(mvc), jdbc, json.writeValueAsString(Map.of(
                "mode", "create", "displayName", "rotating-" + UUID.randomUUID(), "passwordLifetime", "P90D",
                "grants", List.of(Map.of("registryId", registryId.toString(), "role", "acrpull")))),
                "succeeded").id();
        UUID binding = bind("""
                {"credential": {"servicePrincipalId": "%s"}, "secretName": "acr-secret",
                 "namespaces": ["team-a", "team-b"]}""".formatted(created));
        awaitLatestJob(binding, "succeeded");
        String before = fingerprint(created);
        String appId = json.readTree(Api.reader(mvc).get("/api/v1/service-principals/" + created).andReturn()
                .getResponse().getContentAsString()).get("appId").asText();
        int passwordsBefore = azure.applicationByAppId(appId).orElseThrow().passwords().size();

        UUID rotation = Principals.rotation(Api.operator(mvc)
                .post("/api/v1/service-principals/" + created + ":rotate", ""));
        Principals.awaitJob(jdbc, rotation, "succeeded");

        String after = fingerprint(created);
        assertThat(after).isNotEqualTo(before);
        for (String namespace : List.of("team-a", "team-b")) {
            assertThat(cluster.client().secrets().inNamespace(namespace).withName("acr-secret").get().getMetadata()
                    .getAnnotations()).containsEntry("pullbridge.io/credential-fingerprint", after);
        }
        Api.reader(mvc).get("/api/v1/bindings/" + binding)
                .andExpect(jsonPath("$.status.namespaces.credentialFingerprint").value(after))
                .andExpect(jsonPath("$.status.drift").isEmpty());
        assertThat(azure.applicationByAppId(appId).orElseThrow().passwords()).as("the old password was removed")
                .hasSize(passwordsBefore);
        Instant bindingWrote = jdbc.sql("""
                select max(finished_at) from jobs where target_id = ? and type = 'binding.apply'""")
                .param(binding).query(Instant.class).single();
        Instant removed = jdbc.sql("""
                select (s ->> 'startedAt')::timestamptz from jobs, jsonb_array_elements(steps) s
                where id = ? and s ->> 'name' like 'remove%'""").param(rotation).query(Instant.class).single();
        assertThat(removed).as("the old password goes only after the secrets hold the new one")
                .isAfterOrEqualTo(bindingWrote);
    }

    // Disabled, not aborted, without the binary: an aborted test's MockMvc requests (this class's setup adopts a
    // principal with its password) are printed, and the output capture of the tests after it would hold them.
    @Test
    @EnabledIf(value = "io.pullbridge.support.registry.DistributionRegistry#installed",
            disabledReason = DistributionRegistry.NOT_INSTALLED)
    void verificationReadsTheSecretBackAndPullsWithItFromARealRegistry() throws Exception {
        DistributionRegistry.assumeInstalled();
        try (DistributionRegistry real = DistributionRegistry.builder().user(principal.appId(), PASSWORD).start()) {
            String digest = real.push("team-a/app", "1.0", HandshakeAssertions.basic(principal.appId(), PASSWORD));
            // The registry row's login server becomes the real registry's, so the secret is written for it.
            jdbc.sql("update registries set login_server = ? where id = ?").params(real.server(), registryId).update();
            UUID binding = bind("""
                    {"credential": {"servicePrincipalId": "%s"}, "secretName": "acr-secret",
                     "namespaces": ["team-a", "team-b"]}""".formatted(principalId));
            awaitLatestJob(binding, "succeeded");

            String verify = Api.operator(mvc).post("/api/v1/bindings/" + binding + ":verify",
                            "{\"image\": \"team-a/app:1.0\"}")
                    .andExpect(status().isAccepted()).andReturn().getResponse().getHeader("Operation-Location");
            JsonNode job = awaitJob(verify, "succeeded");
            assertThat(job.at("/steps").toString()).contains("read-secrets").contains("2 namespaces read")
                    .contains("PULL_ALLOWED").contains(digest).doesNotContain(PASSWORD);
            Api.reader(mvc).get("/api/v1/bindings/" + binding)
                    .andExpect(jsonPath("$.status.conditions[?(@.type == 'Verified')].status").value("True"));

            String missing = Api.operator(mvc).post("/api/v1/bindings/" + binding + ":verify",
                            "{\"image\": \"team-a/app:9.9\"}")
                    .andExpect(status().isAccepted()).andReturn().getResponse().getHeader("Operation-Location");
            JsonNode failed = awaitJob(missing, "failed");
            assertThat(failed.at("/lastError/type").asText())
                    .isEqualTo("https://pullbridge.io/problems/binding-not-effective");
            assertThat(failed.at("/lastError/detail").asText()).contains("IMAGE_NOT_FOUND");

            cluster.client().secrets().inNamespace("team-b").withName("acr-secret").delete();
            String gone = Api.operator(mvc).post("/api/v1/bindings/" + binding + ":verify", "")
                    .andExpect(status().isAccepted()).andReturn().getResponse().getHeader("Operation-Location");
            assertThat(awaitJob(gone, "failed").at("/lastError/detail").asText())
                    .contains("namespace team-b has no secret acr-secret");
            Api.reader(mvc).get("/api/v1/bindings/" + binding)
                    .andExpect(jsonPath("$.status.conditions[?(@.type == 'Verified')].status").value("False"));
        }
    }

    @Test
    void anAdmissionWebhookDenialThatQuotesTheSecretShowsNoFormOfItInStatusJobsAuditOrLogs(CapturedOutput output)
            throws Exception {
        cluster.admissionWebhook("secrets.policy.example", (operation, resource, object) -> {
            if (!resource.equals("secrets") || !object.path("metadata").path("namespace").asText().equals("team-a")) {
                return Optional.empty();
            }
            String data = object.path("data").path(".dockerconfigjson").asText();
            String decoded = new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8);
            return Optional.of(new EmulatedCluster.Denial(422, "password " + json.writeValueAsString(PASSWORD)
                    + " is in clear in " + decoded + "; data[.dockerconfigjson]=" + data));
        });

        UUID binding = bind("""
                {"credential": {"servicePrincipalId": "%s"}, "secretName": "acr-secret",
                 "namespaces": ["team-a", "team-b"]}""".formatted(principalId));
        awaitLatestJob(binding, "succeeded");

        String status = Api.reader(mvc).get("/api/v1/bindings/" + binding)
                .andExpect(jsonPath("$.status.namespaces.ready").value(1))
                .andExpect(jsonPath("$.status.namespaces.failed").value(1))
                .andReturn().getResponse().getContentAsString();
        assertThat(json.readTree(status).at("/status/namespaces/issues/0/reason").asText())
                .startsWith("The API server refused the request while creating secret team-a/acr-secret (admission "
                        + "webhook \"secrets.policy.example\" denied the request: password \"(redacted)\" is in "
                        + "clear in {\"auths\":")
                .contains("\"password\":\"(redacted)\"");
        assertThat(cluster.client().secrets().inNamespace("team-b").withName("acr-secret").get()).isNotNull();
        assertNoFormOfTheCredential(output, List.of(status));
    }

    @Test
    void aWebhookThatQuotesTheOldSecretWhenItDeniesARotationOrADeleteShowsNeitherPassword(CapturedOutput output)
            throws Exception {
        UUID binding = bind("""
                {"credential": {"servicePrincipalId": "%s"}, "secretName": "acr-secret", "namespaces": ["team-a"]}"""
                .formatted(principalId));
        awaitLatestJob(binding, "succeeded");
        // A policy that refuses to change or delete the secret, quoting the object as it is (oldObject), decoded and
        // encoded, and the one sent.
        cluster.admissionWebhookWithOldObject("secrets.freeze.example", (operation, resource, object, oldObject) -> {
            if (!resource.equals("secrets") || operation.equals("CREATE") || oldObject == null) {
                return Optional.empty();
            }
            String old = oldObject.path("data").path(".dockerconfigjson").asText();
            String sent = object == null ? "" : object.path("data").path(".dockerconfigjson").asText();
            return Optional.of(new EmulatedCluster.Denial(403, operation + " refused: oldObject holds "
                    + new String(Base64.getDecoder().decode(old), StandardCharsets.UTF_8) + " (data " + old + ")"
                    + (sent.isEmpty() ? "" : "; object holds " + new String(Base64.getDecoder().decode(sent),
                    StandardCharsets.UTF_8))));
        });

        // A rotation to a new password: the binding's update of the secret is denied quoting both.
        String newPassword = "n3w-p@ss:w\"o\\rd-" + UUID.randomUUID();
        azure.addPassword(principal, newPassword, Instant.now().plus(Duration.ofDays(60)));
        Api.operator(mvc).post("/api/v1/service-principals/" + principalId + ":rotate",
                json.writeValueAsString(Map.of("password", newPassword))).andExpect(status().isAccepted());
        await().atMost(TIMEOUT).until(() -> jdbc.sql("""
                select count(*) from jobs where target_id = ? and type = 'binding.apply' and state = 'succeeded'""")
                .param(binding).query(Long.class).single() >= 2);
        String updated = Api.reader(mvc).get("/api/v1/bindings/" + binding)
                .andExpect(jsonPath("$.status.namespaces.failed").value(1))
                .andReturn().getResponse().getContentAsString();
        assertThat(json.readTree(updated).at("/status/namespaces/issues/0/reason").asText())
                .contains("UPDATE refused: oldObject holds {\"auths\":")
                .contains("\"password\":\"(redacted)\"");

        // A delete of the binding: the delete of the secret is denied quoting it.
        String deletion = Api.operator(mvc).delete("/api/v1/bindings/" + binding).andExpect(status().isAccepted())
                .andReturn().getResponse().getHeader("Operation-Location");
        JsonNode deleted = awaitJob(deletion, "failed");
        assertThat(deleted.at("/lastError/detail").asText()).contains("DELETE refused: oldObject holds")
                .contains("\"password\":\"(redacted)\"");

        String document = new String(DockerConfigJson.of(loginServer, principal.appId(), newPassword),
                StandardCharsets.UTF_8);
        List<String> texts = new java.util.ArrayList<>(List.of(updated, deleted.toString(), output.getAll()));
        texts.addAll(SecretForms.recorded(jdbc));
        SecretForms.assertNoneIn("answers, rows and logs", texts, newPassword, document,
                SecretMask.basicCredentials(principal.appId(), newPassword));
        assertNoFormOfTheCredential(output, List.of(updated, deleted.toString()));
    }

    @Test
    void aTamperedDockerConfigJsonIsReportedByPositionNeverQuotedAndRepairedByReconciliation(CapturedOutput output)
            throws Exception {
        UUID binding = bind("""
                {"credential": {"servicePrincipalId": "%s"}, "secretName": "acr-secret", "namespaces": ["team-a"]}"""
                .formatted(principalId));
        awaitLatestJob(binding, "succeeded");
        // What a careless edit leaves: the password unquoted, so that a JSON parser's message would quote it.
        String tampered = "{\"auths\":{\"" + loginServer + "\":{\"username\":\"" + principal.appId()
                + "\",\"password\":" + PASSWORD + "}}}";
        cluster.client().secrets().inNamespace("team-a").withName("acr-secret").edit(secret -> {
            secret.setData(Map.of(".dockerconfigjson", Base64.getEncoder().encodeToString(
                    tampered.getBytes(StandardCharsets.UTF_8))));
            return secret;
        });

        String verify = Api.operator(mvc).post("/api/v1/bindings/" + binding + ":verify", "")
                .andExpect(status().isAccepted()).andReturn().getResponse().getHeader("Operation-Location");
        JsonNode failed = awaitJob(verify, "failed");
        assertThat(failed.at("/lastError/type").asText())
                .isEqualTo("https://pullbridge.io/problems/binding-not-effective");
        assertThat(failed.at("/lastError/detail").asText()).matches("the secret in team-a: its \\.dockerconfigjson "
                + "is not valid JSON \\(line 1, column \\d+\\)");
        String status = Api.reader(mvc).get("/api/v1/bindings/" + binding)
                .andExpect(jsonPath("$.status.conditions[?(@.type == 'Verified')].status").value("False"))
                .andExpect(jsonPath("$.status.conditions[?(@.type == 'Verified')].message").value(
                        org.hamcrest.Matchers.contains(org.hamcrest.Matchers.containsString("not valid JSON"))))
                .andReturn().getResponse().getContentAsString();

        reconcile(binding);
        assertThat(Base64.getDecoder().decode(cluster.client().secrets().inNamespace("team-a").withName("acr-secret")
                .get().getData().get(".dockerconfigjson"))).isEqualTo(DockerConfigJson.of(loginServer,
                principal.appId(), PASSWORD));
        assertNoFormOfTheCredential(output, List.of(status, failed.toString()));
    }

    @Test
    void verificationSendsNoCredentialToATokenRealmOnAnotherHostAndSaysSo() throws Exception {
        ScriptedServer collector = new ScriptedServer(AzureEmulatorTrust
                .trustedServerContext(), (method, path, headers) -> new ScriptedServer.Answer(200, Map.of(),
                "{\"token\":\"collected\"}"));
        ScriptedServer registry = new ScriptedServer(AzureEmulatorTrust
                .trustedServerContext(), (method, path, headers) -> new ScriptedServer.Answer(401, Map.of(
                "WWW-Authenticate", "Bearer realm=\"" + collector.url("localhost", "/token") + "\""), ""));
        try {
            jdbc.sql("update registries set login_server = ? where id = ?").params(registry.server(), registryId)
                    .update();
            UUID binding = bind("""
                    {"credential": {"servicePrincipalId": "%s"}, "secretName": "acr-secret",
                     "namespaces": ["team-a"]}""".formatted(principalId));
            awaitLatestJob(binding, "succeeded");

            String verify = Api.operator(mvc).post("/api/v1/bindings/" + binding + ":verify", "")
                    .andExpect(status().isAccepted()).andReturn().getResponse().getHeader("Operation-Location");
            JsonNode failed = awaitJob(verify, "failed");

            assertThat(failed.at("/lastError/detail").asText()).contains("REALM_NOT_ALLOWED")
                    .contains("the credentials were not sent there")
                    .contains("pullbridge.bindings.token-realm-hosts");
            Api.reader(mvc).get("/api/v1/bindings/" + binding)
                    .andExpect(jsonPath("$.status.conditions[?(@.type == 'Verified')].status").value("False"))
                    .andExpect(jsonPath("$.status.conditions[?(@.type == 'Verified')].message").value(
                            org.hamcrest.Matchers.contains(org.hamcrest.Matchers.containsString(
                                    "REALM_NOT_ALLOWED"))));
            assertThat(collector.requests()).isEmpty();
            assertThat(registry.authorizations()).isEmpty();
        } finally {
            registry.close();
            collector.close();
        }
    }

    /** No form of the principal's password, its docker auth or its whole .dockerconfigjson is anywhere visible. */
    private void assertNoFormOfTheCredential(CapturedOutput output, List<String> answers) {
        String document = new String(DockerConfigJson.of(loginServer, principal.appId(), PASSWORD),
                StandardCharsets.UTF_8);
        String auth = Base64.getEncoder().encodeToString((principal.appId() + ":" + PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        List<String> texts = new java.util.ArrayList<>(answers);
        texts.addAll(SecretForms.recorded(jdbc));
        texts.add(output.getAll());
        SecretForms.assertNoneIn("answers, rows and logs", texts, PASSWORD, auth, document);
    }

    @Test
    void anInvalidImageToVerifyIsRefusedAndChangesNothing() throws Exception {
        UUID binding = bind("""
                {"credential": {"servicePrincipalId": "%s"}, "secretName": "acr-secret", "namespaces": ["team-a"]}"""
                .formatted(principalId));
        awaitLatestJob(binding, "succeeded");
        long before = jdbc.sql("select count(*) from jobs where target_id = ?").param(binding).query(Long.class)
                .single();

        Api.operator(mvc).post("/api/v1/bindings/" + binding + ":verify", "{\"image\": \"UPPER/Case::\"}")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("image"));
        assertThat(jdbc.sql("select count(*) from jobs where target_id = ?").param(binding).query(Long.class)
                .single()).isEqualTo(before);
    }

    @Test
    void aRegistryTokenBacksAPullSecretWithItsNameAsTheUsername() throws Exception {
        String created = Api.operator(mvc).post("/api/v1/registries/" + registryId + "/tokens", """
                {"name": "team-a-pull", "repositories": {"team-a/*": ["content/read", "metadata/read"]},
                 "passwordLifetime": "P90D"}""").andExpect(status().isAccepted()).andReturn().getResponse()
                .getContentAsString();
        UUID token = UUID.fromString(json.readTree(created).get("id").asText());
        await("the token to be Ready").atMost(TIMEOUT).until(() -> tokenJson(token).at("/status/phase").asText()
                .equals("Ready"));
        String fingerprint = tokenJson(token).at("/credential/fingerprint").asText();

        UUID binding = bind("""
                {"credential": {"tokenId": "%s"}, "secretName": "token-secret", "namespaces": ["team-b"]}"""
                .formatted(token));
        awaitLatestJob(binding, "succeeded");

        Secret secret = cluster.client().secrets().inNamespace("team-b").withName("token-secret").get();
        JsonNode auth = json.readTree(Base64.getDecoder().decode(secret.getData().get(".dockerconfigjson")))
                .at("/auths/" + loginServer.replace("/", "~1"));
        assertThat(auth.get("username").asText()).isEqualTo("team-a-pull");
        assertThat(auth.get("password").asText()).isNotBlank();
        assertThat(secret.getMetadata().getAnnotations()).containsEntry("pullbridge.io/credential-fingerprint",
                fingerprint);
        Api.reader(mvc).get("/api/v1/bindings/" + binding)
                .andExpect(jsonPath("$.status.namespaces.credentialFingerprint").value(fingerprint));
    }

    @Test
    void aMissingServiceAccountIsReportedNeverCreated() throws Exception {
        UUID binding = bind("""
                {"credential": {"servicePrincipalId": "%s"}, "secretName": "acr-secret", "namespaces": ["team-a"],
                 "serviceAccounts": ["default", "builder"]}""".formatted(principalId));
        awaitLatestJob(binding, "succeeded");

        assertThat(cluster.client().serviceAccounts().inNamespace("team-a").withName("builder").get()).isNull();
        assertThat(pullSecretNames("team-a")).containsExactly("acr-secret");
        Api.reader(mvc).get("/api/v1/bindings/" + binding)
                .andExpect(jsonPath("$.status.phase").value("Degraded"))
                .andExpect(jsonPath("$.status.namespaces.failed").value(1))
                .andExpect(jsonPath("$.status.namespaces.issues[0].namespace").value("team-a"))
                .andExpect(jsonPath("$.status.namespaces.issues[0].reason").value(containsString(
                        "ServiceAccount builder does not exist; PullBridge does not create ServiceAccounts")));
    }

    private JsonNode tokenJson(UUID token) {
        try {
            return json.readTree(Api.reader(mvc).get("/api/v1/registries/" + registryId + "/tokens/" + token)
                    .andReturn().getResponse().getContentAsString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String fingerprint(UUID principal) throws Exception {
        return json.readTree(Api.reader(mvc).get("/api/v1/service-principals/" + principal).andReturn()
                .getResponse().getContentAsString()).at("/credential/fingerprint").asText();
    }

    private List<String> pullSecretNames(String namespace) {
        ServiceAccount account = cluster.client().serviceAccounts().inNamespace(namespace).withName("default").get();
        return account.getImagePullSecrets() == null ? List.of()
                : account.getImagePullSecrets().stream().map(LocalObjectReference::getName).toList();
    }

    private UUID bind(String pullSecret) throws Exception {
        String body = Api.operator(mvc).post("/api/v1/bindings", """
                {"registryId": "%s", "clusterId": "%s", "method": "pull-secret", "pullSecret": %s}"""
                        .formatted(registryId, clusterId, pullSecret))
                .andExpect(status().isAccepted())
                .andExpect(header().string("Operation-Location", org.hamcrest.Matchers.startsWith("/api/v1/jobs/")))
                .andReturn().getResponse().getContentAsString();
        return UUID.fromString(json.readTree(body).get("id").asText());
    }

    private void reconcile(UUID binding) {
        UUID job = tx.execute(status -> jobs.enqueue(JobRequest.of(BindingJobs.RECONCILE, ResourceKinds.BINDING,
                binding)).id());
        awaitJob("/api/v1/jobs/" + job, "succeeded");
    }

    private void awaitLatestJob(UUID binding, String state) {
        JobsApi.awaitLatest(mvc, json, binding, state, TIMEOUT);
    }

    private JsonNode latestJob(UUID binding) {
        return JobsApi.latest(mvc, json, binding);
    }

    private JsonNode awaitJob(String location, String state) {
        return JobsApi.await(mvc, json, location, state, TIMEOUT);
    }
}
