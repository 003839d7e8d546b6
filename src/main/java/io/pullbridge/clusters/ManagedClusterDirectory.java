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
     * @param oidcIssuerUrl   the cluster's OIDC issuer ({@code oidcIssuerProfile.issuerURL}), whose ServiceAccount
     *                        tokens federated credentials trust; null when the issuer is not enabled
     */
    record ManagedClusterFacts(String resourceId, String kubernetesVersion, String location,
                               KubeletIdentity kubeletIdentity, EntraIntegration entra, boolean localAccountsDisabled,
                               String oidcIssuerUrl) {

        /** A cluster without Entra integration, with local accounts and no OIDC issuer. */
        public ManagedClusterFacts(String resourceId, String kubernetesVersion, String location,
                                   KubeletIdentity kubeletIdentity) {
            this(resourceId, kubernetesVersion, location, kubeletIdentity, null, false, null);
        }

        /** A cluster without an OIDC issuer. */
        public ManagedClusterFacts(String resourceId, String kubernetesVersion, String location,
                                   KubeletIdentity kubeletIdentity, EntraIntegration entra,
                                   boolean localAccountsDisabled) {
            this(resourceId, kubernetesVersion, location, kubeletIdentity, entra, localAccountsDisabled, null);
        }
    }

    /**
     * {@code properties.aadProfile} of a cluster with managed Microsoft Entra integration.
     *
     * @param azureRbac whether Azure RBAC for Kubernetes authorizes calls ({@code enableAzureRBAC})
     * @param tenantId  the tenant whose tokens the API server accepts ({@code tenantID}); null when AKS names none
     *                  (the subscription's)
     */
    record EntraIntegration(boolean azureRbac, String tenantId) {
    }

    record KubeletIdentity(UUID objectId, UUID clientId, boolean servicePrincipal) {
    }
}
