package io.pullbridge.kubernetes;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The rate limit on a clock the test moves: sleeps are recorded, never slept. */
class TokenBucketTests {

    private long now = 1_000_000_000L;
    private final List<Long> sleeps = new ArrayList<>();

    private TokenBucket bucket(double qps, int burst) {
        return new TokenBucket(qps, burst, () -> now, nanos -> {
            sleeps.add(nanos);
            now += nanos;
        });
    }

    private static long millis(long ms) {
        return TimeUnit.MILLISECONDS.toNanos(ms);
    }

    @Test
    void letsABurstThroughAtOnceThenPacesAtTheRate() throws Exception {
        TokenBucket bucket = bucket(10, 3);
        for (int i = 0; i < 3; i++) {
            bucket.acquire();
        }
        assertThat(sleeps).isEmpty();
        bucket.acquire();
        bucket.acquire();
        assertThat(sleeps).containsExactly(millis(100), millis(100));
    }

    @Test
    void refillsWhileQuietUpToTheBurst() throws Exception {
        TokenBucket bucket = bucket(10, 2);
        bucket.acquire();
        bucket.acquire();
        now += TimeUnit.SECONDS.toNanos(60);
        bucket.acquire();
        bucket.acquire();
        assertThat(sleeps).isEmpty();
        bucket.acquire();
        assertThat(sleeps).containsExactly(millis(100));
    }

    @Test
    void queuesCallersWhoReserveTogetherOneIntervalApart() {
        TokenBucket bucket = bucket(4, 1);
        assertThat(bucket.reserve()).isZero();
        assertThat(bucket.reserve()).isEqualTo(millis(250));
        assertThat(bucket.reserve()).isEqualTo(millis(500));
        assertThat(bucket.reserve()).isEqualTo(millis(750));
    }

    @Test
    void noRateMeansNoWaiting() throws Exception {
        TokenBucket bucket = bucket(0, 1);
        for (int i = 0; i < 1000; i++) {
            bucket.acquire();
        }
        assertThat(sleeps).isEmpty();
        assertThat(bucket.unlimited()).isTrue();
    }
}
