package io.pullbridge.common;

import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Which Azure cloud PullBridge works against, and as whom ({@code pullbridge.azure.*}).
 *
 * @param cloud        {@code AzureCloud}, {@code AzureChinaCloud}, {@code AzureUSGovernment} or {@code custom}
 * @param tenantId     the default tenant for registries and service principals that name none, and the tenant
 *                     PullBridge signs in to (else {@code AZURE_TENANT_ID})
 * @param endpoints    custom endpoints; required when {@code cloud=custom}, overrides otherwise
 * @param credential   how PullBridge signs in to Azure
 * @param clientId     PullBridge's own client id for {@code client-secret} and {@code workload-identity} (else
 *                     {@code AZURE_CLIENT_ID})
 * @param clientSecret its client secret for {@code client-secret} (else {@code AZURE_CLIENT_SECRET}); never shown
 * @param retry        how often one Azure call is retried in place before the failure goes back to the job engine
 * @param timeout      how long one Azure call may wait for an answer
 */
@ConfigurationProperties("pullbridge.azure")
public record AzureProperties(String cloud, UUID tenantId, Endpoints endpoints, CredentialKind credential,
                              String clientId, String clientSecret, Retry retry, Duration timeout) {

    @ConstructorBinding
    public AzureProperties(@DefaultValue("AzureCloud") String cloud, UUID tenantId, Endpoints endpoints,
                           @DefaultValue("default") CredentialKind credential, String clientId, String clientSecret,
                           @DefaultValue Retry retry, @DefaultValue("PT30S") Duration timeout) {
        this.cloud = cloud;
        this.tenantId = tenantId;
        this.endpoints = endpoints;
        this.credential = credential;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.retry = retry;
        this.timeout = timeout;
    }

    /** The cloud and tenant alone, with the default credential and retries. */
    public AzureProperties(String cloud, UUID tenantId, Endpoints endpoints) {
        this(cloud, tenantId, endpoints, CredentialKind.DEFAULT, null, null, Retry.DEFAULT, Duration.ofSeconds(30));
    }

    public record Endpoints(String resourceManager, String graph, String authorityHost, String registrySuffix) {
    }

    /** How PullBridge signs in to Azure ({@code pullbridge.azure.credential}). */
    public enum CredentialKind {
        /** The Azure SDK's DefaultAzureCredential: environment, workload identity, managed identity, Azure CLI. */
        DEFAULT,
        /** An application's client secret. */
        CLIENT_SECRET,
        /** A Kubernetes service account token federated with an Entra application (AKS workload identity). */
        WORKLOAD_IDENTITY
    }

    /**
     * @param maxRetries in-place retries of a call answered 408, 5xx, a short {@code Retry-After}, or failed by I/O
     * @param baseDelay  the first retry's delay, doubled for each next one
     * @param maxDelay   the longest wait in place: a longer {@code Retry-After} goes back to the job engine at once
     */
    public record Retry(@DefaultValue("2") int maxRetries, @DefaultValue("PT0.5S") Duration baseDelay,
                        @DefaultValue("PT4S") Duration maxDelay) {

        public static final Retry DEFAULT = new Retry(2, Duration.ofMillis(500), Duration.ofSeconds(4));
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

    @Override
    public String toString() {
        return "AzureProperties[cloud=" + cloud + ", tenantId=" + tenantId + ", endpoints=" + endpoints
                + ", credential=" + credential + ", clientId=" + clientId + ", clientSecret="
                + (clientSecret == null ? "unset" : "<set>") + ", retry=" + retry + ", timeout=" + timeout + "]";
    }
}
