package io.pullbridge.clusters;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.pullbridge.common.StatusResponse;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.UUID;

/** A cluster as the API shows it: never its kubeconfig, only that one is set, its fingerprint and server. */
public record ClusterResponse(UUID id, String name, ClusterKind kind, String resourceId, UUID subscriptionId,
                              String resourceGroup, String serviceCidr,
                              @JsonInclude(JsonInclude.Include.NON_NULL)
                              @Schema(description = "Absent for aks clusters, whose credentials come from Azure")
                              KubeconfigSummary kubeconfig,
                              Instant createdAt, Instant updatedAt, String createdBy, StatusResponse status) {

    /**
     * @param fingerprint a keyed SHA-256 of the kubeconfig, to tell two kubeconfigs apart without seeing them
     * @param server      the API server URL of the current context
     */
    public record KubeconfigSummary(boolean set, String fingerprint, String server) {
    }

    static ClusterResponse of(Cluster cluster) {
        KubeconfigSummary kubeconfig = cluster.getKind() == ClusterKind.AKS ? null
                : new KubeconfigSummary(cluster.getKubeconfig() != null && cluster.getKubeconfig().isSet(),
                        cluster.getKubeconfigFingerprint(), cluster.getKubeconfigServer());
        return new ClusterResponse(cluster.getId(), cluster.getName(), cluster.getKind(), cluster.getResourceId(),
                cluster.getSubscriptionId(), cluster.getResourceGroup(), cluster.getServiceCidr(), kubeconfig,
                cluster.getCreatedAt(), cluster.getUpdatedAt(), cluster.getCreatedBy(),
                StatusResponse.of(cluster.getStatus()));
    }
}
