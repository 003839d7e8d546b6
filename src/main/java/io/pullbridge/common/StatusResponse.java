package io.pullbridge.common;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The {@code status} block of every resource in API responses. */
public record StatusResponse(Phase phase, List<Condition> conditions, Instant observedAt, String message, UUID jobId) {

    public static StatusResponse of(ResourceStatus status) {
        return new StatusResponse(status.phase(), status.conditions(), status.observedAt(), status.message(),
                status.jobId());
    }
}
