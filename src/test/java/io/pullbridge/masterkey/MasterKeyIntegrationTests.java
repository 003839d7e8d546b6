package io.pullbridge.masterkey;

import io.pullbridge.crypto.MasterKeys;
import io.pullbridge.crypto.SecretCipher;
import io.pullbridge.crypto.StoredSecrets;
import io.pullbridge.support.Api;
import io.pullbridge.support.IntegrationTest;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * {@code /api/v1/admin/master-key} in one running service: its roles, its answers, that the re-encryption misses no
 * encrypted column, moves secrets under an older key in batches, and fails on a secret it cannot decrypt naming the
 * key and the row, changing nothing. A database of its own (other classes' fixtures hold made-up ciphertexts), with
 * batches of two and an older key. The rotation across restarts is MasterKeyRotationIntegrationTests.
 */
@IntegrationTest
@TestPropertySource(properties = {"pullbridge.security.reencrypt-batch-size=2",
        "pullbridge.security.previous-keys[old-key]=" + MasterKeyIntegrationTests.OLD_KEY})
class MasterKeyIntegrationTests {

    static final String OLD_KEY = "c3RvcmVkIHNlY3JldHMgZm9yIHRoZSBvbGQga2V5ISE=";

    private static final String STATUS = "/api/v1/admin/master-key";
    private static final String REENCRYPT = "/api/v1/admin/master-key:reencrypt";
    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    MasterKeys keys;

    @Autowired
    List<StoredSecrets> secrets;

    @Autowired
    SecretCipher cipher;

    @Autowired
    TransactionTemplate tx;

    @Test
    void onlyAnAdminReadsTheStatusOrAsksForTheReencryption() throws Exception {
        long jobs = reencryptionJobs();

        forbidden(Api.reader(mvc).get(STATUS)).andExpect(jsonPath("$.detail").value(
                "Your token's roles do not allow this: " + MasterKeyController.READ_RULE));
        forbidden(Api.operator(mvc).get(STATUS)).andExpect(jsonPath("$.detail").value(
                "Your token's roles do not allow this: " + MasterKeyController.READ_RULE));
        forbidden(Api.reader(mvc).post(REENCRYPT, "")).andExpect(jsonPath("$.detail").value(
                "Your token's roles do not allow POST " + REENCRYPT));
        forbidden(Api.operator(mvc).post(REENCRYPT, "")).andExpect(jsonPath("$.detail").value(
                "Your token's roles do not allow this: " + MasterKeyController.REENCRYPT_RULE));
        assertThat(reencryptionJobs()).as("jobs after refused requests").isEqualTo(jobs);
        assertThat(jdbc.sql("select actor || ' ' || outcome from audit_events where action = 'POST " + REENCRYPT
                + "'").query(String.class).list()).contains("user-reader denied", "user-operator denied");

        Api.admin(mvc).get(STATUS).andExpect(status().isOk())
                .andExpect(jsonPath("$.currentKeyId").value(keys.currentKeyId()))
                .andExpect(jsonPath("$.configuredKeyIds").value(hasItem(keys.currentKeyId())))
                .andExpect(jsonPath("$.keysStillNeeded").value(hasItem(keys.currentKeyId())))
                .andExpect(jsonPath("$.fingerprintKeyId").value(keys.currentKeyId()));
        String location = Api.admin(mvc).post(REENCRYPT, "")
                .andExpect(status().isAccepted())
                .andExpect(header().string("Operation-Location", startsWith("/api/v1/jobs/")))
                .andExpect(jsonPath("$.type").value("master-key.reencrypt"))
                .andExpect(jsonPath("$.target.kind").value("master-key"))
                .andExpect(jsonPath("$.requestedBy").value("user-admin"))
                .andExpect(jsonPath("$.data.keyId").value(keys.currentKeyId()))
                .andReturn().getResponse().getHeader("Operation-Location");
        JsonNode job = awaitJob(location, "succeeded");
        assertThat(job.at("/steps").toString()).contains("nothing to move").doesNotContain("batch");
        assertThat(jdbc.sql("select detail from audit_events where action = 'master-key.reencrypt-requested' "
                        + "and actor = 'user-admin' and request_id = ?").param(job.get("requestId").asString())
                .query(String.class).list()).containsExactly("under key " + keys.currentKeyId());
    }

    @Test
    void everyEncryptedColumnInTheDatabaseIsReencrypted() {
        Set<String> encrypted = jdbc.sql("""
                        select table_name || '.' || column_name from information_schema.columns
                        where table_schema = current_schema() and column_name like '%ciphertext'
                          and table_name not in ('master_key_canaries', 'fingerprint_key')""")
                .query(String.class).set();

        assertThat(secrets.stream().map(StoredSecrets::column).collect(Collectors.toSet()))
                .as("a StoredSecrets for every *_ciphertext column (else its secrets keep their old key forever)")
                .isEqualTo(encrypted)
                .contains("clusters.kubeconfig_ciphertext", "service_principals.credential_ciphertext",
                        "registry_tokens.credential_ciphertext", "bindings.client_token_ciphertext");
    }

    @Test
    void aSecretUnderAKeyThisReplicaLacksFailsTheJobNamingTheKeyAndChangesNothing() throws Exception {
        UUID cluster = UUID.randomUUID();
        insertCluster(cluster, "k-gone0001", new byte[64]);
        try {
            refusesToMoveIt(cluster);
        } finally {
            jdbc.sql("delete from clusters where id = ?").param(cluster).update();
        }
    }

    private void refusesToMoveIt(UUID cluster) throws Exception {
        String rowBefore = row(cluster);
        List<String> canaries = keys.canaryKeyIds();

        Api.admin(mvc).get(STATUS).andExpect(jsonPath("$.keysStillNeeded").value(hasItem("k-gone0001")))
                .andExpect(jsonPath("$.secrets[?(@.keyId == 'k-gone0001')].kind").value(hasItem("cluster-kubeconfig")));
        String location = Api.admin(mvc).post(REENCRYPT, "").andExpect(status().isAccepted())
                .andReturn().getResponse().getHeader("Operation-Location");
        JsonNode job = awaitJob(location, "failed");

        assertThat(job.at("/lastError/type").asString()).isEqualTo("https://pullbridge.io/problems/"
                + "master-key-reencryption-failed");
        assertThat(job.at("/lastError/detail").asString()).contains("cluster-kubeconfig of row " + cluster)
                .contains("k-gone0001").contains("pullbridge.security.previous-keys");
        assertThat(row(cluster)).as("the row after the failed job").isEqualTo(rowBefore);
        assertThat(keys.canaryKeyIds()).isEqualTo(canaries);
    }

    @Test
    void secretsUnderAnOlderKeyMoveInBatchesKeepingTheirRowsAndClearText() throws Exception {
        Map<UUID, String> kubeconfigs = new LinkedHashMap<>();
        for (int i = 0; i < 5; i++) {
            UUID id = UUID.randomUUID();
            kubeconfigs.put(id, "apiVersion: v1\nkind: Config\n# cluster " + i);
            insertCluster(id, "old-key", sealUnderOldKey(kubeconfigs.get(id), "cluster/" + id + "/kubeconfig"));
        }
        try {
            Api.admin(mvc).get(STATUS).andExpect(jsonPath("$.keysStillNeeded").value(hasItem("old-key")))
                    .andExpect(jsonPath("$.secrets[?(@.keyId == 'old-key')].count").value(hasItem(5)));

            String location = Api.admin(mvc).post(REENCRYPT, "").andExpect(status().isAccepted())
                    .andReturn().getResponse().getHeader("Operation-Location");
            JsonNode job = awaitJob(location, "succeeded");

            assertThat(job.at("/steps/0/name").asString()).isEqualTo("reencrypt-cluster-kubeconfig");
            assertThat(job.at("/steps/0/detail").asString()).isEqualTo("5 re-encrypted under " + keys.currentKeyId()
                    + " in 3 batches");
            for (UUID id : kubeconfigs.keySet()) {
                assertThat(jdbc.sql("select kubeconfig_key_id || ' ' || version from clusters where id = ?").param(id)
                        .query(String.class).single()).as("key id and version of " + id)
                        .isEqualTo(keys.currentKeyId() + " 1");
            }
            Map<UUID, String> decrypted = new LinkedHashMap<>();
            StoredSecrets stored = secrets.stream().filter(s -> s.kind().equals("cluster-kubeconfig")).findFirst()
                    .orElseThrow();
            tx.executeWithoutResult(status -> stored.lockNotUnder("none", 100).stream()
                    .filter(secret -> kubeconfigs.containsKey(secret.rowId()))
                    .forEach(secret -> decrypted.put(secret.rowId(), cipher.decrypt(secret.secret(),
                            secret.context()))));
            assertThat(decrypted).isEqualTo(kubeconfigs);
            Api.admin(mvc).get(STATUS).andExpect(jsonPath("$.keysStillNeeded").value(
                    contains(keys.currentKeyId())));
        } finally {
            kubeconfigs.keySet().forEach(id -> jdbc.sql("delete from clusters where id = ?").param(id).update());
        }
    }

    private ResultActions forbidden(ResultActions result) throws Exception {
        return result.andExpect(status().isForbidden())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value("https://pullbridge.io/problems/forbidden"))
                .andExpect(jsonPath("$.detail", containsString("do not allow")));
    }

    /**
     * A Ready cluster the re-encryption alone may touch: probed a day ahead, so no reconcile pass probes it (a probe
     * writes the row too, and a made-up kubeconfig would degrade it) while the test watches its version.
     */
    private void insertCluster(UUID id, String keyId, byte[] ciphertext) {
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.sql("""
                        insert into clusters (id, name, kind, kubeconfig_key_id, kubeconfig_ciphertext, phase, version,
                          created_at, updated_at, created_by, probed_at)
                        values (?, ?, 'kubeconfig', ?, ?, 'Ready', 0, ?, ?, 'fixture', ?)""")
                .params(id, "c-" + id, keyId, ciphertext, now, now,
                        Timestamp.from(Instant.now().plus(Duration.ofDays(1))))
                .update();
    }

    /** What the service stored under its previous master key: AES-256-GCM, the nonce first, bound to its context. */
    private static byte[] sealUnderOldKey(String clearText, String context) throws Exception {
        byte[] nonce = new byte[12];
        new SecureRandom().nextBytes(nonce);
        Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
        aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(Base64.getDecoder().decode(OLD_KEY), "AES"),
                new GCMParameterSpec(128, nonce));
        aes.updateAAD(context.getBytes(StandardCharsets.UTF_8));
        byte[] sealed = aes.doFinal(clearText.getBytes(StandardCharsets.UTF_8));
        byte[] stored = new byte[nonce.length + sealed.length];
        System.arraycopy(nonce, 0, stored, 0, nonce.length);
        System.arraycopy(sealed, 0, stored, nonce.length, sealed.length);
        return stored;
    }

    private long reencryptionJobs() {
        return jdbc.sql("select count(*) from jobs where type = 'master-key.reencrypt'").query(Long.class).single();
    }

    private String row(UUID id) {
        return jdbc.sql("select row_to_json(c)::text from clusters c where id = ?").param(id).query(String.class)
                .single();
    }

    private JsonNode awaitJob(String location, String state) {
        JsonNode[] job = new JsonNode[1];
        await("job " + location + " to end " + state).atMost(BOUND).until(() -> {
            try {
                job[0] = JSON.readTree(Api.reader(mvc).get(location).andReturn().getResponse().getContentAsString());
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
}
