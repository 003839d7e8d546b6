/**
 * The Azure adapter: the only code that imports {@code com.azure.*}. It implements the Azure ports of the features
 * ({@link io.pullbridge.registries.RegistryDirectory}, {@link io.pullbridge.registries.RegistryTokenStore},
 * {@link io.pullbridge.principals.EntraDirectory}, {@link io.pullbridge.common.RoleAssignments},
 * {@link io.pullbridge.clusters.ManagedClusterDirectory}) on azure-resourcemanager and azure-identity, and turns Azure's
 * failures into job failures whose problem types tell the causes apart.
 */
package io.pullbridge.azure;
