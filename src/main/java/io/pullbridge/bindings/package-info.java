/**
 * Bindings: "cluster C may pull from registry R, by method M" — AcrPull for an AKS kubelet identity, a pull
 * secret backed by a service principal or registry token in chosen namespaces, or an ACR connected registry on
 * an Arc-enabled cluster. Bindings reference registries, clusters, principals and tokens through those
 * features' public services, and keep them from being removed while in use.
 * <p>
 * This package holds what every method shares: the entity, repository, controller, service, requests and responses,
 * the spec rules, the jobs, the pull secrets writer and the ports. Each method is one sub-package with one
 * {@link io.pullbridge.bindings.BindingMethodHandler} ({@code kubelet}, {@code pullsecret}, {@code connected}), which
 * checks its part of create and update requests and does the work of its bindings' jobs; it is found only through
 * {@code BindingMethodHandlers}, the one place that dispatches on the method. The sub-packages use this package,
 * never each other.
 */
package io.pullbridge.bindings;
