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

    @Test
    void aCallTheServerPushesBackOnIsSentAgainAfterABackoff() throws Exception {
        List<Long> slept = new ArrayList<>();
        CallGuard guard = new CallGuard(8, Duration.ofSeconds(30), TokenBucket.of(0, 1), 5, System::nanoTime,
                slept::add);
        AtomicInteger sent = new AtomicInteger();

        int answer = guard.call("creating a secret", () -> sent.incrementAndGet() < 3 ? 429 : 201,
                code -> code == 429 ? Duration.ZERO : null);

        assertThat(answer).isEqualTo(201);
        assertThat(sent).hasValue(3);
        assertThat(slept).as("a backoff before each repeat, the second longer").hasSize(2);
        assertThat(slept.get(0)).isBetween(Duration.ofMillis(50).toNanos(), Duration.ofMillis(100).toNanos());
        assertThat(slept.get(1)).isBetween(Duration.ofMillis(100).toNanos(), Duration.ofMillis(200).toNanos());
        assertThat(guard.pushbacks()).isEqualTo(2);
        assertThat(guard.inFlight()).isZero();
    }

    @Test
    void afterItsRetriesTheLastAnswerGoesBackToTheJob() throws Exception {
        CallGuard guard = new CallGuard(8, Duration.ofSeconds(30), TokenBucket.of(0, 1), 2, System::nanoTime,
                nanos -> { });
        AtomicInteger sent = new AtomicInteger();

        int answer = guard.call("patching a ServiceAccount", () -> {
            sent.incrementAndGet();
            return 503;
        }, code -> code >= 500 ? Duration.ZERO : null);

        assertThat(answer).isEqualTo(503);
        assertThat(sent).as("the call and two repeats").hasValue(3);
    }

    @Test
    void pushBackHalvesTheCallsAllowedInFlightAndCallsTakenGrowThemBack() throws Exception {
        CallGuard guard = new CallGuard(8, Duration.ofSeconds(30), TokenBucket.of(0, 1), 0, System::nanoTime,
                nanos -> { });
        assertThat(guard.limit()).isEqualTo(8);

        for (int expected : new int[] {4, 2, 1, 1}) {
            guard.call("listing secrets", () -> 429, code -> code == 429 ? Duration.ZERO : null);
            assertThat(guard.limit()).isEqualTo(expected);
        }
        int calls = 0;
        while (guard.limit() < 8) {
            guard.call("listing secrets", () -> 200, code -> null);
            calls++;
        }
        // About one more per round of calls: 1 + 2 + ... + 7.
        assertThat(calls).isBetween(20, 36);
    }

    @Test
    void whileTheAllowanceIsSmallTheRestWait() throws Exception {
        CallGuard guard = new CallGuard(4, Duration.ZERO, TokenBucket.of(0, 1), 0, System::nanoTime, nanos -> { });
        for (int i = 0; i < 3; i++) {
            guard.call("x", () -> 429, code -> Duration.ZERO);
        }
        assertThat(guard.limit()).isEqualTo(1);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> first = pool.submit(() -> guard.call("a slow call", () -> {
                inside.countDown();
                release.await();
                return 200;
            }, code -> null));
            assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();

            JobFailure busy = catchThrowableOfType(JobFailure.class, () -> guard.call("listing secrets", () -> 200));
            assertThat(ClusterProblems.is(busy, ClusterProblems.BUSY)).isTrue();

            release.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(200);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void aRetryAfterHoldsEveryCallToTheClusterUntilItHasPassed() throws Exception {
        CallGuard guard = new CallGuard(8, Duration.ofSeconds(30), TokenBucket.of(0, 1), 0, System::nanoTime,
                nanos -> { });
        guard.call("creating a secret", () -> 429, code -> Duration.ofMillis(300));
        long start = System.nanoTime();

        guard.call("listing namespaces", () -> 200);

        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(250).toNanos());
    }

    @Test
    void aRetryAfterLongerThanTheBusyWaitFailsTheCallAsBusyAtOnce() throws Exception {
        CallGuard guard = new CallGuard(8, Duration.ZERO, TokenBucket.of(0, 1), 0, System::nanoTime, nanos -> { });
        guard.call("creating a secret", () -> 429, code -> Duration.ofMinutes(5));

        JobFailure busy = catchThrowableOfType(JobFailure.class, () -> guard.call("listing namespaces", () -> 200));

        assertThat(ClusterProblems.is(busy, ClusterProblems.BUSY)).isTrue();
        assertThat(busy.isTransient()).isTrue();
        assertThat(busy.problem().detail()).contains("Retry-After");
    }
}
