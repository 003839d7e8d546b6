package io.pullbridge.crypto;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Port: where this module keeps its own two kinds of record, the master key canaries and the fingerprint key, both
 * encrypted under a master key (the database, through {@link JdbcKeyRecords}).
 */
interface KeyRecords {

    /** One canary: a ciphertext made under the master key {@code keyId} when that key was first current. */
    record Canary(String keyId, byte[] ciphertext, Instant createdAt) {
    }

    /**
     * The fingerprint key as stored.
     *
     * @param derived true when it is (or is to be) the key derived from the master key, as fingerprints were made
     *                before it was stored
     * @param keyId   the master key it is encrypted under; null (with {@code ciphertext}) when not stored yet
     */
    record FingerprintKey(boolean derived, String keyId, byte[] ciphertext) {

        boolean stored() {
            return ciphertext != null;
        }
    }

    /** Every canary, oldest first. */
    List<Canary> canaries();

    /** Adds the canary of a key unless that key already has one (another replica may have written it first). */
    void addCanary(String keyId, byte[] ciphertext, Instant now);

    /** Removes the canaries of every key but this one; returns their key ids. */
    List<String> removeCanariesExcept(String keyId);

    Optional<FingerprintKey> fingerprintKey();

    /**
     * Stores the fingerprint key unless one is stored already (another replica may have stored its own first): the
     * caller reads it again either way.
     *
     * @param derived whether it is the key derived from the master key (only when a row asking for it exists)
     */
    void storeFingerprintKey(boolean derived, String keyId, byte[] ciphertext, Instant now);

    /** Replaces the stored fingerprint key's ciphertext if it is still {@code expectedKeyId}'s. */
    boolean replaceFingerprintKey(String expectedKeyId, String keyId, byte[] ciphertext);
}
