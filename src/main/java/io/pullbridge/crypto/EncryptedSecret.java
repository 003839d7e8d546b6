package io.pullbridge.crypto;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import java.util.Arrays;
import java.util.Objects;

/**
 * A secret as stored: AES-256-GCM ciphertext (nonce first) and the id of the key that made it. Columns are
 * named by the embedding entity through {@code @AttributeOverride}. Holds no clear text, so it is safe to log.
 */
@Embeddable
public class EncryptedSecret {

    @Column(name = "key_id")
    private String keyId;

    @Column(name = "ciphertext")
    private byte[] ciphertext;

    protected EncryptedSecret() {
    }

    EncryptedSecret(String keyId, byte[] ciphertext) {
        this.keyId = keyId;
        this.ciphertext = ciphertext.clone();
    }

    public String keyId() {
        return keyId;
    }

    byte[] ciphertext() {
        return ciphertext.clone();
    }

    public boolean isSet() {
        return ciphertext != null && ciphertext.length > 0;
    }

    @Override
    public String toString() {
        return "EncryptedSecret[keyId=" + keyId + ", bytes=" + (ciphertext == null ? 0 : ciphertext.length) + "]";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof EncryptedSecret that && Objects.equals(keyId, that.keyId)
                && Arrays.equals(ciphertext, that.ciphertext);
    }

    @Override
    public int hashCode() {
        return 31 * Objects.hashCode(keyId) + Arrays.hashCode(ciphertext);
    }
}
