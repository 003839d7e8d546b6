package io.pullbridge.common;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** What was last observed about a resource; embedded in every resource table. */
@Embeddable
public class ResourceStatus {

    @Enumerated(EnumType.STRING)
    @Column(name = "phase", nullable = false)
    private Phase phase = Phase.Pending;

    @Column(name = "status_message")
    private String message;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "conditions", nullable = false)
    private List<Condition> conditions = new ArrayList<>();

    @Column(name = "observed_at")
    private Instant observedAt;

    @Column(name = "job_id")
    private UUID jobId;

    protected ResourceStatus() {
    }

    public static ResourceStatus pending(String message) {
        ResourceStatus status = new ResourceStatus();
        status.message = message;
        return status;
    }

    public Phase phase() {
        return phase;
    }

    public String message() {
        return message;
    }

    public List<Condition> conditions() {
        return List.copyOf(conditions);
    }

    public Instant observedAt() {
        return observedAt;
    }

    public UUID jobId() {
        return jobId;
    }

    public void moveTo(Phase phase, String message) {
        this.phase = phase;
        this.message = message;
    }

    public void observed(Instant when) {
        this.observedAt = when;
    }

    public void trackJob(UUID jobId) {
        this.jobId = jobId;
    }

    public void setCondition(Condition condition) {
        conditions.removeIf(existing -> existing.type().equals(condition.type()));
        conditions.add(condition);
    }
}
