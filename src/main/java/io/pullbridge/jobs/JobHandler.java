package io.pullbridge.jobs;

import java.util.Set;

/**
 * Does the work of one job type. Features implement it as Spring beans; the engine finds them by {@link #types()}.
 * A handler must be idempotent: a job may run again after a retry or after its replica died mid-way, so every
 * step must tolerate having been done before. Handlers read the current spec of their target when they run
 * (level-triggered), so a queued job always applies the latest spec.
 */
public interface JobHandler {

    /** Every job type this handler runs, e.g. {@code registry.create}. */
    Set<String> types();

    /**
     * Runs the job. Record progress with {@link JobContext#step}; throw {@link JobFailure} (or let an I/O
     * exception escape) to fail the current step.
     */
    JobResult handle(JobContext context) throws Exception;
}
