/**
 * Kubelet-identity bindings (AKS attach-acr): the cluster's current kubelet identity gets the role the registry
 * needs at its scope, under a deterministic, reference-counted assignment; detach removes only what PullBridge made.
 */
package io.pullbridge.bindings.kubelet;
