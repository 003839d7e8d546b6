package io.pullbridge.clusters;

import io.swagger.v3.oas.annotations.media.Schema;

@Schema(description = "The fields to change; absent fields stay as they are. A new kubeconfig makes PullBridge "
        + "connect again (202, phase Pending). kind and resourceId cannot be changed.")
public record UpdateClusterRequest(
        @Schema(description = "A new name: a DNS-1123 label, unique among clusters", example = "prod-weu-2")
        String name,
        @Schema(description = "A replacement kubeconfig (write-only; same rules as on create); refused for aks",
                accessMode = Schema.AccessMode.WRITE_ONLY)
        String kubeconfig,
        @Schema(description = "A new service CIDR; an empty string removes it", example = "10.0.0.0/16")
        String serviceCidr,
        @Schema(description = "Cannot be changed: only the current value is accepted")
        ClusterKind kind,
        @Schema(description = "Cannot be changed: only the current value is accepted")
        String resourceId) {

    @Override
    public String toString() {
        return "UpdateClusterRequest[name=" + name + ", kubeconfig=" + (kubeconfig == null ? "null" : "(write-only)")
                + ", serviceCidr=" + serviceCidr + ", kind=" + kind + ", resourceId=" + resourceId + "]";
    }
}
