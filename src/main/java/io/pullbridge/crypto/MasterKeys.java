package io.pullbridge.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.stereotype.Component;

/**
 * The configured master keys, checked against the database before anything is encrypted or decrypted.
 * <p>
 * <b>Canaries.</b> Each master key that has been current left a canary in the database, a ciphertext made under it.
 * At start-up every canary must decrypt under the configured key of its id: a wrong master key (or a wrong previous
 * key) fails the start at once, naming the key ids, instead of failing jobs later; so does a configuration that lacks
 * a key whose canary is still there, since secrets may still be encrypted under it. A key new to the database
 * writes its canary once the canaries of the keys before it decrypted. The re-encryption of every stored secret
 * removes the canaries of the keys it moved secrets away from, after which those keys may be dropped.
 * <p>
 * <b>Fingerprint key.</b> Fingerprints (HMAC-SHA256) are made with a key stored in the database, encrypted under the
 * master key and re-encrypted with every other secret, so a change of master key changes no fingerprint. A database
 * that had fingerprints before the key was stored keeps the key they were made with (derived from the master key of
 * that first start); a new database gets a random one.
 */
@Component
@DependsOnDatabaseInitialization
public class MasterKeys {

    private static final Logger log = LoggerFactory.getLogger(MasterKeys.class);
    static final byte[] CANARY = "PullBridge master key canary".getBytes(StandardCharsets.UTF_8);
    static final String FINGERPRINT_KEY_CONTEXT = "pullbridge/fingerprint-key";
    private static final String PREVIOUS = "pullbridge.security.previous-keys.";

    private final String currentKeyId;
    private final Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
    private final KeyRecords records;
    private final Clock clock;
    private final AesGcm aes;
    private final SecretKeySpec fingerprintKey;

    MasterKeys(CryptoProperties properties, KeyRecords records, Clock clock) {
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
            byte[] previous = decodeKey(PREVIOUS + id, key);
            // Under one id, only one key can be tried: the old one would be dropped and its secrets lost.
            if (id.equals(currentKeyId) && !MessageDigest.isEqual(previous, current)) {
                throw new IllegalStateException(PREVIOUS + id + " has the id of the current master key "
                        + "(pullbridge.security.master-key-id) but other key material; give the new master key an id "
                        + "of its own");
            }
            keys.putIfAbsent(id, new SecretKeySpec(previous, "AES"));
        });
        this.records = records;
        this.clock = clock;
        this.aes = new AesGcm(new SecureRandom());
        checkCanaries();
        this.fingerprintKey = loadFingerprintKey(current);
    }

    /** The id stored beside every ciphertext made now. */
    public String currentKeyId() {
        return currentKeyId;
    }

    /** The ids of the current and every previous master key configured. */
    public Set<String> configuredKeyIds() {
        return new TreeSet<>(keys.keySet());
    }

    /** The keys that still have a canary in the database, oldest first. */
    public List<String> canaryKeyIds() {
        return records.canaries().stream().map(KeyRecords.Canary::keyId).toList();
    }

    /** The master key the stored fingerprint key is encrypted under. */
    public String fingerprintKeyId() {
        return records.fingerprintKey().map(KeyRecords.FingerprintKey::keyId).orElse(currentKeyId);
    }

    /**
     * Encrypts the stored fingerprint key under the current master key, if it is under another.
     *
     * @return the id of the key it was under before, or null when it already was under the current one
     */
    public String reencryptFingerprintKey() {
        KeyRecords.FingerprintKey stored = records.fingerprintKey().orElseThrow();
        if (currentKeyId.equals(stored.keyId())) {
            return null;
        }
        byte[] key = decryptFingerprintKey(stored);
        byte[] sealed = aes.encrypt(keys.get(currentKeyId), Base64.getEncoder().encode(key), FINGERPRINT_KEY_CONTEXT);
        if (!records.replaceFingerprintKey(stored.keyId(), currentKeyId, sealed)) {
            throw new IllegalStateException("The fingerprint key changed while it was being re-encrypted");
        }
        return stored.keyId();
    }

    /**
     * Removes the canaries of every key but the current one: call it only once no stored secret (and not the
     * fingerprint key) is encrypted under another key, since the canaries are what makes a start without those keys
     * fail.
     *
     * @return the ids of the keys whose canaries went
     */
    public List<String> retireOtherCanaries() {
        if (!currentKeyId.equals(fingerprintKeyId())) {
            throw new IllegalStateException("The fingerprint key is still under master key " + fingerprintKeyId()
                    + ": re-encrypt it before retiring the other keys");
        }
        return records.removeCanariesExcept(currentKeyId);
    }

    SecretKeySpec key(String keyId) {
        return keys.get(keyId);
    }

    SecretKeySpec currentKey() {
        return keys.get(currentKeyId);
    }

    SecretKeySpec fingerprintKey() {
        return fingerprintKey;
    }

    AesGcm aes() {
        return aes;
    }

    private void checkCanaries() {
        List<KeyRecords.Canary> canaries = records.canaries();
        List<String> unconfigured = new ArrayList<>();
        boolean currentHasOne = false;
        for (KeyRecords.Canary canary : canaries) {
            SecretKeySpec key = keys.get(canary.keyId());
            if (key == null) {
                unconfigured.add(canary.keyId());
                continue;
            }
            currentHasOne |= canary.keyId().equals(currentKeyId);
            try {
                byte[] plain = aes.decrypt(key, canary.ciphertext(), canaryContext(canary.keyId()));
                if (!MessageDigest.isEqual(plain, CANARY)) {
                    throw new GeneralSecurityException("unexpected canary");
                }
            } catch (GeneralSecurityException e) {
                String which = canary.keyId().equals(currentKeyId) ? "The master key " + currentKeyId
                        : PREVIOUS + canary.keyId();
                throw new IllegalStateException(which + " cannot decrypt the canary written under key "
                        + canary.keyId() + " on " + canary.createdAt() + ": it is not the key that wrote it (the "
                        + "same id with other key material). Configure the key that was in use under that id; "
                        + "nothing was changed.");
            }
        }
        if (!unconfigured.isEmpty()) {
            String missing = String.join(", ", unconfigured);
            throw new IllegalStateException("The master key " + currentKeyId + " cannot decrypt the canary written "
                    + "under key " + missing + ": the secrets stored in this database may be encrypted under "
                    + (unconfigured.size() == 1 ? "that key" : "those keys") + ", which "
                    + (unconfigured.size() == 1 ? "is" : "are") + " neither pullbridge.security.master-key nor one "
                    + "of pullbridge.security.previous-keys (configured: " + String.join(", ", configuredKeyIds())
                    + "). Configure " + unconfigured.stream().map(id -> PREVIOUS + id).collect(Collectors.joining(
                    ", ")) + " (or set it back as the master key); a key is no longer needed once "
                    + "POST /api/v1/admin/master-key:reencrypt has succeeded. Nothing was changed.");
        }
        if (!currentHasOne) {
            records.addCanary(currentKeyId, aes.encrypt(currentKey(), CANARY, canaryContext(currentKeyId)),
                    clock.instant());
            // Another replica may have written this key id's canary a moment earlier, with other key material.
            KeyRecords.Canary written = records.canaries().stream()
                    .filter(canary -> canary.keyId().equals(currentKeyId)).findFirst().orElseThrow();
            try {
                aes.decrypt(currentKey(), written.ciphertext(), canaryContext(currentKeyId));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("The master key " + currentKeyId + " cannot decrypt the canary "
                        + "written under key " + currentKeyId + " by another replica a moment ago: two replicas use "
                        + "the id " + currentKeyId + " for different keys. Nothing was changed.");
            }
            if (!canaries.isEmpty()) {
                log.info("Master key {} is new to this database; the keys before it ({}) stay needed until "
                        + "POST /api/v1/admin/master-key:reencrypt has moved their secrets", currentKeyId,
                        canaries.stream().map(KeyRecords.Canary::keyId).collect(Collectors.joining(", ")));
            }
        }
    }

    private SecretKeySpec loadFingerprintKey(byte[] current) {
        KeyRecords.FingerprintKey stored = records.fingerprintKey().orElse(null);
        if (stored == null || !stored.stored()) {
            boolean derived = stored != null && stored.derived();
            byte[] key = derived ? hmac(current, "pullbridge fingerprint key".getBytes(StandardCharsets.UTF_8))
                    : aes.randomBytes(32);
            records.storeFingerprintKey(derived, currentKeyId, aes.encrypt(currentKey(),
                    Base64.getEncoder().encode(key), FINGERPRINT_KEY_CONTEXT), clock.instant());
            stored = records.fingerprintKey().orElseThrow();
        }
        return new SecretKeySpec(decryptFingerprintKey(stored), "HmacSHA256");
    }

    private byte[] decryptFingerprintKey(KeyRecords.FingerprintKey stored) {
        SecretKeySpec key = keys.get(stored.keyId());
        if (key == null) {
            throw new IllegalStateException("The fingerprint key is encrypted under master key " + stored.keyId()
                    + ", which is neither pullbridge.security.master-key (" + currentKeyId + ") nor one of "
                    + "pullbridge.security.previous-keys; configure it under " + PREVIOUS + stored.keyId());
        }
        try {
            return Base64.getDecoder().decode(aes.decrypt(key, stored.ciphertext(), FINGERPRINT_KEY_CONTEXT));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The master key " + stored.keyId() + " cannot decrypt the fingerprint "
                    + "key stored under it: wrong key material for that id");
        }
    }

    static String canaryContext(String keyId) {
        return "pullbridge/master-key-canary/" + keyId;
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
