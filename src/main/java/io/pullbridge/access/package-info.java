/**
 * The fleet access view: for each cluster and registry that bindings join, whether the cluster can pull from the
 * registry right now, answered from what the jobs last found (each binding's phase, its latest {@code :verify}, the
 * expiry of the credential behind it). A read model over the other modules' tables: it changes nothing, calls
 * neither Azure nor a cluster, and is served as JSON at {@code /api/v1/access} and as a page at {@code /ui/access}.
 */
package io.pullbridge.access;
