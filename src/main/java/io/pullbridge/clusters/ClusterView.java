package io.pullbridge.clusters;

import java.util.UUID;

/** What other features may know of a cluster: never its kubeconfig. */
public record ClusterView(UUID id, String name, ClusterKind kind, String resourceId, String serviceCidr) {
}
