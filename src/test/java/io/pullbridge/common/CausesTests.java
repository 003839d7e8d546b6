package io.pullbridge.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CausesTests {

    @Test
    void walksFromTheExceptionToItsRootAndFindsTheFirstOfAKind() {
        SocketTimeoutException timeout = new SocketTimeoutException("read timed out");
        UncheckedIOException wrapper = new UncheckedIOException(new IOException("call failed", timeout));
        IllegalStateException top = new IllegalStateException("job failed", wrapper);

        assertThat(Causes.chain(top)).containsExactly(top, wrapper, wrapper.getCause(), timeout);
        assertThat(Causes.find(top, IOException.class)).containsSame(wrapper.getCause());
        assertThat(Causes.find(top, IllegalArgumentException.class)).isEmpty();
        assertThat(Causes.any(top, IllegalArgumentException.class, SocketTimeoutException.class)).isTrue();
        assertThat(Causes.any(top, IllegalArgumentException.class)).isFalse();
        assertThat(Causes.chain(null)).isEmpty();
    }

    @Test
    void aChainThatLoopsBackEndsWhereItWouldRepeat() {
        IllegalStateException first = new IllegalStateException("first");
        IllegalArgumentException second = new IllegalArgumentException("second", first);
        first.initCause(second);

        assertThat(Causes.chain(first)).containsExactly(first, second);
        assertThat(Causes.find(first, IOException.class)).isEmpty();
    }
}
