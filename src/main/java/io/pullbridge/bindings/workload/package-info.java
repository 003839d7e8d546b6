/**
 * Workload-identity bindings: a user-assigned identity with pull rights on the registry, one federated credential per
 * ServiceAccount trusting the cluster's OIDC issuer, and what the cluster needs to use it (an msi-acrpull
 * {@code AcrPullBinding}, or ServiceAccount annotations for the kubelet credential provider). No password or secret
 * exists anywhere for this method. Used only from {@code io.pullbridge.bindings}.
 */
package io.pullbridge.bindings.workload;
