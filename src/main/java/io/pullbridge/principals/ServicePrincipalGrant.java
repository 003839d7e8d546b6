package io.pullbridge.principals;

import io.pullbridge.common.Phase;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A role on a registry that a service principal should hold, and what was observed of its assignment. */
@Entity
@Table(name = "service_principal_grants")
class ServicePrincipalGrant {

    @Id
    private UUID id;

    @Column(name = "registry_id", nullable = false)
    private UUID registryId;

    @Convert(converter = AcrRoleConverter.class)
    @Column(nullable = false)
    private AcrRole role;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private Phase phase = Phase.Pending;

    @Column(name = "status_message")
    private String statusMessage;

    @Column(name = "role_assignment_id")
    private String roleAssignmentId;

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
        this.statusMessage = "Waiting for PullBridge to assign the " + role.builtInRoleName() + " role on the registry";
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

    Instant getObservedAt() {
        return observedAt;
    }

    int getPosition() {
        return position;
    }

    void setPosition(int position) {
        this.position = position;
    }
}
