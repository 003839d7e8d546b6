package io.pullbridge.azure;

import io.pullbridge.common.AzureProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The Azure adapter's clients, which every adapter bean ({@code @Component}s over the port interfaces) shares.
 * Building them checks the configuration (cloud, endpoints, credential settings) but calls nothing: the first Azure
 * request is made by the first job that needs one.
 */
@Configuration(proxyBeanMethods = false)
class AzureConfiguration {

    @Bean
    AzureClients azureClients(AzureProperties properties, Environment environment) {
        // AZURE_CLIENT_ID and friends, from the process environment or any other property source.
        return new AzureClients(properties, environment::getProperty);
    }
}
