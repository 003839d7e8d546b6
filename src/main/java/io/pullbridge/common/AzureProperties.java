package io.pullbridge.common;

import java.util.Locale;
import java.util.UUID;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Which Azure cloud PullBridge works against ({@code pullbridge.azure.*}).
 *
 * @param cloud     {@code AzureCloud}, {@code AzureChinaCloud}, {@code AzureUSGovernment} or {@code custom}
 * @param tenantId  the default tenant for registries and service principals that name none
 * @param endpoints custom endpoints; required when {@code cloud=custom}, overrides otherwise
 */
@ConfigurationProperties("pullbridge.azure")
public record AzureProperties(@DefaultValue("AzureCloud") String cloud, UUID tenantId, Endpoints endpoints) {

    public record Endpoints(String resourceManager, String graph, String authorityHost, String registrySuffix) {
    }

    /** The DNS suffix of registry login servers in the configured cloud, with its leading dot. */
    public String registrySuffix() {
        if (endpoints != null && endpoints.registrySuffix() != null && !endpoints.registrySuffix().isBlank()) {
            String suffix = endpoints.registrySuffix().strip();
            return suffix.startsWith(".") ? suffix : "." + suffix;
        }
        return switch (cloud.toLowerCase(Locale.ROOT)) {
            case "azurechinacloud" -> ".azurecr.cn";
            case "azureusgovernment" -> ".azurecr.us";
            default -> ".azurecr.io";
        };
    }
}
