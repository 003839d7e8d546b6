package io.pullbridge.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;

/**
 * Encrypts secrets (passwords, kubeconfigs) at rest with AES-256-GCM under the current master key, and decrypts them
 * under the key whose id is stored beside each ciphertext. The associated data binds each ciphertext to the row and
 * field it belongs to, so a ciphertext copied into another row does not decrypt. Keys rotate by configuring a new
 * master key, keeping the old one under {@code pullbridge.security.previous-keys} until every secret was re-encrypted
 * ({@link #reencrypt}); {@link MasterKeys} checks the configured keys against the database at start-up.
 */
@Component
public class SecretCipher {

    private final MasterKeys keys;

    SecretCipher(MasterKeys keys) {
        this.keys = keys;
    }

    /**
     * @param context what the secret belongs to, e.g. {@code cluster/<id>/kubeconfig}; the same context must be
     *                given to {@link #decrypt}
     */
    public EncryptedSecret encrypt(String plaintext, String context) {
        return new EncryptedSecret(keys.currentKeyId(), keys.aes().encrypt(keys.currentKey(),
                plaintext.getBytes(StandardCharsets.UTF_8), context));
    }

    public String decrypt(EncryptedSecret secret, String context) {
        SecretKeySpec key = keys.key(secret.keyId());
        if (key == null) {
            throw new IllegalStateException("Secret was encrypted under key '" + secret.keyId()
                    + "', which is neither the master key nor one of pullbridge.security.previous-keys");
        }
        try {
            return new String(keys.aes().decrypt(key, secret.isSet() ? secret.ciphertext() : new byte[0], context),
                    StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Secret under key '" + secret.keyId() + "' could not be decrypted for "
                    + context + " (wrong key, or the ciphertext was moved or altered)");
        }
    }

    /**
     * The same secret encrypted under the current master key, bound to the same context; the clear text never leaves
     * this module.
     *
     * @throws IllegalStateException when the secret does not decrypt (its key is not configured, or it was altered)
     */
    public EncryptedSecret reencrypt(EncryptedSecret secret, String context) {
        return encrypt(decrypt(secret, context), context);
    }

    /**
     * A keyed fingerprint ({@code sha256:<hex>}) that lets users tell two secrets apart without revealing either:
     * an HMAC, so a low-entropy password cannot be found by hashing guesses. Its key is stored in the database, so
     * fingerprints stay the same when the master key changes.
     */
    public String fingerprint(String value) {
        return "sha256:" + HexFormat.of().formatHex(fingerprintBytes(value.getBytes(StandardCharsets.UTF_8)));
    }

    public byte[] fingerprintBytes(byte[] value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(keys.fingerprintKey());
            return mac.doFinal(value);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    public String currentKeyId() {
        return keys.currentKeyId();
    }
}
