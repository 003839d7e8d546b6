/**
 * Bindings: "cluster C may pull from registry R, by method M" — AcrPull for an AKS kubelet identity, a pull
 * secret backed by a service principal or registry token in chosen namespaces, or an ACR connected registry on
 * an Arc-enabled cluster. Bindings reference registries, clusters, principals and tokens through those
 * features' public services, and keep them from being removed while in use.
 */
package io.pullbridge.bindings;
