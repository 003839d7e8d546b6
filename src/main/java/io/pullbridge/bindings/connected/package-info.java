/**
 * Connected-registry bindings (Arc): the sync and client tokens and scope maps, the connected registry, its Arc
 * extension and a pull secret for its cluster IP, one class per job ({@code ConnectedRegistryApply},
 * {@code ConnectedRegistryRotation}, {@code ConnectedRegistryRemoval}) over small collaborators: the checks, the
 * extension, the client password and what the jobs record.
 */
package io.pullbridge.bindings.connected;
