package io.pullbridge.jobs;

import io.pullbridge.common.SecretMask;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * A handler's view of the job it runs: what it works on, and {@link #step} to record progress. Before each step
 * the engine checks that the job is still this runner's, that nobody cancelled it, and that the service is not
 * shutting down; a handler therefore sees a cancellation at its next step.
 */
public final class JobContext {

    /** One step's work; returns a short, secret-free detail for the job record, or null. */
    @FunctionalInterface
    public interface Step {
        String run() throws Exception;
    }

    private final JobStore.Snapshot job;
    private final UUID token;
    private final JobStore store;
    private final JobEvents events;
    private final Clock clock;
    private final BooleanSupplier shuttingDown;
    private volatile SecretMask mask = SecretMask.none();

    JobContext(JobStore.Snapshot job, UUID token, JobStore store, JobEvents events, Clock clock,
               BooleanSupplier shuttingDown) {
        this.job = job;
        this.token = token;
        this.store = store;
        this.events = events;
        this.clock = clock;
        this.shuttingDown = shuttingDown;
    }

    public UUID jobId() {
        return job.id();
    }

    public String type() {
        return job.type();
    }

    public String targetKind() {
        return job.targetKind();
    }

    public UUID targetId() {
        return job.targetId();
    }

    /** This run's number, from 1. */
    public int attempt() {
        return job.attempts() + 1;
    }

    public String requestedBy() {
        return job.requestedBy();
    }

    public Map<String, String> data() {
        return job.data();
    }

    /**
     * Tells the engine about secrets this job holds (a password it read or made, a connection string): from now on
     * whatever the job records (step details, failures, its last error, the log line of an unexpected failure) is
     * masked for them, in every spelling {@link SecretMask} knows. Call it as soon as the job has a secret in hand.
     */
    public synchronized void protect(String... secrets) {
        mask = mask.with(secrets);
    }

    /** The mask for every secret this job holds: for remote text a handler writes elsewhere, such as a status. */
    public SecretMask mask() {
        return mask;
    }

    /**
     * Runs one named step and records its start, end and outcome on the job. Steps must be idempotent.
     *
     * @throws JobFailure or whatever the step threw, after recording the step as failed
     */
    public void step(String name, Step step) throws Exception {
        if (shuttingDown.getAsBoolean()) {
            throw new ShuttingDown();
        }
        if (!store.startStep(job.id(), token, name, clock.instant())) {
            ensureStillOurs();
            throw new LostOwnership();
        }
        String detail;
        try {
            detail = step.run();
        } catch (Exception e) {
            SecretMask secrets = mask;
            String reason = secrets.apply(e instanceof JobFailure failure ? failure.problem().detail()
                    : Failures.describe(e));
            store.finishStep(job.id(), token, "failed", reason, clock.instant());
            events.stepFailed(job, name, reason);
            throw e instanceof JobFailure failure ? failure.masked(secrets) : e;
        }
        store.finishStep(job.id(), token, "succeeded", mask.apply(detail), clock.instant());
    }

    void ensureStillOurs() {
        Boolean cancel = store.cancelRequested(job.id(), token).orElseThrow(LostOwnership::new);
        if (cancel) {
            throw new Cancelled();
        }
        if (shuttingDown.getAsBoolean()) {
            throw new ShuttingDown();
        }
    }

    /** Another runner took the job over (this one was presumed dead): stop without writing anything. */
    static final class LostOwnership extends RuntimeException {
        LostOwnership() {
            super("job was taken over by another runner", null, false, false);
        }
    }

    static final class Cancelled extends RuntimeException {
        Cancelled() {
            super("job was cancelled", null, false, false);
        }
    }

    static final class ShuttingDown extends RuntimeException {
        ShuttingDown() {
            super("service is shutting down", null, false, false);
        }
    }
}
