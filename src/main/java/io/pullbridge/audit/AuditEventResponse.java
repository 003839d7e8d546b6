package io.pullbridge.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.UUID;

/**
 * One entry of the audit trail: who did what to which resource, when, and how it ended; {@code correlationId} is the
 * ticket the request (or the job it enqueued) carried.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditEventResponse(UUID id, Instant occurredAt, String actor, String action, String resourceKind,
                                 String resourceId, String outcome, Integer httpStatus, String requestId,
                                 String correlationId, String detail) {
}
