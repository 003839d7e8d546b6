package io.pullbridge.clusters;

import io.swagger.v3.oas.annotations.media.Schema;

@Schema(description = "Registers a Kubernetes cluster: an AKS cluster (reached through Azure), a cluster reached "
        + "through a kubeconfig, or an Arc-connected cluster (its resource id and a kubeconfig)")
public record CreateClusterRequest(
        @Schema(description = "A DNS-1123 label, unique among clusters (case-insensitively)", example = "prod-weu",
                requiredMode = Schema.RequiredMode.REQUIRED)
        String name,
        @Schema(description = "How PullBridge reaches the cluster", example = "aks",
                requiredMode = Schema.RequiredMode.REQUIRED)
        ClusterKind kind,
        @Schema(description = "The ARM resource id: a Microsoft.ContainerService/managedClusters for aks, a "
                + "Microsoft.Kubernetes/connectedClusters for arc; not used for kubeconfig",
                example = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/prod-weu")
        String resourceId,
        @Schema(description = "Write-only kubeconfig YAML, required for kubeconfig and arc, refused for aks. Its "
                + "current context must name a cluster whose server is an https URL; credentials must be embedded "
                + "(no exec plugins, no file paths). Never returned.", accessMode = Schema.AccessMode.WRITE_ONLY)
        String kubeconfig,
        @Schema(description = "The cluster's service CIDR, used to check connected-registry cluster IPs",
                example = "10.0.0.0/16")
        String serviceCidr) {

    @Override
    public String toString() {
        return "CreateClusterRequest[name=" + name + ", kind=" + kind + ", resourceId=" + resourceId
                + ", kubeconfig=" + (kubeconfig == null ? "null" : "(write-only)") + ", serviceCidr=" + serviceCidr + "]";
    }
}
