package io.pullbridge.principals;

import io.pullbridge.common.Phase;
import io.pullbridge.common.RoleAssignments;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.DynamicUpdate;

/**
 * A role on a registry that a service principal should hold, and what was observed of its assignment. A grant no
 * longer wanted stays in phase {@code Deleting} ("revoking") until a job has removed the assignment PullBridge made
 * for it, so the assignment's id is never lost.
 */
@Entity
@Table(name = "service_principal_grants")
// Only changed columns are written: a job records an assignment while a PATCH may be revoking the same grant.
@DynamicUpdate
class ServicePrincipalGrant {

    @Id
    private UUID id;

    @Column(name = "registry_id", nullable = false)
    private UUID registryId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private AcrRole role;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private Phase phase = Phase.Pending;

    @Column(name = "status_message")
    private String statusMessage;

    @Column(name = "role_assignment_id")
    private String roleAssignmentId;

    @Column(name = "assignment_created_by_pullbridge")
    private Boolean createdByPullBridge;

    @Column(name = "observed_at")
    private Instant observedAt;

    @Column(nullable = false)
    private int position;

    protected ServicePrincipalGrant() {
    }

    ServicePrincipalGrant(UUID id, UUID registryId, AcrRole role, int position) {
        this.id = id;
        this.registryId = registryId;
        this.role = role;
        this.position = position;
        this.statusMessage = waitingToAssign(role);
    }

    UUID getId() {
        return id;
    }

    UUID getRegistryId() {
        return registryId;
    }

    AcrRole getRole() {
        return role;
    }

    Phase getPhase() {
        return phase;
    }

    String getStatusMessage() {
        return statusMessage;
    }

    String getRoleAssignmentId() {
        return roleAssignmentId;
    }

    /** Null until an assignment was made or adopted for the grant. */
    Boolean getCreatedByPullBridge() {
        return createdByPullBridge;
    }

    Instant getObservedAt() {
        return observedAt;
    }

    int getPosition() {
        return position;
    }

    void setPosition(int position) {
        this.position = position;
    }

    /** No longer wanted: waiting for a job to remove its assignment. */
    boolean isRevoking() {
        return phase == Phase.Deleting;
    }

    boolean isAssigned() {
        return phase == Phase.Ready;
    }

    ServicePrincipalRules.GrantSpec spec() {
        return new ServicePrincipalRules.GrantSpec(registryId, role);
    }

    /** Records the assignment a job made or adopted; a grant revoked meanwhile stays revoking, with the id to remove. */
    void assigned(RoleAssignments.Assignment assignment, String message, Instant now) {
        this.roleAssignmentId = assignment.id();
        this.createdByPullBridge = assignment.createdByPullBridge();
        this.observedAt = now;
        if (!isRevoking()) {
            this.phase = Phase.Ready;
            this.statusMessage = message;
        }
    }

    /** Not assigned yet, for a reason a later run may overcome (replication, throttling). */
    void waiting(String message, Instant now) {
        if (!isRevoking()) {
            this.phase = Phase.Pending;
            this.statusMessage = message;
            this.observedAt = now;
        }
    }

    void failed(String message, Instant now) {
        if (!isRevoking()) {
            this.phase = Phase.Failed;
            this.statusMessage = message;
            this.observedAt = now;
        }
    }

    void revoke() {
        this.phase = Phase.Deleting;
        this.statusMessage = roleAssignmentId == null
                ? "No longer wanted: waiting for PullBridge to make sure no " + role.builtInRoleName()
                + " assignment is left"
                : Boolean.FALSE.equals(createdByPullBridge)
                ? "No longer wanted; the " + role.builtInRoleName() + " assignment stays: PullBridge adopted it and "
                + "did not create it"
                : "No longer wanted: waiting for PullBridge to remove the " + role.builtInRoleName() + " assignment";
    }

    /** Wanted again before its revocation ran: assigned again by the next job (an idempotent PUT). */
    void reinstate() {
        this.phase = Phase.Pending;
        this.statusMessage = waitingToAssign(role);
    }

    private static String waitingToAssign(AcrRole role) {
        return "Waiting for PullBridge to assign the " + role.builtInRoleName() + " role on the registry";
    }
}
