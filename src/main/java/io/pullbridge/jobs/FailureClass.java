package io.pullbridge.jobs;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Whether trying again can help: shown on every failed step and job. */
public enum FailureClass {
    /** Time-outs, connection errors, throttling, server errors, a principal not yet propagated. */
    @JsonProperty("transient") TRANSIENT("transient"),
    /** Authorization failures, validation errors, missing resources: retrying will not help. */
    @JsonProperty("permanent") PERMANENT("permanent");

    private final String value;

    FailureClass(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    @Override
    public String toString() {
        return value;
    }
}
