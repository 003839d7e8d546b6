package io.pullbridge.jobs;

import io.pullbridge.common.SecretMask;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A handler's view of the job it runs: what it works on, {@link #step} to record progress, and {@link #fenced} to
 * record what a step made. Before each step the engine checks that the job is still this runner's, that nobody
 * cancelled it, and that the service is not shutting down; a handler therefore sees a cancellation at its next step.
 * <p>
 * Fencing: a runner that stalls (a long GC pause, a frozen VM) stops heartbeating, is presumed dead, and another
 * runner takes its job over with a new run token. The stalled runner may wake up in the middle of a step, after an
 * Azure call whose result the new runner has since replaced (a registry token password generated again, say). Its
 * writes to the job record already carry its token and change nothing; {@link #fenced} holds its writes to resource
 * rows to the same rule, so what it recorded can never overwrite what the new runner made.
 */
public final class JobContext {

    /** One step's work; returns a short, secret-free detail for the job record, or null. */
    @FunctionalInterface
    public interface Step {
        String run() throws Exception;
    }

    /** One step's work that hands what it made or found to the steps after it. */
    @FunctionalInterface
    public interface ValueStep<T> {
        T run() throws Exception;
    }

    private static final Logger log = LoggerFactory.getLogger(JobContext.class);

    private final JobStore.Snapshot job;
    private final UUID token;
    private final JobStore store;
    private final JobEvents events;
    private final Clock clock;
    private final BooleanSupplier shuttingDown;
    private final TransactionTemplate tx;
    private volatile SecretMask mask = SecretMask.none();
    private JobStore.Resume resume;
    private int resumeCursor;

    JobContext(JobStore.Snapshot job, JobStore.Resume resume, UUID token, JobStore store, JobEvents events, Clock clock,
               BooleanSupplier shuttingDown, TransactionTemplate tx) {
        this.job = job;
        this.resume = resume;
        this.token = token;
        this.store = store;
        this.events = events;
        this.clock = clock;
        this.shuttingDown = shuttingDown;
        this.tx = tx;
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
     * <p>
     * A job that waited resumes where it waited: a step that finished before the one it waits in is neither run nor
     * recorded again, and the step it waits in runs again in its place, counting its polls. Resuming stops at the
     * first step that is not the next one recorded; from there on, steps are run and recorded as usual.
     *
     * @throws JobFailure or whatever the step threw, after recording the step as failed
     */
    public void step(String name, Step step) throws Exception {
        run(name, step::run, detail -> detail, true);
    }

    /**
     * Runs one named step that returns a value, as {@link #step(String, Step)} does; {@code detail} says what the
     * value was, for the job record (short and secret-free; it may return null). A job keeps no values between runs,
     * so when a job resumes after a wait such a step runs again (in its place, not recorded twice).
     *
     * @return what the step returned
     */
    public <T> T step(String name, ValueStep<T> step, Function<? super T, String> detail) throws Exception {
        return run(name, step, detail, false);
    }

    private <T> T run(String name, ValueStep<T> step, Function<? super T, String> describe, boolean skippable)
            throws Exception {
        if (shuttingDown.getAsBoolean()) {
            throw new ShuttingDown();
        }
        int recorded = resumeAt(name);
        if (recorded >= 0 && skippable && recorded < resume.waitingAt()) {
            return null;
        }
        boolean poll = recorded >= 0 && recorded == resume.waitingAt();
        if (poll) {
            resume = null;
        }
        Optional<Integer> index = recorded >= 0
                ? Optional.of(recorded).filter(at -> store.restartStep(job.id(), token, at, poll, clock.instant()))
                : store.startStep(job.id(), token, name, clock.instant());
        if (index.isEmpty()) {
            ensureStillOurs();
            throw new LostOwnership();
        }
        T value;
        String detail;
        try {
            value = step.run();
            detail = describe.apply(value);
        } catch (LostOwnership e) {
            // Nothing more to write: the job is another runner's now.
            throw e;
        } catch (Exception e) {
            SecretMask secrets = mask;
            String reason = secrets.apply(e instanceof JobFailure failure ? failure.problem().detail()
                    : Failures.describe(e));
            store.finishStep(job.id(), token, index.get(), "failed", reason, clock.instant());
            events.stepFailed(job, name, reason);
            throw e instanceof JobFailure failure ? failure.masked(secrets) : e;
        }
        store.finishStep(job.id(), token, index.get(), "succeeded", mask.apply(detail), clock.instant());
        return value;
    }

    /**
     * Where a step of this name stands in the steps recorded before the wait this run resumes from: its index when
     * it is the next one recorded (a step that finished, or the one the job waits in), or -1 to record it anew.
     */
    private int resumeAt(String name) {
        if (resume == null) {
            return -1;
        }
        List<JobStore.RecordedStep> recorded = resume.steps();
        for (int at = resumeCursor; at < resume.waitingAt(); at++) {
            if (recorded.get(at).name().equals(name) && recorded.get(at).state().equals("succeeded")) {
                resumeCursor = at + 1;
                return at;
            }
        }
        if (recorded.get(resume.waitingAt()).name().equals(name)) {
            return resume.waitingAt();
        }
        resume = null;
        return -1;
    }

    /**
     * Records what the job made, fenced by this run's token: in one transaction, locks the job's row, checks that
     * the job is still this runner's, then applies the write (which joins the transaction). A runner taken over
     * meanwhile writes nothing and stops, as when it loses its job at a step boundary. A cancel asked for does not
     * refuse the write: what a step made in Azure must be recorded, so a rerun finds it.
     *
     * @throws RuntimeException (the engine's "lost ownership") when another runner took the job over; handlers let it
     *                          through
     */
    public <T> T fenced(Supplier<T> write) {
        return tx.execute(status -> {
            if (!store.lockOwned(job.id(), token)) {
                throw new LostOwnership();
            }
            return write.get();
        });
    }

    /**
     * Records what a step just made outside PullBridge, as {@link #fenced(Supplier)} does; when the job was taken over
     * meanwhile, first undoes what this runner made, since the runner that owns the job now never learns of it (a
     * password whose secret only this runner saw, say), then stops as {@code fenced} does. {@code undo} is best effort:
     * when it fails, that is logged (masked) and the thing is left to the owner's own clean-up.
     *
     * @param what what the undo removes, for the log (secret-free)
     */
    public <T> T fencedOrUndo(Supplier<T> write, String what, Runnable undo) {
        try {
            return fenced(write);
        } catch (LostOwnership lost) {
            try {
                undo.run();
                log.warn("Job {} was taken over by another runner while this one recorded what it made: undid {}",
                        job.id(), mask.apply(what));
            } catch (RuntimeException e) {
                log.warn("Job {} was taken over by another runner while this one recorded what it made; undoing {} "
                        + "failed: {}", job.id(), mask.apply(what), mask.apply(Failures.describe(e)));
            }
            throw lost;
        }
    }

    /** {@link #fenced(Supplier)} for a write that returns nothing. */
    public void fenced(Runnable write) {
        fenced(() -> {
            write.run();
            return null;
        });
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
