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

    /** The condition type that makes a successful job leave the resource {@code Degraded}; see {@link #degraded()}. */
    public static final String DEGRADED = "Degraded";

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

    /*
     * The job* methods make the status follow the resource's latest job: running work is Provisioning, success is
     * Ready (or Degraded while degraded()), failure Failed; a resource being deleted stays Deleting whatever its
     * delete job does, with the job's outcome in the message.
     */

    /** Its latest job runs. */
    public void jobRunning(UUID jobId, Instant now) {
        follow(jobId, now);
        if (phase != Phase.Deleting) {
            phase = Phase.Provisioning;
        }
        this.message = phase == Phase.Deleting ? "Removing what PullBridge created" : "PullBridge is working on it";
    }

    /** Its latest job succeeded, saying {@code message}. */
    public void jobSucceeded(UUID jobId, String message, Instant now) {
        follow(jobId, now);
        if (phase != Phase.Deleting) {
            phase = degraded() ? Phase.Degraded : Phase.Ready;
        }
        this.message = message;
    }

    /** Its latest job failed for good, for the reason {@code message}. */
    public void jobFailed(UUID jobId, String message, Instant now) {
        follow(jobId, now);
        boolean deleting = phase == Phase.Deleting;
        if (!deleting) {
            phase = Phase.Failed;
        }
        this.message = (deleting ? "Delete failed: " : "") + message;
    }

    /** Its latest job was cancelled. */
    public void jobCancelled(UUID jobId, Instant now) {
        follow(jobId, now);
        if (phase == Phase.Provisioning) {
            phase = Phase.Pending;
        }
        this.message = phase == Phase.Deleting ? "Delete cancelled; delete again to retry" : "The job was cancelled";
    }

    /** Its latest job is queued again (a retry, a wait); {@code message} says why, or is null to keep the message. */
    public void jobQueued(UUID jobId, String message, Instant now) {
        follow(jobId, now);
        if (message != null) {
            this.message = "Waiting: " + message;
        }
    }

    private void follow(UUID jobId, Instant now) {
        this.jobId = jobId;
        this.observedAt = now;
    }

    /**
     * True while a {@value #DEGRADED} condition is {@code True}: the work succeeded, but part of what it looks after is
     * not as specified (e.g. a pull secret that could not be written into one namespace), so a successful job leaves
     * the resource {@code Degraded} rather than {@code Ready}.
     */
    public boolean degraded() {
        return conditions.stream().anyMatch(c -> c.type().equals(DEGRADED) && "True".equals(c.status()));
    }

    public void setCondition(Condition condition) {
        conditions.removeIf(existing -> existing.type().equals(condition.type()));
        conditions.add(condition);
    }
}
