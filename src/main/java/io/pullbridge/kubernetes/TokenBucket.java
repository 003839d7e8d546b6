package io.pullbridge.kubernetes;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A client-side rate limit: {@code qps} permits a second on average, up to {@code burst} at once after a quiet spell.
 * A caller that finds the bucket empty reserves the next permit and sleeps until it is due, so waiting callers are
 * served in order and the rate holds however many threads call. Time and sleeping are injected, so tests drive it
 * without waiting.
 */
final class TokenBucket {

    /** Sleeps for a number of nanoseconds; interruptible. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    private final double permitsPerNano;
    private final double burst;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    private double permits;
    private long updatedAt;

    TokenBucket(double qps, int burst, LongSupplier nanoTime, Sleeper sleeper) {
        this.permitsPerNano = qps / TimeUnit.SECONDS.toNanos(1);
        this.burst = burst;
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
        this.permits = burst;
        this.updatedAt = nanoTime.getAsLong();
    }

    /** A bucket on the system clock. */
    static TokenBucket of(double qps, int burst) {
        return new TokenBucket(qps, burst, System::nanoTime, TimeUnit.NANOSECONDS::sleep);
    }

    boolean unlimited() {
        return permitsPerNano <= 0;
    }

    /** Takes a permit, sleeping until one is due when the bucket is empty. */
    void acquire() throws InterruptedException {
        long wait = reserve();
        if (wait > 0) {
            sleeper.sleep(wait);
        }
    }

    /** Takes a permit now (the bucket may go into debt) and says how long to wait before using it, in nanoseconds. */
    synchronized long reserve() {
        if (unlimited()) {
            return 0;
        }
        long now = nanoTime.getAsLong();
        permits = Math.min(burst, permits + (now - updatedAt) * permitsPerNano);
        updatedAt = now;
        permits -= 1;
        return permits >= 0 ? 0 : (long) Math.ceil(-permits / permitsPerNano);
    }
}
