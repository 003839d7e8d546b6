package io.pullbridge.jobs;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

@Entity
@Table(name = "jobs")
class Job {

    @Id
    private UUID id;

    @Column(nullable = false)
    private String type;

    @Column(name = "target_kind", nullable = false)
    private String targetKind;

    @Column(name = "target_id", nullable = false)
    private UUID targetId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private JobState state;

    @Column(nullable = false)
    private int attempts;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    private List<JobStep> steps = new ArrayList<>();

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "last_error")
    private Map<String, Object> lastError;

    @Column(name = "requested_by", nullable = false)
    private String requestedBy;

    @Column(name = "request_id")
    private String requestId;

    @Column(name = "correlation_id")
    private String correlationId;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "started_at")
    private Instant startedAt;

    @Column(name = "finished_at")
    private Instant finishedAt;

    @Column(name = "next_attempt_at")
    private Instant nextAttemptAt;

    @Column(name = "failed_attempts", nullable = false)
    private int failedAttempts;

    @Column(name = "cancel_requested", nullable = false)
    private boolean cancelRequested;

    @Column(name = "failure_class")
    private String failureClass;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    private Map<String, String> data;

    private String runner;

    @Version
    private long version;

    protected Job() {
    }

    UUID getId() {
        return id;
    }

    Instant getCreatedAt() {
        return createdAt;
    }

    long getVersion() {
        return version;
    }

    JobResponse toResponse() {
        return new JobResponse(id, type, new JobResponse.Target(targetKind, targetId), state, attempts,
                failedAttempts, cancelRequested, failureClass, data, List.copyOf(steps), lastError, requestedBy,
                requestId, correlationId, runner, createdAt, startedAt, finishedAt, nextAttemptAt);
    }
}
