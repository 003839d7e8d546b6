package io.pullbridge.crypto;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Port: one encrypted column of a feature's table, for the re-encryption of every stored secret under the current
 * master key. Each feature that stores a secret implements it (most simply as an {@link EncryptedColumn}); a column
 * without one would keep its old key forever, so a test compares them with the database's {@code *_ciphertext}
 * columns.
 */
public interface StoredSecrets {

    /** What these secrets are, for counts in job steps and answers, e.g. {@code cluster-kubeconfig}. */
    String kind();

    /** Where they are: {@code <table>.<column>_ciphertext}. */
    String column();

    /** How many are stored under each master key id. */
    Map<String, Long> countByKeyId();

    /**
     * Up to {@code limit} of these secrets that are not under {@code keyId}, locked until the caller's transaction
     * ends, so nothing writes the row between their re-encryption and {@link #replace}.
     */
    List<Stored> lockNotUnder(String keyId, int limit);

    /**
     * Stores the re-encryption of a secret {@link #lockNotUnder} returned. The row's version changes, as for any
     * other write: a writer holding the row as it was before fails its optimistic lock rather than putting the old
     * ciphertext back.
     */
    void replace(UUID rowId, EncryptedSecret secret);

    /** A stored secret and the context its ciphertext is bound to. */
    record Stored(UUID rowId, String context, EncryptedSecret secret) {
    }
}
