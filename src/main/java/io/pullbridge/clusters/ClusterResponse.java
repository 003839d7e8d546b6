package io.pullbridge.clusters;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.pullbridge.common.Condition;
import io.pullbridge.common.Phase;
import io.pullbridge.common.ResourceStatus;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A cluster as the API shows it: never its kubeconfig, only that one is set, its fingerprint and server. */
public record ClusterResponse(UUID id, String name, ClusterKind kind, String resourceId, UUID subscriptionId,
                              String resourceGroup, String serviceCidr,
                              @JsonInclude(JsonInclude.Include.NON_NULL)
                              @Schema(description = "Absent for aks clusters, whose credentials come from Azure")
                              KubeconfigSummary kubeconfig,
                              Instant createdAt, Instant updatedAt, String createdBy, Status status) {

    /**
     * @param fingerprint a keyed SHA-256 of the kubeconfig, to tell two kubeconfigs apart without seeing them
     * @param server      the API server URL of the current context
     */
    public record KubeconfigSummary(boolean set, String fingerprint, String server) {
    }

    /**
     * The common status fields, plus what PullBridge observed when it last connected (absent until then). The
     * {@code Reachable} condition says whether that connection worked, and if not, why.
     *
     * @param serverVersion     the API server's version ({@code GET /version})
     * @param namespaceCount    how many namespaces the cluster had
     * @param kubernetesVersion what Azure reports (aks, arc)
     * @param kubeletIdentity   aks: the identity the kubelet pulls images as
     * @param connectivityStatus arc: whether the cluster's Arc agents talk to Azure
     * @param probedAt          when PullBridge last tried to reach the API server
     * @param entraIntegration  aks: the cluster's managed Microsoft Entra integration ({@code aadProfile}), absent
     *                          when it has none
     * @param localAccountsDisabled aks: whether the cluster has no local accounts ({@code disableLocalAccounts})
     * @param access            how PullBridge reaches the API server and as whom
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "ClusterStatus")
    public record Status(Phase phase, List<Condition> conditions, Instant observedAt, String message, UUID jobId,
                         String serverVersion, Integer namespaceCount, String kubernetesVersion, String location,
                         KubeletIdentity kubeletIdentity, String connectivityStatus, Instant probedAt,
                         EntraIntegration entraIntegration, Boolean localAccountsDisabled, ClusterAccess access) {
    }

    /**
     * @param azureRbac whether Azure RBAC for Kubernetes authorizes calls (else Kubernetes RBAC)
     * @param tenantId  the tenant whose tokens the API server accepts
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "ClusterEntraIntegration")
    public record EntraIntegration(
            @Schema(description = "Whether the AKS cluster has managed Microsoft Entra integration "
                    + "(aadProfile.managed): PullBridge then signs in with its own Entra token") boolean managed,
            @Schema(description = "Whether Azure RBAC for Kubernetes authorizes calls (aadProfile.enableAzureRbac); "
                    + "false: Kubernetes RBAC") boolean azureRbac,
            @Schema(description = "The tenant whose tokens the API server accepts (aadProfile.tenantID), which "
                    + "PullBridge signs in to") String tenantId) {
    }

    /**
     * @param servicePrincipal the cluster pulls as a service principal (clusters made before managed identities),
     *                         not a managed identity
     */
    public record KubeletIdentity(UUID objectId, UUID clientId, boolean servicePrincipal) {
    }

    static ClusterResponse of(Cluster cluster) {
        KubeconfigSummary kubeconfig = cluster.getKind() == ClusterKind.AKS ? null
                : new KubeconfigSummary(cluster.getKubeconfig() != null && cluster.getKubeconfig().isSet(),
                        cluster.getKubeconfigFingerprint(), cluster.getKubeconfigServer());
        ResourceStatus status = cluster.getStatus();
        ManagedClusterDirectory.EntraIntegration entra = cluster.entraIntegration();
        KubeletIdentity kubelet = cluster.getKubeletObjectId() == null ? null
                : new KubeletIdentity(cluster.getKubeletObjectId(), cluster.getKubeletClientId(),
                Boolean.TRUE.equals(cluster.getKubeletServicePrincipal()));
        return new ClusterResponse(cluster.getId(), cluster.getName(), cluster.getKind(), cluster.getResourceId(),
                cluster.getSubscriptionId(), cluster.getResourceGroup(), cluster.getServiceCidr(), kubeconfig,
                cluster.getCreatedAt(), cluster.getUpdatedAt(), cluster.getCreatedBy(),
                new Status(status.phase(), status.conditions(), status.observedAt(), status.message(), status.jobId(),
                        cluster.getServerVersion(), cluster.getNamespaceCount(), cluster.getKubernetesVersion(),
                        cluster.getLocation(), kubelet, cluster.getConnectivityStatus(), cluster.getProbedAt(),
                        entra == null ? null : new EntraIntegration(true, entra.azureRbac(), entra.tenantId()),
                        cluster.getKind() == ClusterKind.AKS ? cluster.getLocalAccountsDisabled() : null,
                        cluster.access()));
    }
}
