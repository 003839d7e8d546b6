package io.pullbridge.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A job as users follow it: what it works on, where it is, its steps and its last error. {@code correlationId} is the
 * ticket ({@code X-Correlation-Id}) of the request that enqueued it, or of the job whose run enqueued it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobResponse(UUID id, String type, Target target, JobState state, int attempts, int failedAttempts,
                          boolean cancelRequested, String failureClass, Map<String, String> data,
                          List<JobStep> steps, Map<String, Object> lastError, String requestedBy, String requestId,
                          String correlationId, String runner, Instant createdAt, Instant startedAt, Instant finishedAt,
                          Instant nextAttemptAt) {

    public record Target(String kind, UUID id) {
    }
}
