package io.pullbridge.crypto;

import io.pullbridge.PullBridgeApplication;
import io.pullbridge.support.EmbeddedDatabase;
import io.pullbridge.support.Registries;
import io.pullbridge.support.TestPlatform;
import io.pullbridge.support.TestTokens;
import io.pullbridge.support.kube.EmulatedCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * The master key across restarts of the whole service on one database, as an operator rotates it: start with key
 * A and store a secret of every kind; start with key B and A as previous key, and re-encrypt; start with B alone.
 * Everything decrypts, every fingerprint is what it was, and a start with a key the database does not know, or
 * without a key it still needs, is refused naming the key ids.
 */
class MasterKeyRotationIntegrationTests {

    private static final Duration BOUND = Duration.ofSeconds(60);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String ADMIN = TestTokens.instance().token("user-admin", "Admin");

    private final String database = EmbeddedDatabase.newDatabase("rotation");

    /** A secret stored in the database, and where: its row and the context its ciphertext is bound to. */
    record Seeded(String table, String prefix, UUID row, String context, String clearText) {
    }

    @Test
    void aMasterKeyRotatesWithoutChangingAFingerprintAndTheOldKeyCanThenBeDropped() throws Exception {
        String keyA = TestPlatform.randomKey();
        String keyB = TestPlatform.randomKey();
        List<Seeded> seeded;
        String idA;
        Map<String, String> fingerprints = new LinkedHashMap<>();
        String clusterLocation;
        String kubeconfig = EmulatedCluster.shared().kubeconfig();
        String idempotentBody = "{\"resourceId\": \"" + Registries.seeded() + "\"}";
        String firstAnswer;

        try (ConfigurableApplicationContext a = start(keyA, Map.of())) {
            SecretCipher cipher = a.getBean(SecretCipher.class);
            idA = cipher.currentKeyId();
            HttpResponse<String> cluster = call(a, "POST", "/api/v1/clusters", JSON.writeValueAsString(Map.of(
                    "name", "rotation-" + shortId(), "kind", "kubeconfig", "kubeconfig", kubeconfig)), Map.of());
            assertThat(cluster.statusCode()).as(cluster.body()).isEqualTo(202);
            clusterLocation = cluster.headers().firstValue("Location").orElseThrow();
            UUID clusterId = UUID.fromString(JSON.readTree(cluster.body()).get("id").asString());
            fingerprints.put("kubeconfig", JSON.readTree(cluster.body()).at("/kubeconfig/fingerprint").asString());
            awaitJob(a, "/api/v1/jobs/" + JSON.readTree(cluster.body()).at("/status/jobId").asString(), "succeeded");
            seeded = seed(a.getBean(JdbcClient.class), cipher, clusterId, kubeconfig, fingerprints);
            HttpResponse<String> first = call(a, "POST", "/api/v1/registries", idempotentBody,
                    Map.of("Idempotency-Key", "rotation-1"));
            assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
            firstAnswer = first.body();
            assertThat(storedKeyIds(a, seeded)).containsOnly(idA);
        }

        String idB;
        try (ConfigurableApplicationContext b = start(keyB, Map.of(idA, keyA))) {
            idB = b.getBean(SecretCipher.class).currentKeyId();
            assertThat(decrypted(b, seeded)).as("B with A as previous key reads what A wrote").isTrue();
            JsonNode before = JSON.readTree(call(b, "GET", "/api/v1/admin/master-key", null, Map.of()).body());
            assertThat(before.get("keysStillNeeded").toString()).contains(idA, idB);

            HttpResponse<String> accepted = call(b, "POST", "/api/v1/admin/master-key:reencrypt", null, Map.of());
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            JsonNode job = awaitJob(b, accepted.headers().firstValue("Operation-Location").orElseThrow(),
                    "succeeded");

            assertThat(stepDetails(job)).containsEntry("reencrypt-cluster-kubeconfig", "1 re-encrypted under " + idB
                            + " in 1 batch")
                    .containsEntry("reencrypt-service-principal-password", "1 re-encrypted under " + idB
                            + " in 1 batch")
                    .containsEntry("reencrypt-service-principal-pending-password", "1 re-encrypted under " + idB
                            + " in 1 batch")
                    .containsEntry("reencrypt-registry-token-password", "1 re-encrypted under " + idB + " in 1 batch")
                    .containsEntry("reencrypt-connected-registry-client-password", "1 re-encrypted under " + idB
                            + " in 1 batch")
                    .containsEntry("reencrypt-webhook-signing-secret", "1 re-encrypted under " + idB + " in 1 batch")
                    .containsEntry("reencrypt-fingerprint-key", "moved from " + idA + " to " + idB
                            + "; fingerprints do not change");
            assertThat(stepDetails(job).get("retire-other-keys")).contains("nothing is encrypted under " + idA);
            assertThat(storedKeyIds(b, seeded)).containsOnly(idB);
            JsonNode after = JSON.readTree(call(b, "GET", "/api/v1/admin/master-key", null, Map.of()).body());
            assertThat(after.get("keysStillNeeded").toString()).isEqualTo("[\"" + idB + "\"]");

            HttpResponse<String> again = call(b, "POST", "/api/v1/admin/master-key:reencrypt", null, Map.of());
            JsonNode rerun = awaitJob(b, again.headers().firstValue("Operation-Location").orElseThrow(), "succeeded");
            assertThat(stepDetails(rerun).get("reencrypt-cluster-kubeconfig")).startsWith("nothing to move");
        }

        try (ConfigurableApplicationContext onlyB = start(keyB, Map.of())) {
            SecretCipher cipher = onlyB.getBean(SecretCipher.class);
            assertThat(decrypted(onlyB, seeded)).as("B alone reads every secret").isTrue();
            for (Seeded secret : seeded) {
                if (fingerprints.containsKey(secret.table()) && !secret.prefix().equals("pending")) {
                    assertThat(cipher.fingerprint(secret.clearText())).as("fingerprint of " + secret.table())
                            .isEqualTo(fingerprints.get(secret.table()));
                }
            }
            assertThat(cipher.fingerprint(kubeconfig)).isEqualTo(fingerprints.get("kubeconfig"));
            HttpResponse<String> sameKubeconfig = call(onlyB, "PATCH", clusterLocation,
                    JSON.writeValueAsString(Map.of("kubeconfig", kubeconfig)), Map.of());
            assertThat(sameKubeconfig.statusCode()).as("the same kubeconfig is no change: " + sameKubeconfig.body())
                    .isEqualTo(200);
            assertThat(JSON.readTree(sameKubeconfig.body()).at("/kubeconfig/fingerprint").asString())
                    .isEqualTo(fingerprints.get("kubeconfig"));
            HttpResponse<String> replay = call(onlyB, "POST", "/api/v1/registries", idempotentBody,
                    Map.of("Idempotency-Key", "rotation-1"));
            assertThat(replay.statusCode()).as("the same Idempotency-Key and body replay: " + replay.body())
                    .isEqualTo(202);
            assertThat(JSON.readTree(replay.body()).get("id")).isEqualTo(JSON.readTree(firstAnswer).get("id"));
        }

        Throwable onlyA = catchThrowable(() -> start(keyA, Map.of()).close());
        assertThat(onlyA).as("the old key alone, once the new one took over").isNotNull();
        assertThat(onlyA).rootCause().hasMessageStartingWith("The master key " + idA
                + " cannot decrypt the canary written under key " + idB);
    }

    @Test
    void aWrongMasterKeyIsRefusedAtStartNamingItsKeyIdAndTheKeyThatWroteTheCanary() {
        String right = TestPlatform.randomKey();
        String rightId;
        try (ConfigurableApplicationContext started = start(right, Map.of())) {
            rightId = started.getBean(SecretCipher.class).currentKeyId();
        }
        String wrong = TestPlatform.randomKey();

        Throwable refused = catchThrowable(() -> start(wrong, Map.of()).close());

        assertThat(refused).as("PullBridge started with a master key the database does not know").isNotNull();
        assertThat(refused).rootCause()
                .hasMessageMatching("The master key k-[0-9a-f]{8} cannot decrypt the canary written under key "
                        + rightId + ": .*")
                .hasMessageNotContaining(wrong)
                .hasMessageNotContaining(right);
        assertThat(JdbcClient.create(dataSource()).sql("select key_id from master_key_canaries").query(String.class)
                .list()).as("canaries after the refused start").containsExactly(rightId);
    }

    /** Stores one secret of each other kind the way its feature does, in rows the jobs leave alone (Deleting). */
    private static List<Seeded> seed(JdbcClient jdbc, SecretCipher cipher, UUID clusterId, String kubeconfig,
                                     Map<String, String> fingerprints) {
        Timestamp now = Timestamp.from(Instant.now());
        UUID registry = UUID.randomUUID();
        jdbc.sql("""
                        insert into registries (id, name, resource_id, subscription_id, resource_group, login_server,
                          tenant_id, phase, version, created_at, updated_at, created_by)
                        values (?, 'rotationacr', ?, '00000000-0000-4000-8000-000000000001', 'rg',
                          'rotationacr.azurecr.io', '00000000-0000-4000-8000-0000000000aa', 'Deleting', 0, ?, ?, 't')""")
                .params(registry, "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/"
                        + "Microsoft.ContainerRegistry/registries/rotationacr", now, now).update();
        UUID principal = UUID.randomUUID();
        String principalPassword = "principal-" + UUID.randomUUID();
        EncryptedSecret principalSecret = cipher.encrypt(principalPassword, "service-principal/" + principal
                + "/password");
        fingerprints.put("service_principals", cipher.fingerprint(principalPassword));
        // A new password given to :rotate, still waiting to be proven, under the same row-bound context.
        String pendingPassword = "pending-" + UUID.randomUUID();
        EncryptedSecret pendingSecret = cipher.encrypt(pendingPassword, "service-principal/" + principal
                + "/password");
        jdbc.sql("""
                        insert into service_principals (id, mode, app_id, object_id, tenant_id, credential_key_id,
                          credential_ciphertext, credential_fingerprint, pending_key_id, pending_ciphertext,
                          pending_fingerprint, phase, version, created_at, updated_at, created_by)
                        values (?, 'adopt', ?, ?, '00000000-0000-4000-8000-0000000000aa', ?, ?, ?, ?, ?, ?, 'Deleting',
                          0, ?, ?, 't')""")
                .params(principal, UUID.randomUUID(), UUID.randomUUID(), principalSecret.keyId(),
                        principalSecret.ciphertext(), fingerprints.get("service_principals"), pendingSecret.keyId(),
                        pendingSecret.ciphertext(), cipher.fingerprint(pendingPassword), now, now).update();
        UUID token = UUID.randomUUID();
        String tokenPassword = "token-" + UUID.randomUUID();
        EncryptedSecret tokenSecret = cipher.encrypt(tokenPassword, "registry-token/" + token + "/password");
        fingerprints.put("registry_tokens", cipher.fingerprint(tokenPassword));
        jdbc.sql("""
                        insert into registry_tokens (id, registry_id, name, repositories, password_lifetime,
                          credential_key_id, credential_ciphertext, credential_fingerprint, phase, version,
                          created_at, updated_at, created_by)
                        values (?, ?, 'rotation', '{"a/*": ["content/read"]}'::jsonb, 'P90D', ?, ?, ?, 'Deleting', 0,
                          ?, ?, 't')""")
                .params(token, registry, tokenSecret.keyId(), tokenSecret.ciphertext(),
                        fingerprints.get("registry_tokens"), now, now).update();
        UUID binding = UUID.randomUUID();
        String clientPassword = "client-" + UUID.randomUUID();
        EncryptedSecret clientSecret = cipher.encrypt(clientPassword, "binding/" + binding
                + "/client-token-password");
        jdbc.sql("""
                        insert into bindings (id, registry_id, cluster_id, method, secret_name, client_token_key_id,
                          client_token_ciphertext, phase, version, created_at, updated_at, created_by)
                        values (?, ?, ?, 'connected-registry', 'regcred', ?, ?, 'Deleting', 0, ?, ?, 't')""")
                .params(binding, registry, clusterId, clientSecret.keyId(), clientSecret.ciphertext(), now, now)
                .update();
        UUID hook = UUID.randomUUID();
        String signingSecret = "whsec_" + TestPlatform.randomKey();
        EncryptedSecret hookSecret = cipher.encrypt(signingSecret, "webhook-subscription/" + hook + "/secret");
        fingerprints.put("webhook_subscriptions", cipher.fingerprint(signingSecret));
        // Subscribed to an event this test never causes (its cluster stays reachable), so nothing is sent.
        jdbc.sql("""
                        insert into webhook_subscriptions (id, url, event_types, secret_key_id, secret_ciphertext,
                          secret_fingerprint, version, created_at, updated_at, created_by)
                        values (?, 'https://hooks.example.com/rotation', '["cluster.unreachable"]'::jsonb, ?, ?, ?, 0,
                          ?, ?, 't')""")
                .params(hook, hookSecret.keyId(), hookSecret.ciphertext(), fingerprints.get("webhook_subscriptions"),
                        now, now).update();
        return List.of(
                new Seeded("clusters", "kubeconfig", clusterId, "cluster/" + clusterId + "/kubeconfig", kubeconfig),
                new Seeded("webhook_subscriptions", "secret", hook, "webhook-subscription/" + hook + "/secret",
                        signingSecret),
                new Seeded("service_principals", "credential", principal, "service-principal/" + principal
                        + "/password", principalPassword),
                new Seeded("service_principals", "pending", principal, "service-principal/" + principal
                        + "/password", pendingPassword),
                new Seeded("registry_tokens", "credential", token, "registry-token/" + token + "/password",
                        tokenPassword),
                new Seeded("bindings", "client_token", binding, "binding/" + binding + "/client-token-password",
                        clientPassword));
    }

    private static List<String> storedKeyIds(ConfigurableApplicationContext context, List<Seeded> seeded) {
        JdbcClient jdbc = context.getBean(JdbcClient.class);
        return seeded.stream().map(secret -> jdbc.sql("select " + secret.prefix() + "_key_id from " + secret.table()
                + " where id = ?").param(secret.row()).query(String.class).single()).toList();
    }

    private static boolean decrypted(ConfigurableApplicationContext context, List<Seeded> seeded) {
        JdbcClient jdbc = context.getBean(JdbcClient.class);
        SecretCipher cipher = context.getBean(SecretCipher.class);
        for (Seeded secret : seeded) {
            EncryptedSecret stored = jdbc.sql("select " + secret.prefix() + "_key_id, " + secret.prefix()
                            + "_ciphertext from " + secret.table() + " where id = ?").param(secret.row())
                    .query((rs, row) -> new EncryptedSecret(rs.getString(1), rs.getBytes(2))).single();
            assertThat(cipher.decrypt(stored, secret.context())).as(secret.table()).isEqualTo(secret.clearText());
        }
        return true;
    }

    private static Map<String, String> stepDetails(JsonNode job) {
        Map<String, String> details = new LinkedHashMap<>();
        job.get("steps").forEach(step -> details.put(step.get("name").asString(),
                step.get("detail") == null ? null : step.get("detail").asString()));
        return details;
    }

    private ConfigurableApplicationContext start(String masterKey, Map<String, String> previousKeys) {
        Map<String, Object> properties = new HashMap<>(TestPlatform.properties("rotation_unused"));
        properties.put("spring.datasource.url", database);
        properties.put("pullbridge.security.master-key", masterKey);
        previousKeys.forEach((id, key) -> properties.put("pullbridge.security.previous-keys[" + id + "]", key));
        properties.put("pullbridge.clusters.allowed-hosts", "127.0.0.1");
        properties.put("server.port", "0");
        properties.put("spring.main.banner-mode", "off");
        SpringApplication application = new SpringApplication(PullBridgeApplication.class);
        application.addInitializers(context -> context.getEnvironment().getPropertySources()
                .addFirst(new MapPropertySource("master-key-rotation", properties)));
        return application.run();
    }

    private DataSource dataSource() {
        return new DriverManagerDataSource(database, "postgres", "postgres");
    }

    private static HttpResponse<String> call(ConfigurableApplicationContext context, String method, String path,
                                             String body, Map<String, String> headers) throws Exception {
        String port = context.getEnvironment().getProperty("local.server.port");
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + ADMIN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode awaitJob(ConfigurableApplicationContext context, String location, String state) {
        JsonNode[] job = new JsonNode[1];
        await("job " + location + " to end " + state).atMost(BOUND).until(() -> {
            try {
                job[0] = JSON.readTree(call(context, "GET", location, null, Map.of()).body());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            String current = job[0].get("state").asString();
            if (!current.equals(state) && List.of("succeeded", "failed", "cancelled").contains(current)) {
                throw new AssertionError("job ended " + current + ": " + job[0]);
            }
            return current.equals(state);
        });
        return job[0];
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
