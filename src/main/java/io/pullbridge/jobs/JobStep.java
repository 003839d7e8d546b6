package io.pullbridge.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/** One named step of a job, in the order it ran. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobStep(String name, String state, Instant startedAt, Instant finishedAt, String detail) {
}
