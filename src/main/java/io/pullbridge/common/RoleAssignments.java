package io.pullbridge.common;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Port: Azure RBAC role assignments at a scope (a registry). Service principal grants and kubelet-identity bindings
 * both use it; the {@code azure} adapter implements it.
 */
public interface RoleAssignments {

    /**
     * Assigns the role to the principal at the scope under a deterministic name (a name-based UUID of scope,
     * principal and role), so a retry can never create a second assignment. An identical assignment that already
     * exists under another name is adopted, not duplicated.
     */
    Assignment assign(String scope, UUID principalObjectId, PrincipalType principalType, AzureRole role);

    /** The assignments of the principal at exactly this scope. */
    List<Assignment> list(String scope, UUID principalObjectId);

    Optional<Assignment> find(String assignmentId);

    /** Removes the assignment; nothing happens when it is already gone. */
    void remove(String assignmentId);

    enum PrincipalType { ServicePrincipal, User, Group }

    /**
     * @param role                null only from {@link #find} when the assignment names a role that is not an
     *                            {@link AzureRole} ({@link #list} leaves such assignments out)
     * @param createdByPullBridge false when an existing assignment was adopted; detach removes only what
     *                            PullBridge created
     */
    record Assignment(String id, String scope, UUID principalObjectId, AzureRole role,
                      boolean createdByPullBridge) {
    }
}
