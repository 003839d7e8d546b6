/**
 * Kubernetes clusters PullBridge manages pull access in: AKS clusters (reached through Azure), clusters
 * reached through a kubeconfig, and Arc-connected clusters (for connected registries). Kubeconfigs are
 * write-only and encrypted at rest; {@link io.pullbridge.clusters.KubeconfigParser} checks them before they are
 * stored and {@link io.pullbridge.clusters.ServerHostPolicy} keeps their API servers off loopback, link-local and
 * cloud metadata addresses unless {@code pullbridge.clusters.allowed-hosts} says otherwise.
 * Clusters with Microsoft Entra integration (and kubeconfigs whose user runs kubelogin) are signed in to with
 * PullBridge's own token for the AKS server application, kept per tenant by {@link io.pullbridge.clusters.EntraTokens}
 * over the {@link io.pullbridge.clusters.EntraTokenIssuer} port; no credential plugin is ever run.
 * {@link io.pullbridge.clusters.ClusterAccess} says how a cluster is reached and what to grant when it refuses.
 * {@link io.pullbridge.clusters.ClusterService} is the module's public face for other features.
 */
package io.pullbridge.clusters;
