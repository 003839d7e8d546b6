package io.pullbridge.azure;

import io.pullbridge.bindings.ConnectedRegistries;
import io.pullbridge.clusters.ConnectedClusterDirectory;
import io.pullbridge.clusters.EntraTokenIssuer;
import io.pullbridge.clusters.ManagedClusterDirectory;
import io.pullbridge.common.AzureProperties;
import io.pullbridge.common.ManagedIdentities;
import io.pullbridge.common.RoleAssignments;
import io.pullbridge.principals.EntraDirectory;
import io.pullbridge.registries.RegistryDirectory;
import io.pullbridge.registries.RegistryTokenStore;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The Azure adapter's beans. Building them checks the configuration (cloud, endpoints, credential settings) but calls
 * nothing: the first Azure request is made by the first job that needs one.
 */
@Configuration(proxyBeanMethods = false)
class AzureConfiguration {

    @Bean
    AzureClients azureClients(AzureProperties properties, Environment environment) {
        // AZURE_CLIENT_ID and friends, from the process environment or any other property source.
        return new AzureClients(properties, environment::getProperty);
    }

    @Bean
    RoleAssignments azureRoleAssignments(AzureClients clients) {
        return new AzureRoleAssignments(clients);
    }

    @Bean
    RegistryDirectory azureRegistryDirectory(AzureClients clients) {
        return new AzureRegistryDirectory(clients);
    }

    @Bean
    RegistryTokenStore azureRegistryTokenStore(AzureClients clients) {
        return new AzureRegistryTokenStore(clients);
    }

    @Bean
    EntraDirectory azureEntraDirectory(AzureClients clients) {
        return new AzureEntraDirectory(clients);
    }

    @Bean
    ManagedClusterDirectory azureManagedClusterDirectory(AzureClients clients) {
        return new AzureManagedClusterDirectory(clients);
    }

    @Bean
    EntraTokenIssuer azureEntraTokens(AzureClients clients) {
        return new AzureEntraTokens(clients);
    }

    @Bean
    ConnectedClusterDirectory azureConnectedClusterDirectory(AzureClients clients) {
        return new AzureConnectedClusterDirectory(clients);
    }

    @Bean
    ConnectedRegistries azureConnectedRegistries(AzureClients clients) {
        return new AzureConnectedRegistries(clients);
    }

    @Bean
    ManagedIdentities azureManagedIdentities(AzureClients clients) {
        return new AzureManagedIdentities(clients);
    }
}
