package io.pullbridge.masterkey;

import io.pullbridge.audit.AuditLog;
import io.pullbridge.crypto.MasterKeys;
import io.pullbridge.crypto.StoredSecrets;
import io.pullbridge.jobs.JobRef;
import io.pullbridge.jobs.JobRequest;
import io.pullbridge.jobs.JobService;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** What an Admin asks of the master key: where the stored secrets stand, and their re-encryption under it. */
@Service
class MasterKeyService {

    static final String KIND = "master-key";
    /** The one target of every re-encryption job: one runs at a time, and a queued one absorbs a new request. */
    static final UUID TARGET = UUID.nameUUIDFromBytes("pullbridge:master-key".getBytes(StandardCharsets.UTF_8));

    private final MasterKeys keys;
    private final List<StoredSecrets> secrets;
    private final JobService jobs;
    private final AuditLog audit;

    MasterKeyService(MasterKeys keys, List<StoredSecrets> secrets, JobService jobs, AuditLog audit) {
        this.keys = keys;
        this.secrets = secrets.stream().sorted(Comparator.comparing(StoredSecrets::kind)).toList();
        this.jobs = jobs;
        this.audit = audit;
    }

    @Transactional(readOnly = true)
    MasterKeyStatus status() {
        List<MasterKeyStatus.SecretCount> counts = new ArrayList<>();
        TreeSet<String> needed = new TreeSet<>();
        for (StoredSecrets stored : secrets) {
            for (Map.Entry<String, Long> entry : stored.countByKeyId().entrySet()) {
                counts.add(new MasterKeyStatus.SecretCount(stored.kind(), entry.getKey(), entry.getValue()));
                needed.add(entry.getKey());
            }
        }
        List<String> canaries = keys.canaryKeyIds();
        needed.addAll(canaries);
        needed.add(keys.fingerprintKeyId());
        needed.add(keys.currentKeyId());
        return new MasterKeyStatus(keys.currentKeyId(), List.copyOf(keys.configuredKeyIds()), List.copyOf(needed),
                canaries, keys.fingerprintKeyId(), counts);
    }

    /**
     * Enqueues the job that re-encrypts every stored secret under this replica's current key; the job refuses to run
     * on a replica whose current key is another.
     */
    @Transactional
    JobRef reencrypt() {
        JobRef job = jobs.enqueue(new JobRequest(MasterKeyReencryption.TYPE, KIND, TARGET,
                Map.of(MasterKeyReencryption.KEY_ID, keys.currentKeyId())));
        audit.record("master-key.reencrypt-requested", KIND, TARGET, "under key " + keys.currentKeyId());
        return job;
    }
}
