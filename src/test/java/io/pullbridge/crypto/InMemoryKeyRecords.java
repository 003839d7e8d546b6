package io.pullbridge.crypto;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link KeyRecords} in memory: one instance is one database. */
final class InMemoryKeyRecords implements KeyRecords {

    final Map<String, Canary> canaries = new LinkedHashMap<>();
    FingerprintKey fingerprintKey;

    /** A database that already held fingerprints when the fingerprint key came (V13 inserts this row). */
    static InMemoryKeyRecords withFingerprints() {
        InMemoryKeyRecords records = new InMemoryKeyRecords();
        records.fingerprintKey = new FingerprintKey(true, null, null);
        return records;
    }

    @Override
    public synchronized List<Canary> canaries() {
        return new ArrayList<>(canaries.values());
    }

    @Override
    public synchronized void addCanary(String keyId, byte[] ciphertext, Instant now) {
        canaries.putIfAbsent(keyId, new Canary(keyId, ciphertext, now));
    }

    @Override
    public synchronized List<String> removeCanariesExcept(String keyId) {
        List<String> removed = canaries.keySet().stream().filter(id -> !id.equals(keyId)).toList();
        removed.forEach(canaries::remove);
        return removed;
    }

    @Override
    public synchronized Optional<FingerprintKey> fingerprintKey() {
        return Optional.ofNullable(fingerprintKey);
    }

    @Override
    public synchronized void storeFingerprintKey(boolean derived, String keyId, byte[] ciphertext, Instant now) {
        if (fingerprintKey == null || (!fingerprintKey.stored() && fingerprintKey.derived() == derived)) {
            fingerprintKey = new FingerprintKey(derived, keyId, ciphertext);
        }
    }

    @Override
    public synchronized boolean replaceFingerprintKey(String expectedKeyId, String keyId, byte[] ciphertext) {
        if (fingerprintKey == null || !expectedKeyId.equals(fingerprintKey.keyId())) {
            return false;
        }
        fingerprintKey = new FingerprintKey(fingerprintKey.derived(), keyId, ciphertext);
        return true;
    }
}
