package io.pullbridge.crypto;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The start-up check of the master keys against the canaries of one database (in memory here; the same class on the
 * real tables in MasterKeyRotationIntegrationTests), and the fingerprint key it keeps there.
 */
class MasterKeysTests {

    private static final String PASSWORD = "s3cr3t-Pa55word!";
    private static final String CONTEXT = "cluster/6f1c2a0e-0000-4000-8000-000000000001/kubeconfig";

    private final InMemoryKeyRecords database = new InMemoryKeyRecords();

    private static String newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private MasterKeys start(String masterKey, String masterKeyId, Map<String, String> previousKeys) {
        return new MasterKeys(new CryptoProperties(masterKey, masterKeyId, previousKeys, 200), database,
                Clock.systemUTC());
    }

    private MasterKeys start(String masterKey) {
        return start(masterKey, null, Map.of());
    }

    @Test
    void theFirstStartWritesTheCanaryOfItsKeyAndTheSameKeyStartsAgain() {
        MasterKeys first = start(newKey(), "2026-01", Map.of());
        assertThat(database.canaries()).extracting(KeyRecords.Canary::keyId).containsExactly("2026-01");
        byte[] canary = database.canaries().get(0).ciphertext();
        assertThat(new String(canary, StandardCharsets.ISO_8859_1)).doesNotContain("canary");

        assertThat(first.canaryKeyIds()).containsExactly("2026-01");
    }

    @Test
    void aWrongMasterKeyIsRefusedNamingItsKeyIdAndTheKeyThatWroteTheCanary() {
        MasterKeys right = start(newKey());
        String wrong = newKey();
        String wrongId = new MasterKeys(new CryptoProperties(wrong, null, Map.of(), 200), new InMemoryKeyRecords(),
                Clock.systemUTC()).currentKeyId();

        assertThatIllegalStateException().isThrownBy(() -> start(wrong))
                .withMessageStartingWith("The master key " + wrongId + " cannot decrypt the canary written under key "
                        + right.currentKeyId())
                .withMessageContaining("pullbridge.security.previous-keys." + right.currentKeyId())
                .withMessageNotContaining(wrong);
        assertThat(database.canaries()).as("a refused start writes nothing").extracting(KeyRecords.Canary::keyId)
                .containsExactly(right.currentKeyId());
    }

    @Test
    void otherKeyMaterialUnderTheSameIdIsRefused() {
        start(newKey(), "prod", Map.of());

        assertThatIllegalStateException().isThrownBy(() -> start(newKey(), "prod", Map.of()))
                .withMessageStartingWith("The master key prod cannot decrypt the canary written under key prod")
                .withMessageContaining("not the key that wrote it");
    }

    @Test
    void aWrongPreviousKeyIsRefusedNamingIt() {
        start(newKey(), "2025-01", Map.of());

        assertThatIllegalStateException()
                .isThrownBy(() -> start(newKey(), "2026-01", Map.of("2025-01", newKey())))
                .withMessageStartingWith("pullbridge.security.previous-keys.2025-01 cannot decrypt the canary written "
                        + "under key 2025-01");
        assertThat(database.canaries()).extracting(KeyRecords.Canary::keyId).containsExactly("2025-01");
    }

    @Test
    void aNewKeyWithThePreviousOneStartsAndTheOldKeyStaysNeededUntilItsCanaryIsRetired() {
        String oldKey = newKey();
        String newKey = newKey();
        start(oldKey, "2025-01", Map.of());

        MasterKeys rotating = start(newKey, "2026-01", Map.of("2025-01", oldKey));
        assertThat(rotating.canaryKeyIds()).containsExactly("2025-01", "2026-01");
        assertThatIllegalStateException().as("the old key dropped before its secrets were re-encrypted")
                .isThrownBy(() -> start(newKey, "2026-01", Map.of()))
                .withMessageStartingWith("The master key 2026-01 cannot decrypt the canary written under key 2025-01")
                .withMessageContaining("POST /api/v1/admin/master-key:reencrypt");

        assertThatIllegalStateException().as("retiring before the fingerprint key moved")
                .isThrownBy(rotating::retireOtherCanaries).withMessageContaining("2025-01");
        rotating.reencryptFingerprintKey();
        assertThat(rotating.retireOtherCanaries()).containsExactly("2025-01");
        assertThat(start(newKey, "2026-01", Map.of()).canaryKeyIds()).containsExactly("2026-01");
        assertThatIllegalStateException().as("the old key alone, once the new one took over")
                .isThrownBy(() -> start(oldKey, "2025-01", Map.of()))
                .withMessageStartingWith("The master key 2025-01 cannot decrypt the canary written under key 2026-01");
    }

    @Test
    void fingerprintsSurviveAChangeOfMasterKeyAndTheRetirementOfTheOldOne() {
        String oldKey = newKey();
        String newKey = newKey();
        MasterKeys before = start(oldKey, "2025-01", Map.of());
        String fingerprint = new SecretCipher(before).fingerprint(PASSWORD);

        MasterKeys rotating = start(newKey, "2026-01", Map.of("2025-01", oldKey));
        assertThat(new SecretCipher(rotating).fingerprint(PASSWORD)).isEqualTo(fingerprint);
        assertThat(rotating.fingerprintKeyId()).isEqualTo("2025-01");
        assertThat(rotating.reencryptFingerprintKey()).isEqualTo("2025-01");
        assertThat(rotating.reencryptFingerprintKey()).as("a second time: nothing to do").isNull();
        rotating.retireOtherCanaries();

        MasterKeys after = start(newKey, "2026-01", Map.of());
        assertThat(after.fingerprintKeyId()).isEqualTo("2026-01");
        assertThat(new SecretCipher(after).fingerprint(PASSWORD)).isEqualTo(fingerprint);
    }

    @Test
    void aDatabaseThatAlreadyHadFingerprintsKeepsTheKeyTheyWereMadeWith() throws Exception {
        InMemoryKeyRecords upgraded = InMemoryKeyRecords.withFingerprints();
        String key = newKey();
        // How fingerprints were made before the key was stored: an HMAC keyed by an HMAC of the master key.
        Mac derive = Mac.getInstance("HmacSHA256");
        derive.init(new SecretKeySpec(Base64.getDecoder().decode(key), "HmacSHA256"));
        Mac legacy = Mac.getInstance("HmacSHA256");
        legacy.init(new SecretKeySpec(derive.doFinal("pullbridge fingerprint key".getBytes(StandardCharsets.UTF_8)),
                "HmacSHA256"));
        String made = "sha256:" + HexFormat.of().formatHex(legacy.doFinal(PASSWORD.getBytes(StandardCharsets.UTF_8)));

        MasterKeys keys = new MasterKeys(new CryptoProperties(key, null, Map.of(), 200), upgraded, Clock.systemUTC());

        assertThat(new SecretCipher(keys).fingerprint(PASSWORD)).isEqualTo(made);
        assertThat(upgraded.fingerprintKey().orElseThrow().stored()).isTrue();
        assertThat(new SecretCipher(new MasterKeys(new CryptoProperties(key, null, Map.of(), 200),
                new InMemoryKeyRecords(), Clock.systemUTC())).fingerprint(PASSWORD))
                .as("a new database gets a random key").isNotEqualTo(made);
    }

    @Test
    void aReencryptedSecretKeepsItsContextAndDecryptsWithoutTheOldKey() {
        String oldKey = newKey();
        String newKey = newKey();
        SecretCipher before = new SecretCipher(start(oldKey, "2025-01", Map.of()));
        EncryptedSecret old = before.encrypt(PASSWORD, CONTEXT);
        MasterKeys rotating = start(newKey, "2026-01", Map.of("2025-01", oldKey));

        EncryptedSecret moved = new SecretCipher(rotating).reencrypt(old, CONTEXT);
        rotating.reencryptFingerprintKey();
        rotating.retireOtherCanaries();
        SecretCipher after = new SecretCipher(start(newKey, "2026-01", Map.of()));

        assertThat(moved.keyId()).isEqualTo("2026-01");
        assertThat(after.decrypt(moved, CONTEXT)).isEqualTo(PASSWORD);
        assertThatIllegalStateException().as("still bound to its row")
                .isThrownBy(() -> after.decrypt(moved, "cluster/6f1c2a0e-0000-4000-8000-000000000002/kubeconfig"));
        assertThatIllegalStateException().isThrownBy(() -> after.decrypt(old, CONTEXT))
                .withMessageContaining("2025-01");
    }

    @Test
    void twoReplicasStartingWithOneIdForTwoKeysDoNotBothStart() {
        InMemoryKeyRecords shared = new InMemoryKeyRecords();
        new MasterKeys(new CryptoProperties(newKey(), "2026-01", Map.of(), 200), shared, Clock.systemUTC());

        assertThatIllegalStateException().isThrownBy(() -> new MasterKeys(new CryptoProperties(newKey(), "2026-01",
                        Map.of(), 200), shared, Clock.systemUTC()))
                .withMessageContaining("cannot decrypt the canary written under key 2026-01");
        assertThat(shared.canaries()).hasSize(1);
        assertThat(List.copyOf(shared.canaries.keySet())).containsExactly("2026-01");
    }
}
