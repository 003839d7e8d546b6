/**
 * Kubernetes clusters PullBridge manages pull access in: AKS clusters (reached through Azure), clusters
 * reached through a kubeconfig, and Arc-connected clusters (for connected registries). Kubeconfigs are
 * write-only, encrypted at rest, and their API server must pass the allow/deny check.
 */
package io.pullbridge.clusters;
