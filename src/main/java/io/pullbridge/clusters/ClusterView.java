package io.pullbridge.clusters;

import io.pullbridge.common.Phase;
import java.util.UUID;

/**
 * What other features may know of a cluster: never its kubeconfig.
 *
 * @param kubeletIdentity for aks clusters, the identity pulls run as, as last read from Azure (null until then, and
 *                        for other kinds)
 * @param serverVersion   the API server's version when PullBridge last reached it, or null
 */
public record ClusterView(UUID id, String name, ClusterKind kind, String resourceId, String serviceCidr, Phase phase,
                          ManagedClusterDirectory.KubeletIdentity kubeletIdentity, String serverVersion) {

    public boolean deleting() {
        return phase == Phase.Deleting;
    }
}
