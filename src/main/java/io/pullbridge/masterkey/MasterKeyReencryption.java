package io.pullbridge.masterkey;

import io.pullbridge.crypto.CryptoProperties;
import io.pullbridge.crypto.MasterKeys;
import io.pullbridge.crypto.SecretCipher;
import io.pullbridge.crypto.StoredSecrets;
import io.pullbridge.jobs.JobContext;
import io.pullbridge.jobs.JobFailure;
import io.pullbridge.jobs.JobHandler;
import io.pullbridge.jobs.JobResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code master-key.reencrypt}: moves every stored secret under the current master key, kind by kind, in
 * transactions of at most {@code pullbridge.security.reencrypt-batch-size} rows, each secret re-encrypted with the
 * context that binds it to its row; then the fingerprint key; then, once nothing is left under another key, retires
 * the other keys' canaries, after which those keys may be dropped. Idempotent: a rerun finds nothing left to move.
 */
@Component
class MasterKeyReencryption implements JobHandler {

    static final String TYPE = "master-key.reencrypt";
    static final String KEY_ID = "keyId";

    private final MasterKeys keys;
    private final SecretCipher cipher;
    private final List<StoredSecrets> secrets;
    private final TransactionTemplate tx;
    private final int batchSize;

    MasterKeyReencryption(MasterKeys keys, SecretCipher cipher, List<StoredSecrets> secrets, TransactionTemplate tx,
                          CryptoProperties properties) {
        this.keys = keys;
        this.cipher = cipher;
        this.secrets = secrets.stream().sorted(Comparator.comparing(StoredSecrets::kind)).toList();
        this.tx = tx;
        this.batchSize = properties.reencryptBatchSize();
    }

    @Override
    public Set<String> types() {
        return Set.of(TYPE);
    }

    @Override
    public JobResult handle(JobContext context) throws Exception {
        String current = keys.currentKeyId();
        String asked = context.data().get(KEY_ID);
        if (asked != null && !asked.equals(current)) {
            throw JobFailure.permanent("master-key-mismatch", "This replica has another master key",
                    409, "The re-encryption was asked for under key " + asked + ", but the replica that ran it has "
                            + current + " as its master key. Give every replica the same pullbridge.security.master-key"
                            + " (keeping the old one under previous-keys), then ask again");
        }
        Map<String, Integer> moved = new LinkedHashMap<>();
        for (StoredSecrets stored : secrets) {
            context.step("reencrypt-" + stored.kind(), () -> {
                AtomicInteger batches = new AtomicInteger();
                int count = 0;
                while (true) {
                    Integer done = tx.execute(status -> reencryptBatch(stored, current));
                    if (done == null || done == 0) {
                        break;
                    }
                    count += done;
                    batches.incrementAndGet();
                }
                moved.put(stored.kind(), count);
                long under = stored.countByKeyId().getOrDefault(current, 0L);
                return count == 0 ? "nothing to move (" + under + " stored, all under " + current + ")"
                        : count + " re-encrypted under " + current + " in " + batches.get() + " batch"
                        + (batches.get() == 1 ? "" : "es");
            });
        }
        context.step("reencrypt-fingerprint-key", () -> {
            String before = tx.execute(status -> keys.reencryptFingerprintKey());
            return before == null ? "already under " + current : "moved from " + before + " to " + current
                    + "; fingerprints do not change";
        });
        List<String> retired = new ArrayList<>();
        context.step("retire-other-keys", () -> {
            Map<String, Long> left = new LinkedHashMap<>();
            for (StoredSecrets stored : secrets) {
                long count = stored.countByKeyId().entrySet().stream().filter(e -> !e.getKey().equals(current))
                        .mapToLong(Map.Entry::getValue).sum();
                if (count > 0) {
                    left.put(stored.kind(), count);
                }
            }
            if (!left.isEmpty()) {
                throw JobFailure.permanent("master-key-still-in-use", "Secrets were written under "
                                + "another key meanwhile", 409, "While this job ran, secrets were stored under a key "
                                + "other than " + current + " (" + describe(left) + "): a replica still encrypts with "
                                + "an older master key. Give every replica " + current + " as its master key, then "
                                + "retry this job; the older keys stay needed until it succeeds");
            }
            retired.addAll(keys.retireOtherCanaries());
            return "every secret is under " + current + (retired.isEmpty() ? "" : "; nothing is encrypted under "
                    + String.join(", ", retired) + " any more: " + (retired.size() == 1 ? "it" : "they")
                    + " may be dropped from pullbridge.security.previous-keys");
        });
        int total = moved.values().stream().mapToInt(Integer::intValue).sum();
        return JobResult.done(total + " secrets re-encrypted under " + current + " (" + describe(moved) + ")"
                + (retired.isEmpty() ? "" : "; no longer needed: " + String.join(", ", retired)));
    }

    private int reencryptBatch(StoredSecrets stored, String current) {
        List<StoredSecrets.Stored> batch = stored.lockNotUnder(current, batchSize);
        for (StoredSecrets.Stored secret : batch) {
            try {
                stored.replace(secret.rowId(), cipher.reencrypt(secret.secret(), secret.context()));
            } catch (IllegalStateException e) {
                // The cipher's message names the key id and the row's context, never the secret.
                throw JobFailure.permanent("master-key-reencryption-failed", "A stored secret could "
                        + "not be decrypted", 422, stored.kind() + " of row " + secret.rowId() + ": "
                        + e.getMessage() + ". Configure the key it names under pullbridge.security.previous-keys, "
                        + "then retry this job");
            }
        }
        return batch.size();
    }

    private static String describe(Map<String, ? extends Number> counts) {
        return counts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "));
    }
}
