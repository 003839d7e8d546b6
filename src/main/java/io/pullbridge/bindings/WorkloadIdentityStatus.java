package io.pullbridge.bindings;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What a workload-identity binding's jobs made and found, recorded so that reconciliation repairs it and delete
 * removes it, and only it.
 *
 * @param identityCreatedByPullBridge  true for an identity PullBridge made (delete removes it), false for one the
 *                                     binding named
 * @param issuer                       the cluster's OIDC issuer the federated credentials trust
 * @param federatedCredentials         the names of the federated credentials PullBridge keeps on the identity
 * @param assignmentCreatedByPullBridge false when an identical assignment was there already (delete leaves it)
 * @param clusterObjects               what PullBridge keeps in the cluster, as {@code <kind> <namespace>/<name>}
 */
public record WorkloadIdentityStatus(String identityId, UUID clientId, UUID principalId, UUID tenantId,
                                     boolean identityCreatedByPullBridge, String issuer,
                                     List<String> federatedCredentials, String roleAssignmentId, String role,
                                     boolean assignmentCreatedByPullBridge, List<String> clusterObjects,
                                     Instant observedAt) {

    public WorkloadIdentityStatus {
        federatedCredentials = federatedCredentials == null ? List.of() : List.copyOf(federatedCredentials);
        clusterObjects = clusterObjects == null ? List.of() : List.copyOf(clusterObjects);
    }
}
