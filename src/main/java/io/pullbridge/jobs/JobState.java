package io.pullbridge.jobs;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.persistence.EnumeratedValue;

/** Where a job is in its life. */
public enum JobState {
    @JsonProperty("queued") QUEUED("queued"),
    @JsonProperty("running") RUNNING("running"),
    @JsonProperty("succeeded") SUCCEEDED("succeeded"),
    @JsonProperty("failed") FAILED("failed"),
    @JsonProperty("cancelled") CANCELLED("cancelled");

    @EnumeratedValue
    private final String value;

    JobState(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    static JobState fromValue(String value) {
        for (JobState state : values()) {
            if (state.value.equals(value)) {
                return state;
            }
        }
        throw new IllegalStateException("Unknown job state in the database: " + value);
    }

    @Override
    public String toString() {
        return value;
    }
}
