/**
 * Pull-secret bindings: a service principal's or registry token's password written as a
 * {@code kubernetes.io/dockerconfigjson} secret into the target namespaces, and verified by reading the secrets back
 * and performing the registry handshake with them.
 */
package io.pullbridge.bindings.pullsecret;
