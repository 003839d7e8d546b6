package io.pullbridge.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;

/**
 * Encrypts secrets (passwords, kubeconfigs) at rest with AES-256-GCM under the configured master key.
 * The associated data binds each ciphertext to the row and field it belongs to, so a ciphertext copied into
 * another row does not decrypt. Keys rotate by configuring a new master key and keeping the old one under
 * {@code pullbridge.security.previous-keys}.
 */
@Component
public class SecretCipher {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecureRandom random = new SecureRandom();
    private final String currentKeyId;
    private final Map<String, SecretKeySpec> keys = new HashMap<>();
    private final SecretKeySpec fingerprintKey;

    public SecretCipher(CryptoProperties properties) {
        if (properties.masterKey() == null || properties.masterKey().isBlank()) {
            throw new IllegalStateException("pullbridge.security.master-key is not set: PullBridge refuses to start "
                    + "without a key to encrypt secrets at rest. Generate one with 'openssl rand -base64 32' and pass it "
                    + "as PULLBRIDGE_SECURITY_MASTER_KEY.");
        }
        byte[] current = decodeKey("pullbridge.security.master-key", properties.masterKey());
        currentKeyId = properties.masterKeyId() == null || properties.masterKeyId().isBlank()
                ? deriveKeyId(current) : properties.masterKeyId();
        keys.put(currentKeyId, new SecretKeySpec(current, "AES"));
        properties.previousKeys().forEach((id, key) -> {
            byte[] previous = decodeKey("pullbridge.security.previous-keys." + id, key);
            // Under one id, only one key can be tried: the old one would be dropped and its secrets lost.
            if (id.equals(currentKeyId) && !MessageDigest.isEqual(previous, current)) {
                throw new IllegalStateException("pullbridge.security.previous-keys." + id + " has the id of the current "
                        + "master key (pullbridge.security.master-key-id) but other key material; give the new master "
                        + "key an id of its own");
            }
            keys.putIfAbsent(id, new SecretKeySpec(previous, "AES"));
        });
        fingerprintKey = new SecretKeySpec(hmac(current, "pullbridge fingerprint key".getBytes(StandardCharsets.UTF_8)),
                "HmacSHA256");
    }

    /**
     * @param context what the secret belongs to, e.g. {@code cluster/<id>/kubeconfig}; the same context must be
     *                given to {@link #decrypt}
     */
    public EncryptedSecret encrypt(String plaintext, String context) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(currentKeyId), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] stored = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, stored, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, stored, NONCE_BYTES, sealed.length);
            return new EncryptedSecret(currentKeyId, stored);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    public String decrypt(EncryptedSecret secret, String context) {
        SecretKeySpec key = keys.get(secret.keyId());
        if (key == null) {
            throw new IllegalStateException("Secret was encrypted under key '" + secret.keyId()
                    + "', which is neither the master key nor one of pullbridge.security.previous-keys");
        }
        byte[] stored = secret.isSet() ? secret.ciphertext() : new byte[0];
        if (stored.length < NONCE_BYTES + TAG_BITS / 8) {
            throw undecryptable(secret, context);
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, stored, 0, NONCE_BYTES));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(stored, NONCE_BYTES, stored.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw undecryptable(secret, context);
        }
    }

    private static IllegalStateException undecryptable(EncryptedSecret secret, String context) {
        return new IllegalStateException("Secret under key '" + secret.keyId() + "' could not be decrypted for "
                + context + " (wrong key, or the ciphertext was moved or altered)");
    }

    /**
     * A keyed fingerprint ({@code sha256:<hex>}) that lets users tell two secrets apart without revealing either:
     * an HMAC, so a low-entropy password cannot be found by hashing guesses.
     */
    public String fingerprint(String value) {
        return "sha256:" + HexFormat.of().formatHex(fingerprintBytes(value.getBytes(StandardCharsets.UTF_8)));
    }

    public byte[] fingerprintBytes(byte[] value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(fingerprintKey);
            return mac.doFinal(value);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    public String currentKeyId() {
        return currentKeyId;
    }

    private static byte[] decodeKey(String property, String base64) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(property + " is not valid base64");
        }
        if (key.length != 32) {
            throw new IllegalStateException(property + " must be 32 bytes (AES-256), base64-encoded; it is "
                    + key.length + " bytes");
        }
        return key;
    }

    private static String deriveKeyId(byte[] key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key);
            return "k-" + HexFormat.of().formatHex(digest, 0, 4);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
