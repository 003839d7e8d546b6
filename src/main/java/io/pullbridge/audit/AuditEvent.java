package io.pullbridge.audit;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.springframework.data.domain.Persistable;

@Entity
@Table(name = "audit_events")
class AuditEvent implements Persistable<UUID> {

    @Id
    private UUID id;

    @Column(name = "occurred_at", nullable = false)
    private Instant occurredAt;

    @Column(nullable = false)
    private String actor;

    @Column(nullable = false)
    private String action;

    @Column(name = "resource_kind")
    private String resourceKind;

    @Column(name = "resource_id")
    private String resourceId;

    @Column(nullable = false)
    private String outcome;

    @Column(name = "http_status")
    private Integer httpStatus;

    @Column(name = "request_id")
    private String requestId;

    @Column(name = "correlation_id")
    private String correlationId;

    private String detail;

    protected AuditEvent() {
    }

    AuditEvent(UUID id, Instant occurredAt, String actor, String action, String resourceKind, String resourceId,
               String outcome, Integer httpStatus, String requestId, String correlationId, String detail) {
        this.id = id;
        this.occurredAt = occurredAt;
        this.actor = actor;
        this.action = action;
        this.resourceKind = resourceKind;
        this.resourceId = resourceId;
        this.outcome = outcome;
        this.httpStatus = httpStatus;
        this.requestId = requestId;
        this.correlationId = correlationId;
        this.detail = detail;
    }

    @Override
    public UUID getId() {
        return id;
    }

    /** Events are only ever inserted: saving one never needs to look for an existing row first. */
    @Override
    public boolean isNew() {
        return true;
    }

    Instant getOccurredAt() {
        return occurredAt;
    }

    AuditEventResponse toResponse() {
        return new AuditEventResponse(id, occurredAt, actor, action, resourceKind, resourceId, outcome, httpStatus,
                requestId, correlationId, detail);
    }
}
