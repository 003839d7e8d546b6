package io.pullbridge.jobs;

import com.google.common.collect.Lists;
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
 *
 * <p>It enqueues {@code pullbridge.jobs.reconcile-batch} jobs per transaction: one commit per job made enqueueing,
 * not running, the slow part of a pass over a large fleet. A batch that fails is enqueued again one job per
 * transaction, so one bad request costs its own job only.
 */
@Component
class ReconcileTrigger {

    static final String TASK_NAME = "pullbridge-reconcile";

    private static final Logger log = LoggerFactory.getLogger(ReconcileTrigger.class);

    private final List<ReconcileSource> sources;
    private final JobService jobs;
    private final JobStore store;
    private final TransactionTemplate tx;

    private final int batch;

    ReconcileTrigger(List<ReconcileSource> sources, JobService jobs, JobStore store, TransactionTemplate tx,
                     JobsProperties properties) {
        this.sources = sources;
        this.jobs = jobs;
        this.store = store;
        this.tx = tx;
        this.batch = properties.reconcileBatch();
    }

    /** @return how many jobs the pass enqueued */
    int fire() {
        int enqueued = 0;
        for (ReconcileSource source : sources) {
            List<JobRequest> requests = source.reconcileRequests();
            Set<UUID> busy = Set.copyOf(store.activeTargets(requests.stream().map(JobRequest::targetId).toList()));
            List<JobRequest> due = requests.stream().filter(request -> !busy.contains(request.targetId()))
                    .collect(Collectors.toList());
            for (List<JobRequest> part : Lists.partition(due, batch)) {
                enqueued += enqueue(part);
            }
        }
        if (enqueued > 0) {
            log.info("Reconcile pass enqueued {} job(s)", enqueued);
        }
        return enqueued;
    }

    private int enqueue(List<JobRequest> part) {
        try {
            tx.executeWithoutResult(status -> part.forEach(jobs::enqueue));
            return part.size();
        } catch (RuntimeException batchFailed) {
            if (part.size() == 1) {
                JobRequest request = part.get(0);
                log.warn("Reconcile pass could not enqueue {} for {} {}: {}", request.type(), request.targetKind(),
                        request.targetId(), batchFailed.toString());
                return 0;
            }
            int enqueued = 0;
            for (JobRequest request : part) {
                enqueued += enqueue(List.of(request));
            }
            return enqueued;
        }
    }
}
