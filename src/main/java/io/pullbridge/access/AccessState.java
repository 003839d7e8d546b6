package io.pullbridge.access;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;

/**
 * Whether a binding, or a cluster and registry pair, gives pull access right now, from worst to best: a pair is as
 * bad as its worst binding, since the view exists to find what needs attention.
 */
public enum AccessState {
    /** The binding's job failed: access was never set up, or is being torn down after a failure. */
    FAILED("failed"),
    /** Set up, but not wholly true: some namespaces failed, the last verification failed, or the password expired. */
    DEGRADED("degraded"),
    /** Set up as far as PullBridge knows, but no verification has proven it (or the binding is still changing). */
    UNVERIFIED("unverified"),
    /** Ready, and the last verification proved it. */
    EFFECTIVE("effective");

    private final String value;

    AccessState(String value) {
        this.value = value;
    }

    @JsonValue
    public String value() {
        return value;
    }

    static Optional<AccessState> of(String value) {
        return Arrays.stream(values()).filter(state -> state.value.equals(value)).findFirst();
    }

    AccessState worse(AccessState other) {
        return ordinal() <= other.ordinal() ? this : other;
    }
}
