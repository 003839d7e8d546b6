package io.pullbridge.support;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A bounded wait for something the service does asynchronously (a delete job run by the real scheduler). The only
 * place tests wait on time: they poll a condition every 20 ms and fail, saying what they waited for, when it does
 * not come true in time.
 */
public final class Await {

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private Await() {
    }

    /**
     * Returns as soon as {@code condition} holds.
     *
     * @param what what the test waits for, for the failure message (e.g. "registry 42 to be removed")
     * @throws AssertionError when it still does not hold after {@code timeout}
     */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("Timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            LockSupport.parkNanos(POLL_NANOS);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while waiting for " + what);
            }
        }
    }
}
