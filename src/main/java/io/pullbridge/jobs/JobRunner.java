package io.pullbridge.jobs;

import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import io.pullbridge.web.RequestContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs one job per db-scheduler execution: claims it, hands it to its {@link JobHandler}, and records the outcome.
 * The execution's instance id is the job id. Retries and waits reschedule the same execution, so a job is in the
 * scheduler at most once.
 */
@Component
class JobRunner {

    static final String TASK_NAME = "pullbridge-job";

    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

    private final JobStore store;
    private final JobEvents events;
    private final JobMetrics metrics;
    private final TransactionTemplate tx;
    private final JobsProperties properties;
    private final Clock clock;
    private final ObjectProvider<JobHandler> handlerBeans;
    private volatile Map<String, JobHandler> handlers;
    private final String runnerName;

    /*
     * Handlers are looked up at first use, not injected: a handler uses feature services, which enqueue jobs, which
     * needs this runner; resolving them late keeps that from being a cycle of constructor dependencies.
     */
    JobRunner(JobStore store, JobEvents events, JobMetrics metrics, TransactionTemplate tx, JobsProperties properties,
              Clock clock, ObjectProvider<JobHandler> handlers, RunnerName runnerName) {
        this.store = store;
        this.events = events;
        this.metrics = metrics;
        this.tx = tx;
        this.properties = properties;
        this.clock = clock;
        this.runnerName = runnerName.value();
        this.handlerBeans = handlers;
    }

    boolean handles(String type) {
        return handlers().containsKey(type);
    }

    private Map<String, JobHandler> handlers() {
        Map<String, JobHandler> known = handlers;
        if (known == null) {
            Map<String, JobHandler> byType = new HashMap<>();
            handlerBeans.orderedStream().forEach(handler -> {
                for (String type : handler.types()) {
                    JobHandler previous = byType.put(type, handler);
                    if (previous != null) {
                        throw new IllegalStateException("Two handlers for job type " + type + ": "
                                + previous.getClass().getName() + " and " + handler.getClass().getName());
                    }
                }
            });
            known = Map.copyOf(byType);
            handlers = known;
        }
        return known;
    }

    /**
     * While a job runs, its ticket (the correlation id of the request that enqueued it) is the thread's: the audit
     * events of the run and the jobs it enqueues carry it, as they would have in the request.
     */
    CompletionHandler<Void> run(TaskInstance<Void> instance, ExecutionContext execution) {
        try {
            return runJob(instance, execution);
        } finally {
            MDC.remove(RequestContext.CORRELATION_ID_MDC_KEY);
        }
    }

    private CompletionHandler<Void> runJob(TaskInstance<Void> instance, ExecutionContext execution) {
        UUID jobId;
        try {
            jobId = UUID.fromString(instance.getId());
        } catch (IllegalArgumentException e) {
            log.warn("Dropping execution {} of {}: its id is not a job id", instance.getId(), TASK_NAME);
            return remove();
        }
        UUID token = UUID.randomUUID();
        Instant claimedAt = clock.instant();
        JobStore.Claimed claimed = tx.execute(status -> {
            JobStore.Claimed outcome = store.claim(jobId, token, runnerName, claimedAt);
            if (outcome.job() != null && outcome.job().correlationId() != null) {
                MDC.put(RequestContext.CORRELATION_ID_MDC_KEY, outcome.job().correlationId());
            }
            if (outcome.outcome() == JobStore.Claim.CLAIMED) {
                events.started(outcome.job());
            } else if (outcome.outcome() == JobStore.Claim.CANCELLED) {
                events.ended(outcome.job(), JobState.CANCELLED, null, "cancelled while its runner was away");
            }
            return outcome;
        });
        if (claimed.outcome() == JobStore.Claim.CANCELLED) {
            JobLog.finished(claimed.job(), JobState.CANCELLED, null, claimed.job().attempts(), claimedAt);
        }
        JobStore.Snapshot job = claimed.job();
        switch (claimed.outcome()) {
            case BUSY:
                return reschedule(claimedAt.plus(properties.busyTargetDelay()));
            case GONE:
            case CANCELLED:
                return remove();
            default:
                break;
        }
        JobHandler handler = handlers().get(job.type());
        if (handler == null) {
            JobProblem problem = JobProblem.of("job-type-unknown", "No handler for this job type", 500,
                    "This PullBridge version has no handler for job type " + job.type(), FailureClass.PERMANENT);
            return finish(job, token, JobState.FAILED, problem, null, claimedAt);
        }
        JobContext context = new JobContext(job, claimed.resume(), token, store, events, clock,
                () -> execution.getSchedulerState().isShuttingDown(), tx);
        JobResult result;
        try {
            result = handler.handle(context);
        } catch (JobContext.LostOwnership e) {
            log.warn("Job {} was taken over by another runner; this runner stops without writing", jobId);
            metrics.lost(job.type());
            return (complete, operations) -> { };
        } catch (JobContext.Cancelled e) {
            Instant now = clock.instant();
            boolean cancelled = Boolean.TRUE.equals(tx.execute(status -> {
                boolean done = store.cancelRunning(jobId, token, now);
                if (done) {
                    events.ended(job, JobState.CANCELLED, null, "cancelled at a step boundary");
                }
                return done;
            }));
            if (cancelled) {
                JobLog.finished(job, JobState.CANCELLED, null, job.attempts() + 1, now);
            }
            metrics.finished(job.type(), JobState.CANCELLED, claimedAt, now);
            return remove();
        } catch (JobContext.ShuttingDown e) {
            tx.executeWithoutResult(status -> {
                if (store.handBack(jobId, token, clock.instant())) {
                    events.waiting(job, "handed back by a replica that is shutting down");
                }
            });
            log.info("Handed job {} back to the queue: this replica is shutting down", jobId);
            return reschedule(clock.instant());
        } catch (Exception e) {
            JobProblem problem = Failures.classify(e).masked(context.mask());
            if (problem.failureClass() == FailureClass.PERMANENT && !(e instanceof JobFailure)) {
                log.error("Job {} ({}) failed unexpectedly", jobId, job.type(), context.mask().apply(e));
            }
            Optional<Duration> retryAfter = e instanceof JobFailure failure ? failure.retryAfter() : Optional.empty();
            return afterFailure(job, token, problem, retryAfter, claimedAt);
        }
        if (result instanceof JobResult.RetryAfter wait) {
            return afterWait(job, token, new JobResult.RetryAfter(wait.after(), context.mask().apply(wait.reason())),
                    claimedAt);
        }
        if (result instanceof JobResult.Failed failed) {
            return finish(job, token, JobState.FAILED, failed.problem().masked(context.mask()), null, claimedAt);
        }
        String detail = result instanceof JobResult.Done done ? context.mask().apply(done.detail()) : null;
        return finish(job, token, JobState.SUCCEEDED, null, detail, claimedAt);
    }

    private CompletionHandler<Void> afterFailure(JobStore.Snapshot job, UUID token, JobProblem problem,
                                                 Optional<Duration> retryAfter, Instant claimedAt) {
        Instant now = clock.instant();
        int failures = job.failedAttempts() + 1;
        boolean tooOld = Duration.between(job.createdAt(), now).compareTo(properties.maxAge()) > 0;
        if (problem.failureClass() == FailureClass.PERMANENT) {
            return finish(job, token, JobState.FAILED, problem, null, claimedAt);
        }
        if (failures >= properties.maxAttempts() || tooOld) {
            JobProblem gaveUp = new JobProblem(problem.type(), problem.title(), problem.status(),
                    "Gave up after " + failures + " failed attempt(s)" + (tooOld ? " and " + properties.maxAge()
                            + " of trying" : "") + ": " + problem.detail(), problem.failureClass(),
                    problem.remoteRequestId());
            return finish(job, token, JobState.FAILED, gaveUp, null, claimedAt);
        }
        Instant next = now.plus(backoff(failures, retryAfter));
        boolean requeued = Boolean.TRUE.equals(tx.execute(status -> {
            boolean done = store.requeue(job.id(), token, next, problem);
            if (done) {
                events.retrying(job, problem);
            }
            return done;
        }));
        metrics.retried(job.type());
        if (requeued) {
            JobLog.attemptFailed(job, job.attempts() + 1, problem, Duration.between(now, next));
        }
        return requeued ? reschedule(next) : (complete, operations) -> { };
    }

    private CompletionHandler<Void> afterWait(JobStore.Snapshot job, UUID token, JobResult.RetryAfter wait,
                                              Instant claimedAt) {
        Instant now = clock.instant();
        if (Duration.between(job.createdAt(), now).compareTo(properties.maxAge()) > 0) {
            JobProblem timedOut = JobProblem.of("job-timed-out", "The job did not finish in time", 504,
                    "Still waiting after " + properties.maxAge() + ": " + wait.reason(), FailureClass.TRANSIENT);
            return finish(job, token, JobState.FAILED, timedOut, null, claimedAt);
        }
        Instant next = now.plus(wait.after());
        boolean requeued = Boolean.TRUE.equals(tx.execute(status -> {
            boolean done = store.requeue(job.id(), token, next, null);
            if (done) {
                events.waiting(job, wait.reason());
            }
            return done;
        }));
        return requeued ? reschedule(next) : (complete, operations) -> { };
    }

    private CompletionHandler<Void> finish(JobStore.Snapshot job, UUID token, JobState state, JobProblem problem,
                                           String detail, Instant claimedAt) {
        Instant now = clock.instant();
        boolean recorded = Boolean.TRUE.equals(tx.execute(status -> {
            boolean done = state == JobState.SUCCEEDED ? store.succeed(job.id(), token, now)
                    : store.fail(job.id(), token, problem, now);
            if (done) {
                events.ended(job, state, problem, detail);
            }
            return done;
        }));
        if (!recorded) {
            log.warn("Job {} was taken over by another runner before it could record {}", job.id(), state.value());
            return (complete, operations) -> { };
        }
        int attempt = job.attempts() + 1;
        if (state == JobState.FAILED) {
            JobLog.attemptFailed(job, attempt, problem, null);
        }
        JobLog.finished(job, state, problem, attempt, now);
        metrics.finished(job.type(), state, claimedAt, now);
        return remove();
    }

    Duration backoff(int failures, Optional<Duration> retryAfter) {
        long initial = properties.initialBackoff().toMillis();
        long cap = properties.maxBackoff().toMillis();
        long exponential = failures >= 32 ? cap : Math.min(cap, initial << Math.max(0, failures - 1));
        long jittered = exponential / 2 + ThreadLocalRandom.current().nextLong(exponential / 2 + 1);
        Duration delay = Duration.ofMillis(jittered);
        return retryAfter.filter(remote -> remote.compareTo(delay) > 0).orElse(delay);
    }

    private static CompletionHandler<Void> remove() {
        return (complete, operations) -> operations.remove();
    }

    private static CompletionHandler<Void> reschedule(Instant next) {
        return (complete, operations) -> operations.reschedule(complete, next);
    }
}
