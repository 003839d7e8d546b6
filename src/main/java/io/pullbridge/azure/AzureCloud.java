package io.pullbridge.azure;

import com.azure.core.management.AzureEnvironment;
import io.pullbridge.common.AzureProperties;
import java.net.URI;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The endpoints of the configured cloud: a named one from the SDK's {@link AzureEnvironment}, or {@code custom} with
 * the resource manager, Graph and authority host URLs from configuration. Configured endpoints override a named
 * cloud's own.
 *
 * @param custom true for {@code cloud=custom}: MSAL's instance discovery (which only knows Microsoft's clouds) is off
 */
record AzureCloud(String name, AzureEnvironment environment, String resourceManager, String graph,
                  String authorityHost, boolean custom) {

    static AzureCloud of(AzureProperties properties) {
        String name = properties.cloud() == null ? "AzureCloud" : properties.cloud().strip();
        AzureProperties.Endpoints endpoints = properties.endpoints();
        boolean custom = name.equalsIgnoreCase("custom");
        AzureEnvironment base = switch (name.toLowerCase(Locale.ROOT)) {
            case "azurecloud", "azurepubliccloud", "custom" -> AzureEnvironment.AZURE;
            case "azurechinacloud" -> AzureEnvironment.AZURE_CHINA;
            case "azureusgovernment" -> AzureEnvironment.AZURE_US_GOVERNMENT;
            default -> throw new IllegalStateException("pullbridge.azure.cloud must be AzureCloud, AzureChinaCloud, "
                    + "AzureUSGovernment or custom, not '" + name + "'");
        };
        String resourceManager = endpoint(endpoints == null ? null : endpoints.resourceManager(),
                custom ? null : base.getResourceManagerEndpoint(), "resource-manager");
        String graph = endpoint(endpoints == null ? null : endpoints.graph(),
                custom ? null : base.getMicrosoftGraphEndpoint(), "graph");
        String authorityHost = endpoint(endpoints == null ? null : endpoints.authorityHost(),
                custom ? null : base.getActiveDirectoryEndpoint(), "authority-host");
        Map<String, String> urls = new HashMap<>(base.getEndpoints());
        if (custom || !resourceManager.equals(withSlash(base.getResourceManagerEndpoint()))) {
            urls.put("resourceManagerEndpointUrl", resourceManager);
            // The audience of ARM tokens: a resource manager accepts its own URL as audience.
            urls.put("managementEndpointUrl", resourceManager);
        }
        urls.put("microsoftGraphResourceId", graph);
        urls.put("activeDirectoryEndpointUrl", authorityHost);
        return new AzureCloud(custom ? "custom" : name, new AzureEnvironment(urls), resourceManager, graph,
                authorityHost, custom);
    }

    private static String endpoint(String configured, String cloudDefault, String property) {
        String value = configured != null && !configured.isBlank() ? configured.strip() : cloudDefault;
        if (value == null) {
            throw new IllegalStateException("pullbridge.azure.endpoints." + property + " is required with "
                    + "pullbridge.azure.cloud=custom");
        }
        URI uri;
        try {
            uri = URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("pullbridge.azure.endpoints." + property + " is not a URL");
        }
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            // The SDK sends bearer tokens over HTTPS only.
            throw new IllegalStateException("pullbridge.azure.endpoints." + property + " must be an https URL");
        }
        return withSlash(value);
    }

    private static String withSlash(String url) {
        return url.endsWith("/") ? url : url + "/";
    }
}
