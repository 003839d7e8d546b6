package io.pullbridge.jobs;

import java.util.UUID;

/**
 * Published inside the transaction that moves a job, so a feature can make its resource's status follow its
 * latest job atomically with the job's own state.
 *
 * @param problem why the job failed, or null
 */
public record JobStateChanged(UUID jobId, String type, String targetKind, UUID targetId, JobState state,
                              JobProblem problem, String detail) {
}
