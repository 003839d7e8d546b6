package io.pullbridge.support.azure;

import java.time.Instant;

/**
 * A role assignment held by the emulated ARM.
 *
 * @param id the full ARM id: {@code <scope>/providers/Microsoft.Authorization/roleAssignments/<name>}
 * @param name the assignment's name (a GUID)
 * @param scope the scope it was made at
 * @param roleDefinitionId the role definition id as the caller sent it
 * @param principalId the object id of the principal
 * @param principalType {@code ServicePrincipal}, {@code User}, {@code Group}... as sent, or as the directory knows it
 * @param principalTypeSent whether the caller set {@code principalType} in the request
 * @param createdBy the object id (or client id) of the caller that made it
 * @param createdOn when it was made
 */
public record RoleAssignment(String id, String name, String scope, String roleDefinitionId, String principalId,
                             String principalType, boolean principalTypeSent, String createdBy, Instant createdOn) {

    /** The GUID at the end of {@link #roleDefinitionId()}. */
    public String roleDefinitionGuid() {
        return roleDefinitionId.substring(roleDefinitionId.lastIndexOf('/') + 1);
    }
}
