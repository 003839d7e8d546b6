package io.pullbridge.azure;

import com.azure.core.util.Context;
import com.azure.resourcemanager.containerservice.fluent.ManagedClustersClient;
import com.azure.resourcemanager.containerservice.fluent.models.CredentialResultsInner;
import com.azure.resourcemanager.containerservice.fluent.models.ManagedClusterInner;
import com.azure.resourcemanager.containerservice.models.ManagedClusterAadProfile;
import com.azure.resourcemanager.containerservice.models.UserAssignedIdentity;
import io.pullbridge.clusters.ManagedClusterDirectory;
import io.pullbridge.common.ArmResourceId;
import io.pullbridge.jobs.JobFailure;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * AKS clusters: their kubelet identity (for clusters made with a service principal, that principal's object id found
 * through Graph by its client id) and their user kubeconfig, which is a secret and never leaves memory in clear.
 */
@Component
final class AzureManagedClusterDirectory implements ManagedClusterDirectory {

    private final AzureClients clients;

    AzureManagedClusterDirectory(AzureClients clients) {
        this.clients = clients;
    }

    @Override
    public Optional<ManagedClusterFacts> read(String resourceId) {
        ArmResourceId id = cluster(resourceId);
        return AzureFailures.armOptional("reading AKS cluster " + id,
                        () -> managedClusters(id).getByResourceGroup(id.resourceGroup(), id.name()))
                .map(inner -> new ManagedClusterFacts(inner.id(), inner.currentKubernetesVersion() != null
                        ? inner.currentKubernetesVersion() : inner.kubernetesVersion(), inner.location(),
                        kubeletIdentity(id, inner), entra(inner),
                        Boolean.TRUE.equals(inner.disableLocalAccounts()), oidcIssuer(inner)));
    }

    @Override
    public String userKubeconfig(String resourceId) {
        ArmResourceId id = cluster(resourceId);
        String action = "fetching the user kubeconfig of AKS cluster " + id;
        CredentialResultsInner credentials = AzureFailures.arm(action,
                () -> managedClusters(id).listClusterUserCredentials(id.resourceGroup(), id.name()));
        if (credentials.kubeconfigs() == null || credentials.kubeconfigs().isEmpty()
                || credentials.kubeconfigs().get(0).value() == null) {
            throw JobFailure.permanent(AzureFailures.NOT_FOUND, "The Azure resource does not exist",
                    404, "AKS returned no user kubeconfig for " + id);
        }
        return new String(credentials.kubeconfigs().get(0).value(), StandardCharsets.UTF_8);
    }

    private static String oidcIssuer(ManagedClusterInner cluster) {
        if (cluster.oidcIssuerProfile() == null || !Boolean.TRUE.equals(cluster.oidcIssuerProfile().enabled())) {
            return null;
        }
        String url = cluster.oidcIssuerProfile().issuerUrl();
        return url == null || url.isBlank() ? null : url;
    }

    private static EntraIntegration entra(ManagedClusterInner cluster) {
        ManagedClusterAadProfile aad = cluster.aadProfile();
        if (aad == null || !Boolean.TRUE.equals(aad.managed())) {
            return null;
        }
        return new EntraIntegration(Boolean.TRUE.equals(aad.enableAzureRbac()),
                aad.tenantId() == null || aad.tenantId().isBlank() ? null : aad.tenantId());
    }

    private KubeletIdentity kubeletIdentity(ArmResourceId id, ManagedClusterInner cluster) {
        UserAssignedIdentity kubelet = cluster.identityProfile() == null ? null
                : cluster.identityProfile().get("kubeletidentity");
        if (kubelet != null && kubelet.objectId() != null) {
            return new KubeletIdentity(UUID.fromString(kubelet.objectId()),
                    kubelet.clientId() == null ? null : UUID.fromString(kubelet.clientId()), false);
        }
        String clientId = cluster.servicePrincipalProfile() == null ? null
                : cluster.servicePrincipalProfile().clientId();
        if (clientId == null || clientId.equalsIgnoreCase("msi")) {
            return null;
        }
        String action = "finding the service principal of AKS cluster " + id + " (client id " + clientId + ")";
        String objectId = AzureFailures.graph(action,
                () -> clients.graph().getServicePrincipalsServicePrincipals().listServicePrincipal(null, null, null,
                        null, "appId eq '" + clientId.replace("'", "''") + "'", null, null, null, null, Context.NONE).stream()
                        .findFirst().map(principal -> principal.id()).orElse(null));
        if (objectId == null) {
            throw JobFailure.permanent(AzureFailures.NOT_FOUND, "The Azure resource does not exist",
                    404, "The service principal " + clientId + " of AKS cluster " + id + " is not in the tenant's "
                            + "directory");
        }
        return new KubeletIdentity(UUID.fromString(objectId), UUID.fromString(clientId), true);
    }

    private ManagedClustersClient managedClusters(ArmResourceId id) {
        return clients.subscription(id.subscriptionId()).containerService()
                .getManagedClusters();
    }

    private static ArmResourceId cluster(String resourceId) {
        return ArmResourceId.parse(resourceId, ArmResourceId.ResourceType.MANAGED_CLUSTER);
    }
}
