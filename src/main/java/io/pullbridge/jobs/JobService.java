package io.pullbridge.jobs;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.boot.config.DbSchedulerProperties;
import com.github.kagkarlsson.scheduler.task.TaskDescriptor;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import io.pullbridge.audit.AuditLog;
import io.pullbridge.web.ApiException;
import io.pullbridge.web.ProblemType;
import io.pullbridge.web.RequestContext;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Enqueues jobs, cancels and retries them. {@link #enqueue} joins the caller's transaction: the job row and its
 * execution are committed together with the resource change, or not at all.
 *
 * <p>One job runs per target at a time, in the order they were enqueued. A request for a target that already has
 * a <em>queued</em> job of the same type is coalesced into it: handlers read their target's current spec when they
 * run, so the queued job applies the newest change too, and is pulled forward to run now. A request while a job of
 * the same type is <em>running</em> queues a new job behind it, because the running one may have read the old spec.
 */
@Service
public class JobService {

    private static final Logger log = LoggerFactory.getLogger(JobService.class);
    static final TaskDescriptor<Void> TASK = TaskDescriptor.of(JobRunner.TASK_NAME);

    private final JobStore store;
    private final SchedulerClient scheduler;
    private final JobRunner runner;
    private final JobEvents events;
    private final AuditLog audit;
    private final Clock clock;
    private final boolean immediateExecution;
    private final JobRepository jobRecords;

    JobService(JobStore store, SchedulerClient scheduler, JobRunner runner, JobEvents events, AuditLog audit,
               Clock clock, ObjectProvider<DbSchedulerProperties> schedulerProperties, JobRepository jobRecords) {
        this.jobRecords = jobRecords;
        this.store = store;
        this.scheduler = scheduler;
        this.runner = runner;
        this.events = events;
        this.audit = audit;
        this.clock = clock;
        DbSchedulerProperties properties = schedulerProperties.getIfAvailable();
        this.immediateExecution = properties != null && properties.isImmediateExecutionEnabled();
    }

    /** The job as users see it at {@code /api/v1/jobs/{id}}. */
    @Transactional(readOnly = true)
    public Optional<JobResponse> find(UUID id) {
        return jobRecords.findById(id).map(Job::toResponse);
    }

    /**
     * The answer to an action whose outcome is a job ({@code :discover}, {@code :verify}, a binding's {@code :rotate}):
     * 202 Accepted, {@code Location} and {@code Operation-Location} naming the job, and the job in the body.
     */
    @Transactional(readOnly = true)
    public ResponseEntity<JobResponse> accepted(JobRef job) {
        return ResponseEntity.accepted()
                .location(URI.create(job.location()))
                .header("Operation-Location", job.location())
                .body(find(job.id()).orElseThrow());
    }

    /** Enqueues a job inside the caller's transaction; see the class comment for how it orders and coalesces. */
    @Transactional(propagation = Propagation.MANDATORY)
    public JobRef enqueue(JobRequest request) {
        if (!runner.handles(request.type())) {
            throw new IllegalStateException("No handler is registered for job type " + request.type());
        }
        Instant now = clock.instant();
        Optional<UUID> queued = store.lockQueued(request.targetId(), request.type());
        if (queued.isPresent()) {
            UUID id = queued.get();
            store.pullForward(id, now);
            try {
                scheduler.reschedule(TASK.instanceId(id.toString()), now);
            } catch (RuntimeException pickedMeanwhile) {
                // A runner is picking the queued job right now: it will run at once, and reads the newest spec.
                log.debug("Queued job {} is being picked; not pulled forward: {}", id, pickedMeanwhile.toString());
            }
            runSoonAfterCommit();
            return new JobRef(id, true);
        }
        UUID id = UUID.randomUUID();
        store.insert(id, request, RequestContext.actor(), RequestContext.requestId(), now);
        scheduler.schedule(instance(id), now);
        runSoonAfterCommit();
        return new JobRef(id, false);
    }

    @Transactional
    void cancel(UUID id) {
        Instant now = clock.instant();
        switch (store.requestCancel(id, now)) {
            case CANCELLED -> {
                JobStore.Snapshot job = store.load(id).orElseThrow();
                try {
                    scheduler.cancel(TASK.instanceId(id.toString()));
                } catch (RuntimeException pickedMeanwhile) {
                    // A runner picked the execution just now: its claim finds the job cancelled and drops it.
                    log.debug("Execution of cancelled job {} could not be removed: {}", id, pickedMeanwhile.toString());
                }
                events.ended(job, JobState.CANCELLED, null, "cancelled before it started");
                JobLog.finished(job, JobState.CANCELLED, null, job.attempts(), now);
            }
            case REQUESTED -> { }
            case NOT_FOUND -> throw ApiException.notFound("job", id);
            case NOT_CANCELLABLE -> throw new ApiException(ProblemType.INVALID_STATE,
                    "Job " + id + " has already ended; only queued or running jobs can be cancelled");
        }
        audit.record("job.cancel", "job", id, null);
    }

    @Transactional
    void retry(UUID id) {
        Instant now = clock.instant();
        if (!store.requeueForRetry(id, now)) {
            if (store.load(id).isEmpty()) {
                throw ApiException.notFound("job", id);
            }
            throw new ApiException(ProblemType.INVALID_STATE,
                    "Job " + id + " is not failed or cancelled; only those can be retried");
        }
        if (!scheduler.scheduleIfNotExists(instance(id), now)) {
            scheduler.reschedule(TASK.instanceId(id.toString()), now);
        }
        JobStore.Snapshot job = store.load(id).orElseThrow();
        events.waiting(job, "retried by " + RequestContext.actor());
        audit.record("job.retry", "job", id, null);
        runSoonAfterCommit();
    }

    /**
     * db-scheduler's immediate execution wakes its poller as soon as an execution is scheduled, which here is inside
     * the caller's transaction: the poller cannot see the uncommitted execution yet and sleeps a whole polling
     * interval. Waking it again once the transaction has committed runs the job at once, as configured.
     */
    private void runSoonAfterCommit() {
        if (!immediateExecution || !(scheduler instanceof Scheduler local)) {
            return;
        }
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            local.triggerCheckForDueExecutions();
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                local.triggerCheckForDueExecutions();
            }
        });
    }

    private static TaskInstance<Void> instance(UUID id) {
        return TASK.instance(id.toString()).build();
    }
}
