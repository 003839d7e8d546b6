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
    default Assignment assign(String scope, UUID principalObjectId, PrincipalType principalType, AzureRole role) {
        return assign(scope, principalObjectId, principalType, role, null);
    }

    /**
     * As {@link #assign(String, UUID, PrincipalType, AzureRole)}, with an ABAC condition (version 2.0) that limits
     * the assignment, or none when {@code condition} is null. The condition is not part of the name: a changed
     * condition replaces the one the assignment holds.
     */
    Assignment assign(String scope, UUID principalObjectId, PrincipalType principalType, AzureRole role,
                      String condition);

    /**
     * The ABAC condition that limits a role on a registry with ABAC repository permissions to pulls from these
     * repositories: the repository data actions are allowed only on them.
     */
    static String repositoryCondition(List<String> repositories) {
        StringBuilder allowed = new StringBuilder();
        for (String repository : repositories) {
            if (!allowed.isEmpty()) {
                allowed.append(" OR ");
            }
            allowed.append("@Request[Microsoft.ContainerRegistry/registries/repositories:name] StringEqualsIgnoreCase '")
                    .append(repository).append('\'');
        }
        return "((!(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/content/read'}) AND "
                + "!(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/metadata/read'})) OR ("
                + allowed + "))";
    }

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
     * @param condition           the ABAC condition limiting it, or null
     */
    record Assignment(String id, String scope, UUID principalObjectId, AzureRole role,
                      boolean createdByPullBridge, String condition) {

        public Assignment(String id, String scope, UUID principalObjectId, AzureRole role,
                          boolean createdByPullBridge) {
            this(id, scope, principalObjectId, role, createdByPullBridge, null);
        }
    }
}
