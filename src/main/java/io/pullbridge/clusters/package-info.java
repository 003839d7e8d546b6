/**
 * Kubernetes clusters PullBridge manages pull access in: AKS clusters (reached through Azure), clusters
 * reached through a kubeconfig, and Arc-connected clusters (for connected registries). Kubeconfigs are
 * write-only and encrypted at rest; {@link io.pullbridge.clusters.KubeconfigParser} checks them before they are
 * stored and {@link io.pullbridge.clusters.ServerHostPolicy} keeps their API servers off loopback, link-local and
 * cloud metadata addresses unless {@code pullbridge.clusters.allowed-hosts} says otherwise.
 * {@link io.pullbridge.clusters.ClusterService} is the module's public face for other features.
 */
package io.pullbridge.clusters;
