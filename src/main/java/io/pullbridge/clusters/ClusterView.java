package io.pullbridge.clusters;

import io.pullbridge.common.Phase;
import java.util.UUID;

/** What other features may know of a cluster: never its kubeconfig. */
public record ClusterView(UUID id, String name, ClusterKind kind, String resourceId, String serviceCidr, Phase phase) {

    public boolean deleting() {
        return phase == Phase.Deleting;
    }
}
