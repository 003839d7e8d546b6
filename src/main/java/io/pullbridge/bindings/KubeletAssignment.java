package io.pullbridge.bindings;

import java.time.Instant;
import java.util.UUID;

/**
 * The role assignment a kubelet-identity binding holds on its registry.
 *
 * @param principalObjectId   the kubelet identity the assignment names (the cluster's at the time it was made)
 * @param role                the built-in role's name: AcrPull, or Container Registry Repository Reader on an
 *                            ABAC-enabled registry
 * @param createdByPullBridge false when PullBridge found the assignment already there and adopted it; detach
 *                            leaves such an assignment alone
 */
public record KubeletAssignment(String assignmentId, UUID principalObjectId, String role, String scope,
                         boolean createdByPullBridge, Instant assignedAt) {
}
