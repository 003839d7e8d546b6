package io.pullbridge.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * One named step of a job, in the order it ran.
 *
 * @param polls how many times the step ran while the job waited in it (see {@link JobContext#step}); absent for a
 *              step that ran once
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobStep(String name, String state, Instant startedAt, Instant finishedAt, String detail, Integer polls) {
}
