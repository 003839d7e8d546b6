/**
 * Azure Container Registries and their repository-scoped tokens. A registry's ARM id is the scope of every
 * grant; its login server is the key of every pull secret. {@link io.pullbridge.registries.RegistryService} is
 * the module's public face for other features.
 */
package io.pullbridge.registries;
