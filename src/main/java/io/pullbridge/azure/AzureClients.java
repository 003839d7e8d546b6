package io.pullbridge.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.http.policy.HttpLogDetailLevel;
import com.azure.core.http.policy.HttpLogOptions;
import com.azure.core.http.policy.RetryPolicy;
import com.azure.core.management.profile.AzureProfile;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.identity.WorkloadIdentityCredentialBuilder;
import com.azure.resourcemanager.authorization.AuthorizationManager;
import com.azure.resourcemanager.authorization.fluent.AuthorizationManagementClient;
import com.azure.resourcemanager.authorization.fluent.MicrosoftGraphClient;
import com.azure.resourcemanager.containerregistry.ContainerRegistryManager;
import com.azure.resourcemanager.containerregistry.fluent.ContainerRegistryManagementClient;
import com.azure.resourcemanager.containerservice.ContainerServiceManager;
import com.azure.resourcemanager.containerservice.fluent.ContainerServiceManagementClient;
import com.azure.resourcemanager.msi.MsiManager;
import com.azure.resourcemanager.msi.fluent.ManagedServiceIdentityClient;
import com.azure.resourcemanager.resources.ResourceManager;
import io.pullbridge.common.AzureProperties;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The Azure SDK clients PullBridge uses: one credential, one JDK HTTP client, a bounded retry policy, and Azure
 * Resource Manager clients per subscription made on first use and kept (registries live in many subscriptions).
 * Only the management libraries PullBridge calls are on the class path (container registry, container service,
 * authorization with Graph, managed identities, and resources for Arc's generic resources), not the {@code azure-resourcemanager} umbrella.
 * Building this calls nothing: the first token is asked for on the first Azure call.
 */
final class AzureClients {

    private final AzureProperties properties;
    private final AzureCloud cloud;
    private final String tenantId;
    private final HttpClient http;
    private final TokenCredential credential;
    private final RetryPolicy retryPolicy;
    private final RetryPolicy noRetry;
    private final Function<String, String> environment;
    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    private volatile MicrosoftGraphClient graph;
    private volatile MicrosoftGraphClient graphOnce;

    /**
     * @param environment where the Azure SDK's standard variables ({@code AZURE_CLIENT_ID}, {@code AZURE_CLIENT_SECRET},
     *                    {@code AZURE_TENANT_ID}) are read when the properties do not set them
     */
    AzureClients(AzureProperties properties, Function<String, String> environment) {
        this.properties = properties;
        this.cloud = AzureCloud.of(properties);
        this.tenantId = properties.tenantId() != null ? properties.tenantId().toString()
                : blankToNull(environment.apply("AZURE_TENANT_ID"));
        Duration timeout = properties.timeout() == null ? Duration.ofSeconds(30) : properties.timeout();
        this.http = new JdkHttpClientBuilder().connectionTimeout(Duration.ofSeconds(10)).responseTimeout(timeout)
                .readTimeout(timeout).build();
        AzureProperties.Retry retry = properties.retry() == null ? AzureProperties.Retry.DEFAULT : properties.retry();
        this.retryPolicy = new RetryPolicy(new BoundedRetryStrategy(retry), null, null);
        this.noRetry = new RetryPolicy(new BoundedRetryStrategy(new AzureProperties.Retry(0, retry.baseDelay(),
                retry.maxDelay())), null, null);
        this.environment = environment;
        this.credential = credential(properties, environment);
    }

    /** The tenant PullBridge signs in to, or null when the SDK's defaults decide. */
    String tenantId() {
        return tenantId;
    }

    AzureCloud cloud() {
        return cloud;
    }

    TokenCredential credential() {
        return credential;
    }

    /** One subscription's management clients; ARM routes calls by the subscription in their path. */
    record Subscription(ResourceManager resources, ContainerRegistryManagementClient registries,
                        ContainerServiceManagementClient containerService, AuthorizationManagementClient authorization,
                        ManagedServiceIdentityClient identities) {
    }

    Subscription subscription(String subscriptionId) {
        String key = subscriptionId.toLowerCase(Locale.ROOT);
        return subscriptions.computeIfAbsent(key, sub -> {
            AzureProfile profile = new AzureProfile(tenantId, sub, cloud.environment());
            return new Subscription(
                    ResourceManager.configure().withHttpClient(http).withRetryPolicy(retryPolicy)
                            .withLogOptions(logOptions()).authenticate(credential, profile).withSubscription(sub),
                    ContainerRegistryManager.configure().withHttpClient(http).withRetryPolicy(retryPolicy)
                            .withLogOptions(logOptions()).authenticate(credential, profile).serviceClient(),
                    ContainerServiceManager.configure().withHttpClient(http).withRetryPolicy(retryPolicy)
                            .withLogOptions(logOptions()).authenticate(credential, profile).serviceClient(),
                    AuthorizationManager.configure().withHttpClient(http).withRetryPolicy(retryPolicy)
                            .withLogOptions(logOptions()).authenticate(credential, profile).roleServiceClient(),
                    MsiManager.configure().withHttpClient(http).withRetryPolicy(retryPolicy)
                            .withLogOptions(logOptions()).authenticate(credential, profile).serviceClient());
        });
    }

    Subscription subscription(UUID subscriptionId) {
        return subscription(subscriptionId.toString());
    }

    /** Microsoft Graph, through the SDK's generated client. */
    MicrosoftGraphClient graph() {
        MicrosoftGraphClient current = graph;
        if (current == null) {
            synchronized (this) {
                current = graph;
                if (current == null) {
                    current = graphClient(retryPolicy);
                    graph = current;
                }
            }
        }
        return current;
    }

    /**
     * Microsoft Graph for calls that make something (an application, a principal, a password): sent once, never
     * repeated in place. A repeat after a lost answer (a 5xx or a read time-out once Graph had acted) would make a
     * second object that nothing records; the failure goes back to the job instead, whose rerun finds the first one by
     * its marker.
     */
    MicrosoftGraphClient graphOnce() {
        MicrosoftGraphClient current = graphOnce;
        if (current == null) {
            synchronized (this) {
                current = graphOnce;
                if (current == null) {
                    current = graphClient(noRetry);
                    graphOnce = current;
                }
            }
        }
        return current;
    }

    private MicrosoftGraphClient graphClient(RetryPolicy retries) {
        return AuthorizationManager.configure()
                .withHttpClient(http)
                .withRetryPolicy(retries)
                .withLogOptions(logOptions())
                .authenticate(credential, new AzureProfile(tenantId, null, cloud.environment()))
                .serviceClient();
    }

    /**
     * A credential that signs in as another application with its client secret, at the configured cloud's authority
     * host, built as PullBridge's own client-secret credential is (same HTTP client, logging off). Each call makes a
     * new one: its token cache is its own and goes with it.
     */
    TokenCredential clientSecretCredential(String tenant, String clientId, String secret) {
        ClientSecretCredentialBuilder builder = new ClientSecretCredentialBuilder().tenantId(tenant)
                .httpLogOptions(logOptions())
                .clientId(clientId).clientSecret(secret).authorityHost(cloud.authorityHost())
                .httpClient(http).maxRetry(retryCount());
        if (cloud.custom()) {
            builder.disableInstanceDiscovery();
        }
        return builder.build();
    }

    /** The scope of a token for the configured cloud's resource manager, as the SDK asks for one. */
    String resourceManagerScope() {
        String audience = cloud.environment().getManagementEndpoint();
        return (audience.endsWith("/") ? audience : audience + "/") + ".default";
    }

    /**
     * HTTP logging pinned off. The SDK otherwise takes its level from {@code AZURE_HTTP_LOG_DETAIL_LEVEL}, and at
     * {@code body} it would log what Azure answers to generateCredentials and addPassword (passwords), and the token
     * endpoint's requests and answers (client secret, access tokens). Azure calls are traced by job steps and the
     * request ids in problems instead; no environment variable may turn the "no secret in a log" guarantee off.
     */
    static HttpLogOptions logOptions() {
        return new HttpLogOptions().setLogLevel(HttpLogDetailLevel.NONE);
    }

    int cachedSubscriptions() {
        return subscriptions.size();
    }

    /**
     * A new credential of the configured kind for another tenant (an Entra-integrated cluster's), with an empty token
     * cache of its own: what it issues is new, never a token an SDK cache kept.
     */
    TokenCredential credentialFor(String tenant) {
        return credential(properties, environment, tenant);
    }

    private TokenCredential credential(AzureProperties properties, Function<String, String> environment) {
        return credential(properties, environment, tenantId);
    }

    private TokenCredential credential(AzureProperties properties, Function<String, String> environment,
                                       String tenantId) {
        AzureProperties.CredentialKind kind = properties.credential() == null
                ? AzureProperties.CredentialKind.DEFAULT : properties.credential();
        String clientId = properties.clientId() != null && !properties.clientId().isBlank() ? properties.clientId()
                : blankToNull(environment.apply("AZURE_CLIENT_ID"));
        return switch (kind) {
            case CLIENT_SECRET -> {
                String secret = properties.clientSecret() != null && !properties.clientSecret().isBlank()
                        ? properties.clientSecret() : blankToNull(environment.apply("AZURE_CLIENT_SECRET"));
                require(kind, clientId, "a client id (pullbridge.azure.client-id or AZURE_CLIENT_ID)");
                require(kind, secret, "a client secret (pullbridge.azure.client-secret or AZURE_CLIENT_SECRET)");
                require(kind, tenantId, "a tenant (pullbridge.azure.tenant-id or AZURE_TENANT_ID)");
                yield clientSecretCredential(tenantId, clientId, secret);
            }
            case WORKLOAD_IDENTITY -> {
                String tokenFile = blankToNull(environment.apply("AZURE_FEDERATED_TOKEN_FILE"));
                require(kind, clientId, "a client id (pullbridge.azure.client-id or AZURE_CLIENT_ID)");
                require(kind, tenantId, "a tenant (pullbridge.azure.tenant-id or AZURE_TENANT_ID)");
                require(kind, tokenFile, "the service account token file (AZURE_FEDERATED_TOKEN_FILE, set by the AKS "
                        + "workload identity webhook)");
                WorkloadIdentityCredentialBuilder builder = new WorkloadIdentityCredentialBuilder().tenantId(tenantId)
                        .httpLogOptions(logOptions())
                        .clientId(clientId).tokenFilePath(tokenFile).authorityHost(cloud.authorityHost())
                        .httpClient(http).maxRetry(retryCount());
                if (cloud.custom()) {
                    builder.disableInstanceDiscovery();
                }
                yield builder.build();
            }
            case DEFAULT -> {
                DefaultAzureCredentialBuilder builder = new DefaultAzureCredentialBuilder().httpLogOptions(logOptions())
                        .authorityHost(cloud.authorityHost()).httpClient(http).maxRetry(retryCount());
                if (tenantId != null) {
                    builder.tenantId(tenantId);
                }
                if (cloud.custom()) {
                    builder.disableInstanceDiscovery();
                }
                yield builder.build();
            }
        };
    }

    private int retryCount() {
        return properties.retry() == null ? AzureProperties.Retry.DEFAULT.maxRetries() : properties.retry().maxRetries();
    }

    private static void require(AzureProperties.CredentialKind kind, String value, String what) {
        if (value == null) {
            throw new IllegalStateException("pullbridge.azure.credential=" + kind.name().toLowerCase(Locale.ROOT)
                    .replace('_', '-') + " needs " + what);
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
