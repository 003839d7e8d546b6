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

    /**
     * Follows the resource's latest job: running work is {@code Provisioning}, success is {@code Ready}, failure
     * {@code Failed}; a resource being deleted stays {@code Deleting} whatever its delete job does, with the job's
     * outcome in the message. A successful job leaves the resource {@code Degraded} while {@link #degraded()}.
     *
     * @param jobState {@code queued}, {@code running}, {@code succeeded}, {@code failed} or {@code cancelled}
     * @param message  what the job said (a failure's detail, a wait's reason), or null
     */
    public void followJob(UUID jobId, String jobState, String message, Instant now) {
        this.jobId = jobId;
        this.observedAt = now;
        boolean deleting = phase == Phase.Deleting;
        switch (jobState) {
            case "running" -> {
                if (!deleting) {
                    phase = Phase.Provisioning;
                }
                this.message = deleting ? "Removing what PullBridge created" : "PullBridge is working on it";
            }
            case "succeeded" -> {
                if (!deleting) {
                    phase = degraded() ? Phase.Degraded : Phase.Ready;
                }
                this.message = message;
            }
            case "failed" -> {
                if (!deleting) {
                    phase = Phase.Failed;
                }
                this.message = (deleting ? "Delete failed: " : "") + message;
            }
            case "cancelled" -> {
                if (phase == Phase.Provisioning) {
                    phase = Phase.Pending;
                }
                this.message = deleting ? "Delete cancelled; delete again to retry" : "The job was cancelled";
            }
            default -> this.message = message == null ? this.message : "Waiting: " + message;
        }
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
