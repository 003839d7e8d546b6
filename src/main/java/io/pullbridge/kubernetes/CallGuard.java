package io.pullbridge.kubernetes;

import io.pullbridge.clusters.ClusterProblems;
import io.pullbridge.jobs.FailureClass;
import io.pullbridge.jobs.JobFailure;
import io.pullbridge.jobs.JobProblem;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The bounds on calls to one cluster, set by what the cluster says rather than by a fixed client-side rate.
 * <p>
 * At most {@code maxConcurrent} calls are in flight (a call waits up to {@code busyWait} for a slot, then fails as
 * {@link ClusterProblems#BUSY}, transient). Within that bound the number allowed in flight adapts, as TCP's window
 * does: an answer that pushes back (429, as API Priority and Fairness answers an overloaded API server, or a 5xx)
 * halves it, down to one, and each answer taken without push-back grows it again by about one per round of calls. A
 * {@code Retry-After} holds every call to the cluster until it has passed. The call itself is sent again after the
 * push-back, up to {@code maxRetries} times while the waits fit in {@code busyWait}; then its answer goes back to the
 * job as before (a transient failure the job engine retries later). The {@link TokenBucket} is an optional ceiling
 * on the rate beneath all this.
 */
final class CallGuard {

    /** One call to the API server. */
    @FunctionalInterface
    interface Call<T> {
        T run() throws Exception;
    }

    /**
     * What an answer says about the server's load: null when the server took the call; otherwise how long it asks
     * the client to wait ({@link Duration#ZERO} when it does not say).
     */
    @FunctionalInterface
    interface Pushback<T> {
        Duration of(T answer);
    }

    /** Sleeps for a number of nanoseconds; interruptible. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    private static final Duration BASE_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final int maxConcurrent;
    private final Duration busyWait;
    private final TokenBucket rate;
    private final int maxRetries;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    private final ReentrantLock lock = new ReentrantLock(true);
    private final Condition changed = lock.newCondition();
    private double limit;
    private int inFlight;
    private int waiting;
    private long pausedUntil;
    private long pushbacks;

    CallGuard(int maxConcurrent, Duration busyWait, TokenBucket rate) {
        this(maxConcurrent, busyWait, rate, 0, System::nanoTime, TimeUnit.NANOSECONDS::sleep);
    }

    CallGuard(int maxConcurrent, Duration busyWait, TokenBucket rate, int maxRetries, LongSupplier nanoTime,
              Sleeper sleeper) {
        this.maxConcurrent = maxConcurrent;
        this.busyWait = busyWait;
        this.rate = rate;
        this.maxRetries = maxRetries;
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
        this.limit = maxConcurrent;
        this.pausedUntil = nanoTime.getAsLong();
    }

    /** A call whose answer never pushes back. */
    <T> T call(String what, Call<T> call) throws Exception {
        return call(what, call, answer -> null);
    }

    <T> T call(String what, Call<T> call, Pushback<T> pushback) throws Exception {
        long start = nanoTime.getAsLong();
        for (int attempt = 0; ; attempt++) {
            acquire(what);
            T answer;
            Duration wait;
            try {
                rate.acquire();
                answer = call.run();
                wait = pushback.of(answer);
            } catch (Exception | Error e) {
                release(null, false);
                throw e;
            }
            release(wait, true);
            if (wait == null || attempt >= maxRetries) {
                return answer;
            }
            long backoff = wait.isZero() ? backoff(attempt) : 0;
            long waited = nanoTime.getAsLong() - start;
            if (waited + Math.max(backoff, wait.toNanos()) > busyWait.toNanos()) {
                return answer;
            }
            if (backoff > 0) {
                sleeper.sleep(backoff);
            }
        }
    }

    /** Calls in flight now. */
    int inFlight() {
        lock.lock();
        try {
            return inFlight;
        } finally {
            lock.unlock();
        }
    }

    /** Calls waiting for a slot now. */
    int waiting() {
        lock.lock();
        try {
            return waiting;
        } finally {
            lock.unlock();
        }
    }

    /** Calls allowed in flight now (between one and {@code maxConcurrent}). */
    int limit() {
        lock.lock();
        try {
            return (int) limit;
        } finally {
            lock.unlock();
        }
    }

    /** Answers that pushed back so far. */
    long pushbacks() {
        lock.lock();
        try {
            return pushbacks;
        } finally {
            lock.unlock();
        }
    }

    private void acquire(String what) throws InterruptedException {
        long deadline = nanoTime.getAsLong() + busyWait.toNanos();
        lock.lockInterruptibly();
        try {
            waiting++;
            try {
                while (true) {
                    long now = nanoTime.getAsLong();
                    boolean paused = now - pausedUntil < 0;
                    if (!paused && inFlight < (int) limit) {
                        inFlight++;
                        return;
                    }
                    long left = deadline - now;
                    if (left <= 0) {
                        throw busy(what, paused);
                    }
                    changed.awaitNanos(paused ? Math.min(left, pausedUntil - now) : left);
                }
            } finally {
                waiting--;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * @param wait     the answer's push-back, or null when it had none
     * @param answered whether the server answered at all (a call that failed on the network says nothing of load)
     */
    private void release(Duration wait, boolean answered) {
        lock.lock();
        try {
            inFlight--;
            if (wait != null) {
                pushbacks++;
                limit = Math.max(1, limit / 2);
                long until = nanoTime.getAsLong() + wait.toNanos();
                if (until - pausedUntil > 0) {
                    pausedUntil = until;
                }
            } else if (answered) {
                limit = Math.min(maxConcurrent, limit + 1 / limit);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private JobFailure busy(String what, boolean paused) {
        String detail = paused
                ? "The cluster asked PullBridge to wait (Retry-After) longer than " + busyWait.toSeconds() + "s while "
                        + what
                : "PullBridge already has " + inFlight + " calls in flight to the cluster "
                        + "(pullbridge.kubernetes.max-concurrent-calls-per-cluster) and none ended within "
                        + busyWait.toSeconds() + "s while " + what;
        return JobFailure.transientFailure(JobProblem.of(ClusterProblems.BUSY, "The cluster is busy", 503, detail,
                FailureClass.TRANSIENT), null, null);
    }

    /** Exponential, with full jitter, when the server pushed back without saying how long to wait. */
    private static long backoff(int attempt) {
        long ceiling = Math.min(MAX_BACKOFF.toNanos(), BASE_BACKOFF.toNanos() << Math.min(attempt, 16));
        return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    }
}
