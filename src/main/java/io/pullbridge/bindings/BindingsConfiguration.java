package io.pullbridge.bindings;

import io.pullbridge.clusters.ServerHostPolicy;
import io.pullbridge.common.AzureProperties;
import io.pullbridge.registry.RegistryDestinations;
import io.pullbridge.registry.RegistryHandshake;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The registry handshake that verifications use, held to {@code pullbridge.bindings.*} and the cluster host policy. */
@Configuration(proxyBeanMethods = false)
class BindingsConfiguration {

    @Bean
    RegistryHandshake registryHandshake(BindingsProperties properties, ServerHostPolicy hosts, AzureProperties azure) {
        return new RegistryHandshake(RegistryHandshake.Settings.defaults()
                .withTimeouts(properties.verifyTimeout(), properties.verifyTimeout()),
                RegistryDestinations.of(hosts, properties.tokenRealmHosts(), azure));
    }
}
