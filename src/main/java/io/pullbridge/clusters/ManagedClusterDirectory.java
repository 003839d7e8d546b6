package io.pullbridge.clusters;

import java.util.Optional;
import java.util.UUID;

/** Port: AKS managed clusters as Azure Resource Manager describes them. */
public interface ManagedClusterDirectory {

    Optional<ManagedClusterFacts> read(String resourceId);

    /** The cluster's user kubeconfig ({@code listClusterUserCredential}); a secret: never log or store it in clear. */
    String userKubeconfig(String resourceId);

    /**
     * @param kubeletIdentity the principal pulls run as: the kubelet managed identity, or for clusters created with a
     *                        service principal, that principal (its object id resolved through Graph)
     */
    record ManagedClusterFacts(String resourceId, String kubernetesVersion, String location,
                               KubeletIdentity kubeletIdentity) {
    }

    record KubeletIdentity(UUID objectId, UUID clientId, boolean servicePrincipal) {
    }
}
