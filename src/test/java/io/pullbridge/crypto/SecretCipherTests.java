package io.pullbridge.crypto;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class SecretCipherTests {

    private static final String PASSWORD = "s3cr3t-Pa55word!";
    private static final String CONTEXT = "registry-token/6f1c2a0e-0000-4000-8000-000000000001/password";

    private static String newKey() {
        return Base64.getEncoder().encodeToString(randomBytes(32));
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    private static SecretCipher cipher(String masterKey) {
        return cipher(new CryptoProperties(masterKey, null, Map.of(), 200));
    }

    /** A cipher on a database of its own. */
    static SecretCipher cipher(CryptoProperties properties) {
        return cipher(properties, new InMemoryKeyRecords());
    }

    /** A cipher on the given database, as a replica starting with these properties. */
    static SecretCipher cipher(CryptoProperties properties, KeyRecords database) {
        return new SecretCipher(new MasterKeys(properties, database, Clock.systemUTC()));
    }

    static CryptoProperties properties(String masterKey, String masterKeyId, Map<String, String> previousKeys) {
        return new CryptoProperties(masterKey, masterKeyId, previousKeys, 200);
    }

    @Test
    void decryptsWhatItEncrypted() {
        SecretCipher cipher = cipher(newKey());

        EncryptedSecret secret = cipher.encrypt(PASSWORD, CONTEXT);

        assertThat(secret.isSet()).isTrue();
        assertThat(secret.keyId()).isEqualTo(cipher.currentKeyId());
        assertThat(cipher.decrypt(secret, CONTEXT)).isEqualTo(PASSWORD);
    }

    @Test
    void roundTripsLargeAndNonAsciiSecrets() {
        SecretCipher cipher = cipher(newKey());
        String kubeconfig = "apiVersion: v1\nkind: Config\n# ключ 🔑\n" + "x".repeat(64 * 1024);

        assertThat(cipher.decrypt(cipher.encrypt(kubeconfig, CONTEXT), CONTEXT)).isEqualTo(kubeconfig);
        assertThat(cipher.decrypt(cipher.encrypt("", CONTEXT), CONTEXT)).isEmpty();
    }

    @Test
    void theCiphertextHoldsNoClearTextAndDiffersEachTime() {
        SecretCipher cipher = cipher(newKey());

        EncryptedSecret first = cipher.encrypt(PASSWORD, CONTEXT);
        EncryptedSecret second = cipher.encrypt(PASSWORD, CONTEXT);

        assertThat(first.ciphertext()).isNotEqualTo(second.ciphertext());
        assertThat(Arrays.copyOf(first.ciphertext(), 12)).isNotEqualTo(Arrays.copyOf(second.ciphertext(), 12));
        assertThat(new String(first.ciphertext(), StandardCharsets.ISO_8859_1)).doesNotContain(PASSWORD);
        // nonce (12 bytes) + ciphertext (same length as the clear text) + GCM tag (16 bytes)
        assertThat(first.ciphertext()).hasSize(12 + PASSWORD.getBytes(StandardCharsets.UTF_8).length + 16);
    }

    @Test
    void aSecretDoesNotDecryptUnderAnotherContext() {
        SecretCipher cipher = cipher(newKey());
        EncryptedSecret secret = cipher.encrypt(PASSWORD, CONTEXT);

        assertThatIllegalStateException()
                .isThrownBy(() -> cipher.decrypt(secret, "registry-token/6f1c2a0e-0000-4000-8000-000000000002/password"))
                .withMessageContaining("could not be decrypted")
                .withMessageNotContaining(PASSWORD);
    }

    @Test
    void aTamperedCiphertextIsRefused() {
        SecretCipher cipher = cipher(newKey());
        EncryptedSecret secret = cipher.encrypt(PASSWORD, CONTEXT);

        for (int position : new int[] {0, 12, secret.ciphertext().length - 1}) {
            byte[] tampered = secret.ciphertext();
            tampered[position] ^= 0x01;
            assertThatIllegalStateException()
                    .isThrownBy(() -> cipher.decrypt(new EncryptedSecret(secret.keyId(), tampered), CONTEXT))
                    .withMessageContaining("altered");
        }
        byte[] truncated = Arrays.copyOf(secret.ciphertext(), secret.ciphertext().length - 1);
        assertThatIllegalStateException()
                .isThrownBy(() -> cipher.decrypt(new EncryptedSecret(secret.keyId(), truncated), CONTEXT));
    }

    @Test
    void aTruncatedCiphertextIsRefusedAsAlteredRatherThanCrashing() {
        SecretCipher cipher = cipher(newKey());
        EncryptedSecret secret = cipher.encrypt(PASSWORD, CONTEXT);

        for (int length : new int[] {0, 5, 12, 27}) {
            EncryptedSecret truncated = new EncryptedSecret(secret.keyId(), Arrays.copyOf(secret.ciphertext(), length));
            assertThatIllegalStateException().isThrownBy(() -> cipher.decrypt(truncated, CONTEXT))
                    .withMessageContaining("altered");
        }
    }

    @Test
    void refusesAPreviousKeyUnderTheCurrentKeyIdWithOtherKeyMaterial() {
        String key = newKey();
        CryptoProperties clash = properties(newKey(), "2026-01", Map.of("2026-01", key));

        assertThatIllegalStateException().isThrownBy(() -> cipher(clash))
                .withMessageContaining("pullbridge.security.previous-keys.2026-01")
                .withMessageContaining("pullbridge.security.master-key-id")
                .withMessageNotContaining(key);
    }

    @Test
    void acceptsTheCurrentKeyRepeatedAmongThePreviousKeys() {
        String key = newKey();
        SecretCipher cipher = cipher(properties(key, "2026-01", Map.of("2026-01", key)));

        assertThat(cipher.decrypt(cipher.encrypt(PASSWORD, CONTEXT), CONTEXT)).isEqualTo(PASSWORD);
    }

    @Test
    void aSecretDoesNotDecryptUnderAnotherKeyWithTheSameId() {
        CryptoProperties first = properties(newKey(), "k1", Map.of());
        CryptoProperties second = properties(newKey(), "k1", Map.of());
        EncryptedSecret secret = cipher(first).encrypt(PASSWORD, CONTEXT);

        assertThatIllegalStateException().isThrownBy(() -> cipher(second).decrypt(secret, CONTEXT));
    }

    @Test
    void afterRotationOldSecretsStillDecryptAndNewOnesUseTheNewKey() {
        String oldKey = newKey();
        String newKey = newKey();
        SecretCipher before = cipher(properties(oldKey, "2025-01", Map.of()));
        EncryptedSecret old = before.encrypt(PASSWORD, CONTEXT);

        SecretCipher after = cipher(properties(newKey, "2026-01", Map.of("2025-01", oldKey)));
        EncryptedSecret fresh = after.encrypt("new-password", CONTEXT);

        assertThat(old.keyId()).isEqualTo("2025-01");
        assertThat(after.decrypt(old, CONTEXT)).isEqualTo(PASSWORD);
        assertThat(fresh.keyId()).isEqualTo("2026-01").isEqualTo(after.currentKeyId());
        assertThat(after.decrypt(fresh, CONTEXT)).isEqualTo("new-password");
        assertThatIllegalStateException().isThrownBy(() -> before.decrypt(fresh, CONTEXT))
                .withMessageContaining("2026-01")
                .withMessageContaining("pullbridge.security.previous-keys");
    }

    @Test
    void rotationWorksWithDerivedKeyIds() {
        String oldKey = newKey();
        SecretCipher before = cipher(oldKey);
        EncryptedSecret old = before.encrypt(PASSWORD, CONTEXT);

        SecretCipher after = cipher(properties(newKey(), null, Map.of(old.keyId(), oldKey)));

        assertThat(old.keyId()).matches("k-[0-9a-f]{8}");
        assertThat(after.currentKeyId()).isNotEqualTo(old.keyId()).matches("k-[0-9a-f]{8}");
        assertThat(after.decrypt(old, CONTEXT)).isEqualTo(PASSWORD);
        assertThat(after.encrypt(PASSWORD, CONTEXT).keyId()).isEqualTo(after.currentKeyId());
    }

    @Test
    void theDerivedKeyIdIsStableForTheSameKey() {
        String key = newKey();
        assertThat(cipher(key).currentKeyId()).isEqualTo(cipher(key).currentKeyId());
    }

    @Test
    void aSecretUnderAForgottenKeyIsRefusedWithTheKeyId() {
        EncryptedSecret secret = cipher(newKey()).encrypt(PASSWORD, CONTEXT);

        assertThatIllegalStateException().isThrownBy(() -> cipher(newKey()).decrypt(secret, CONTEXT))
                .withMessageContaining(secret.keyId())
                .withMessageNotContaining(PASSWORD);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   "})
    void refusesToStartWithoutAMasterKey(String missing) {
        assertThatIllegalStateException().isThrownBy(() -> cipher(missing))
                .withMessageContaining("pullbridge.security.master-key");
    }

    @Test
    void refusesAMasterKeyThatIsNot32Bytes() {
        String short16 = Base64.getEncoder().encodeToString(randomBytes(16));
        String long33 = Base64.getEncoder().encodeToString(randomBytes(33));

        assertThatIllegalStateException().isThrownBy(() -> cipher(short16))
                .withMessageContaining("pullbridge.security.master-key")
                .withMessageContaining("32 bytes")
                .withMessageNotContaining(short16);
        assertThatIllegalStateException().isThrownBy(() -> cipher(long33))
                .withMessageContaining("32 bytes");
    }

    @Test
    void refusesAMasterKeyThatIsNotBase64() {
        String notBase64 = "this is not base64 at all, is it?!";

        assertThatIllegalStateException().isThrownBy(() -> cipher(notBase64))
                .withMessageContaining("pullbridge.security.master-key")
                .withMessageContaining("base64")
                .withMessageNotContaining(notBase64);
    }

    @Test
    void refusesABadPreviousKeyNamingIt() {
        assertThatIllegalStateException()
                .isThrownBy(() -> cipher(properties(newKey(), null, Map.of("2025-01", "c2hvcnQ="))))
                .withMessageContaining("pullbridge.security.previous-keys.2025-01")
                .withMessageContaining("32 bytes");
    }

    @Test
    void fingerprintsAreStableInOneDatabaseWhateverItsMasterKeyAndDifferAcrossDatabases() {
        String key = newKey();
        InMemoryKeyRecords database = new InMemoryKeyRecords();
        SecretCipher cipher = cipher(properties(key, null, Map.of()), database);

        String fingerprint = cipher.fingerprint(PASSWORD);

        assertThat(fingerprint).matches("sha256:[0-9a-f]{64}").doesNotContain(PASSWORD);
        assertThat(cipher.fingerprint(PASSWORD)).isEqualTo(fingerprint);
        assertThat(cipher(properties(key, null, Map.of()), database).fingerprint(PASSWORD)).isEqualTo(fingerprint);
        assertThat(cipher.fingerprint(PASSWORD + "x")).isNotEqualTo(fingerprint);
        String oldKeyId = cipher.currentKeyId();
        assertThat(cipher(properties(newKey(), null, Map.of(oldKeyId, key)), database).fingerprint(PASSWORD))
                .as("after a change of master key").isEqualTo(fingerprint);
        assertThat(cipher(properties(key, null, Map.of()), new InMemoryKeyRecords()).fingerprint(PASSWORD))
                .as("another database, same master key").isNotEqualTo(fingerprint);
    }

    @Test
    void aFingerprintIsKeyedNotAPlainHash() throws Exception {
        String plain = HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(PASSWORD.getBytes(StandardCharsets.UTF_8)));

        assertThat(cipher(newKey()).fingerprint(PASSWORD)).isNotEqualTo("sha256:" + plain);
    }

    @Test
    void anEncryptedSecretPrintsNoCiphertext() {
        EncryptedSecret secret = cipher(newKey()).encrypt(PASSWORD, CONTEXT);
        byte[] bytes = secret.ciphertext();

        String printed = secret.toString();

        assertThat(printed).contains(secret.keyId())
                .doesNotContain(PASSWORD)
                .doesNotContain(Base64.getEncoder().encodeToString(bytes))
                .doesNotContain(HexFormat.of().formatHex(bytes).substring(0, 16))
                .doesNotContain(Arrays.toString(bytes).substring(1, 20))
                .doesNotContain(new String(bytes, StandardCharsets.ISO_8859_1));
    }
}
