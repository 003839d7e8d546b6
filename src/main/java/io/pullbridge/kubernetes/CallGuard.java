package io.pullbridge.kubernetes;

import io.pullbridge.clusters.ClusterProblems;
import io.pullbridge.jobs.FailureClass;
import io.pullbridge.jobs.JobFailure;
import io.pullbridge.jobs.JobProblem;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The bounds on calls to one cluster: at most {@code maxConcurrent} in flight (a call waits up to {@code busyWait}
 * for a slot, then fails as {@link ClusterProblems#BUSY}, transient), and no more than the {@link TokenBucket}'s rate.
 */
final class CallGuard {

    /** One call to the API server. */
    @FunctionalInterface
    interface Call<T> {
        T run() throws Exception;
    }

    private final Semaphore slots;
    private final int maxConcurrent;
    private final Duration busyWait;
    private final TokenBucket rate;

    CallGuard(int maxConcurrent, Duration busyWait, TokenBucket rate) {
        this.slots = new Semaphore(maxConcurrent, true);
        this.maxConcurrent = maxConcurrent;
        this.busyWait = busyWait;
        this.rate = rate;
    }

    <T> T call(String what, Call<T> call) throws Exception {
        if (!slots.tryAcquire(busyWait.toNanos(), TimeUnit.NANOSECONDS)) {
            throw JobFailure.transientFailure(JobProblem.of(ClusterProblems.BUSY, "The cluster is busy", 503,
                    "PullBridge already has " + maxConcurrent + " calls in flight to the cluster "
                            + "(pullbridge.kubernetes.max-concurrent-calls-per-cluster) and none ended within "
                            + busyWait.toSeconds() + "s while " + what, FailureClass.TRANSIENT), null, null);
        }
        try {
            rate.acquire();
            return call.run();
        } finally {
            slots.release();
        }
    }

    /** Calls in flight now. */
    int inFlight() {
        return maxConcurrent - slots.availablePermits();
    }

    /** Calls waiting for a slot now. */
    int waiting() {
        return slots.getQueueLength();
    }
}
