package io.pullbridge.jobs;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The recurring reconciliation pass. It runs as a db-scheduler recurring task, which exists once in the database,
 * so it fires once per interval across all replicas, and a replica that dies mid-pass is replaced by another.
 */
@Component
class ReconcileTrigger {

    static final String TASK_NAME = "pullbridge-reconcile";

    private static final Logger log = LoggerFactory.getLogger(ReconcileTrigger.class);

    private final List<ReconcileSource> sources;
    private final JobService jobs;
    private final JobStore store;
    private final TransactionTemplate tx;

    ReconcileTrigger(List<ReconcileSource> sources, JobService jobs, JobStore store, TransactionTemplate tx) {
        this.sources = sources;
        this.jobs = jobs;
        this.store = store;
        this.tx = tx;
    }

    /** @return how many jobs the pass enqueued */
    int fire() {
        int enqueued = 0;
        for (ReconcileSource source : sources) {
            List<JobRequest> requests = source.reconcileRequests();
            Set<UUID> busy = Set.copyOf(store.activeTargets(requests.stream().map(JobRequest::targetId).toList()));
            List<JobRequest> due = requests.stream().filter(request -> !busy.contains(request.targetId()))
                    .collect(Collectors.toList());
            for (JobRequest request : due) {
                tx.executeWithoutResult(status -> jobs.enqueue(request));
            }
            enqueued += due.size();
        }
        if (enqueued > 0) {
            log.info("Reconcile pass enqueued {} job(s)", enqueued);
        }
        return enqueued;
    }
}
