package io.pullbridge.clusters;

import java.util.Optional;

/** Port: Azure Arc-enabled Kubernetes clusters ({@code Microsoft.Kubernetes/connectedClusters}) as ARM describes them. */
public interface ConnectedClusterDirectory {

    /** The connected cluster at this ARM id; empty when it does not exist. */
    Optional<ConnectedClusterFacts> read(String resourceId);

    /**
     * @param connectivityStatus {@code Connected}, {@code Connecting}, {@code Offline} or {@code Expired}: whether the
     *                           cluster's Arc agents talk to Azure
     * @param oidcIssuerUrl      the cluster's OIDC issuer ({@code oidcIssuerProfile.issuerUrl}, or its self-hosted
     *                           issuer), whose ServiceAccount tokens federated credentials trust; null when the issuer
     *                           is not enabled
     */
    record ConnectedClusterFacts(String resourceId, String kubernetesVersion, String location, String distribution,
                                 String connectivityStatus, String oidcIssuerUrl) {

        /** A cluster without an OIDC issuer. */
        public ConnectedClusterFacts(String resourceId, String kubernetesVersion, String location,
                                     String distribution, String connectivityStatus) {
            this(resourceId, kubernetesVersion, location, distribution, connectivityStatus, null);
        }
    }
}
