package io.pullbridge.kubernetes;

import io.pullbridge.clusters.ClusterProblems;
import io.pullbridge.jobs.JobFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The per-cluster bounds, driven step by step: no test here depends on how long anything takes. */
class CallGuardTests {

    @Test
    void letsAtMostTheBoundInFlightAndFailsTheNextOneAsBusy() throws Exception {
        CallGuard guard = new CallGuard(2, Duration.ZERO, TokenBucket.of(0, 1));
        CountDownLatch inside = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger peak = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<String>> calls = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                calls.add(pool.submit(() -> guard.call("a slow call", () -> {
                    peak.accumulateAndGet(guard.inFlight(), Math::max);
                    inside.countDown();
                    release.await();
                    return "done";
                })));
            }
            assertThat(inside.await(10, TimeUnit.SECONDS)).as("both calls started").isTrue();
            assertThat(guard.inFlight()).isEqualTo(2);

            JobFailure busy = catchThrowableOfType(JobFailure.class, () -> guard.call("listing secrets", () -> "no"));
            assertThat(ClusterProblems.is(busy, ClusterProblems.BUSY)).isTrue();
            assertThat(busy.isTransient()).isTrue();
            assertThat(busy.problem().detail()).isEqualTo("PullBridge already has 2 calls in flight to the cluster "
                    + "(pullbridge.kubernetes.max-concurrent-calls-per-cluster) and none ended within 0s while listing "
                    + "secrets");

            release.countDown();
            for (Future<String> call : calls) {
                assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("done");
            }
            assertThat(peak.get()).isEqualTo(2);
            assertThat(guard.inFlight()).isZero();
            assertThat(guard.call("a quick call", () -> "ok")).isEqualTo("ok");
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void aFailedCallGivesItsSlotBack() throws Exception {
        CallGuard guard = new CallGuard(1, Duration.ZERO, TokenBucket.of(0, 1));
        catchThrowableOfType(IllegalStateException.class, () -> guard.call("x", () -> {
            throw new IllegalStateException("boom");
        }));
        assertThat(guard.inFlight()).isZero();
        assertThat(guard.call("y", () -> "ok")).isEqualTo("ok");
    }
}
