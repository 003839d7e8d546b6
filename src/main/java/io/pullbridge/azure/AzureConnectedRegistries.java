package io.pullbridge.azure;

import com.azure.core.http.rest.Response;
import com.azure.core.util.Context;
import com.azure.core.util.FluxUtil;
import com.azure.resourcemanager.containerregistry.fluent.ContainerRegistryManagementClient;
import com.azure.resourcemanager.containerregistry.fluent.models.ConnectedRegistryInner;
import com.azure.resourcemanager.containerregistry.fluent.models.RegistryInner;
import com.azure.resourcemanager.containerregistry.fluent.models.ScopeMapInner;
import com.azure.resourcemanager.containerregistry.models.AuditLogStatus;
import com.azure.resourcemanager.containerregistry.models.ConnectedRegistryMode;
import com.azure.resourcemanager.containerregistry.models.LoggingProperties;
import com.azure.resourcemanager.containerregistry.models.ParentProperties;
import com.azure.resourcemanager.containerregistry.models.SkuName;
import com.azure.resourcemanager.containerregistry.models.StatusDetailProperties;
import com.azure.resourcemanager.containerregistry.models.SyncProperties;
import com.azure.resourcemanager.resources.fluent.ResourcesClient;
import com.azure.resourcemanager.resources.fluent.models.GenericResourceInner;
import io.pullbridge.bindings.ConnectedRegistries;
import io.pullbridge.common.ArmResourceId;
import io.pullbridge.common.SecretMask;
import io.pullbridge.jobs.JobFailure;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Connected registries through the container registry SDK, and their Arc extension through the generic resources API
 * (PullBridge carries no {@code kubernetesconfiguration} SDK).
 * <p>
 * Writes that Azure runs as long-running operations (connected registry create, deactivate and delete; extension
 * create and delete) are sent with the SDK's {@code ...WithResponseAsync} methods, which make the single HTTP request
 * and hand back its first response: they fail like any call on an error status (and go through the same retry
 * policy), but never poll {@code Azure-AsyncOperation}. The body is drained and dropped; jobs follow the outcome with
 * {@link #read} and {@link #readExtension} from a WAIT, so no worker is blocked while Azure provisions.
 * <p>
 * The extension's connection string travels only in the PUT body's {@code configurationProtectedSettings}: no
 * action text, detail or exception message here names it.
 */
@Component
final class AzureConnectedRegistries implements ConnectedRegistries {

    /** The stable Microsoft.KubernetesConfiguration api-version PullBridge speaks for extensions. */
    static final String EXTENSIONS_API_VERSION = "2025-03-01";
    static final String CONNECTED_REGISTRY_UNSUPPORTED = "azure-connected-registry-unsupported";

    private static final Pattern CONNECTED_REGISTRY_NAME = Pattern.compile("[a-zA-Z0-9]{5,40}");
    private static final Pattern SYNC_TOKEN_PASSWORD = Pattern.compile("SyncTokenPassword=([^;]+)");
    private static final Pattern EXTENSION_NAME = Pattern.compile("[a-zA-Z0-9]([-.a-zA-Z0-9]{0,251}[a-zA-Z0-9])?");

    private final AzureClients clients;

    AzureConnectedRegistries(AzureClients clients) {
        this.clients = clients;
    }

    // ---- connected registries

    @Override
    public Optional<ConnectedRegistryFacts> read(String registryResourceId, String name) {
        ArmResourceId registry = registry(registryResourceId);
        String connectedRegistry = connectedRegistryName(name);
        return AzureFailures.armOptional("reading connected registry " + connectedRegistry + " of registry " + registry,
                        () -> acr(registry).getConnectedRegistries().get(registry.resourceGroup(), registry.name(),
                                connectedRegistry))
                .map(AzureConnectedRegistries::facts);
    }

    @Override
    public void putSyncScopeMap(String registryResourceId, String connectedRegistryName,
                                io.pullbridge.bindings.ConnectedRegistryMode mode, Collection<String> repositories) {
        ArmResourceId registry = registry(registryResourceId);
        String name = ConnectedRegistries.syncScopeMapName(connectedRegistryName(connectedRegistryName));
        List<String> actions = ConnectedRegistries.syncScopeMapActions(connectedRegistryName, mode, repositories);
        AzureFailures.arm("writing sync scope map " + name + " of registry " + registry,
                () -> acr(registry).getScopeMaps().create(registry.resourceGroup(), registry.name(), name,
                        new ScopeMapInner().withActions(actions)
                                .withDescription("Managed by PullBridge: sync scope map of connected registry "
                                        + connectedRegistryName)));
    }

    @Override
    public void put(String registryResourceId, ConnectedRegistrySettings settings) {
        ArmResourceId registry = registry(registryResourceId);
        String name = connectedRegistryName(settings.name());
        requirePremiumWithDataEndpoint(registry, name);
        ConnectedRegistryInner body = new ConnectedRegistryInner()
                .withMode(ConnectedRegistryMode.fromString(settings.mode().toString()))
                .withParent(new ParentProperties().withSyncProperties(new SyncProperties()
                        .withTokenId(settings.syncTokenResourceId())
                        .withSchedule(settings.syncSchedule())
                        .withSyncWindow(settings.syncWindow())
                        .withMessageTtl(settings.messageTtl())))
                .withClientTokenIds(settings.clientTokenResourceIds())
                .withLogging(new LoggingProperties().withLogLevel(sdkLogLevel(settings.logLevel()))
                        .withAuditLogStatus(AuditLogStatus.DISABLED))
                .withNotificationsList(settings.notifications().isEmpty() ? null : settings.notifications());
        firstResponse("writing connected registry " + name + " of registry " + registry,
                () -> acr(registry).getConnectedRegistries().createWithResponseAsync(registry.resourceGroup(),
                        registry.name(), name, body));
    }

    @Override
    public void deactivate(String registryResourceId, String name) {
        ArmResourceId registry = registry(registryResourceId);
        String connectedRegistry = connectedRegistryName(name);
        String action = "deactivating connected registry " + connectedRegistry + " of registry " + registry;
        AzureFailures.delete(AzureFailures.Api.ARM, action, () -> send(() -> acr(registry).getConnectedRegistries()
                .deactivateWithResponseAsync(registry.resourceGroup(), registry.name(), connectedRegistry)));
    }

    @Override
    public void delete(String registryResourceId, String name) {
        ArmResourceId registry = registry(registryResourceId);
        String connectedRegistry = connectedRegistryName(name);
        String action = "deleting connected registry " + connectedRegistry + " of registry " + registry;
        AzureFailures.delete(AzureFailures.Api.ARM, action, () -> send(() -> acr(registry).getConnectedRegistries()
                .deleteWithResponseAsync(registry.resourceGroup(), registry.name(), connectedRegistry)));
    }

    /** ACR keeps connected registries to Premium registries with a dedicated data endpoint: say so plainly. */
    private void requirePremiumWithDataEndpoint(ArmResourceId registry, String connectedRegistry) {
        RegistryInner inner = AzureFailures.arm("reading registry " + registry,
                () -> acr(registry).getRegistries().getByResourceGroup(registry.resourceGroup(), registry.name()));
        String sku = inner.sku() == null || inner.sku().name() == null ? "unknown" : inner.sku().name().toString();
        String why = null;
        if (!SkuName.PREMIUM.toString().equalsIgnoreCase(sku)) {
            why = "the registry's SKU is " + sku + "; connected registries need Premium (az acr update --sku Premium)";
        } else if (!Boolean.TRUE.equals(inner.dataEndpointEnabled())) {
            why = "its dedicated data endpoint is disabled; connected registries sync through it "
                    + "(az acr update --data-endpoint-enabled true)";
        }
        if (why != null) {
            throw JobFailure.permanent(CONNECTED_REGISTRY_UNSUPPORTED,
                    "The registry cannot have connected registries", 409, "Registry " + registry
                            + " cannot hold connected registry " + connectedRegistry + ": " + why);
        }
    }

    private ContainerRegistryManagementClient acr(ArmResourceId registry) {
        return clients.subscription(registry.subscriptionId()).registries();
    }

    static ConnectedRegistryFacts facts(ConnectedRegistryInner inner) {
        SyncProperties sync = inner.parent() == null ? null : inner.parent().syncProperties();
        List<StatusDetail> details = new ArrayList<>();
        if (inner.statusDetails() != null) {
            for (StatusDetailProperties detail : inner.statusDetails()) {
                details.add(new StatusDetail(detail.type(), detail.code(), detail.description(),
                        instant(detail.timestamp()), detail.correlationId()));
            }
        }
        return new ConnectedRegistryFacts(inner.id(), inner.name(), mode(inner.mode()),
                text(inner.provisioningState()), text(inner.connectionState()),
                inner.activation() == null ? null : text(inner.activation().status()), inner.version(),
                instant(inner.lastActivityTime()), sync == null ? null : sync.tokenId(),
                sync == null ? null : sync.schedule(), sync == null ? null : sync.syncWindow(),
                sync == null ? null : sync.messageTtl(), sync == null ? null : instant(sync.lastSyncTime()),
                sync == null ? null : sync.gatewayEndpoint(),
                inner.loginServer() == null ? null : inner.loginServer().host(), inner.clientTokenIds(), details);
    }

    private static com.azure.resourcemanager.containerregistry.models.LogLevel sdkLogLevel(LogLevel level) {
        return com.azure.resourcemanager.containerregistry.models.LogLevel.fromString(level.value());
    }

    private static io.pullbridge.bindings.ConnectedRegistryMode mode(ConnectedRegistryMode mode) {
        if (mode == null) {
            return null;
        }
        for (io.pullbridge.bindings.ConnectedRegistryMode candidate : io.pullbridge.bindings.ConnectedRegistryMode
                .values()) {
            if (candidate.toString().equalsIgnoreCase(mode.toString())) {
                return candidate;
            }
        }
        return null;
    }

    // ---- the Arc extension

    @Override
    public void putExtension(String connectedClusterResourceId, String extensionName, ExtensionSettings settings) {
        String id = extensionId(connectedClusterResourceId, extensionName);
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("extensionType", EXTENSION_TYPE);
        properties.put("autoUpgradeMinorVersion", settings.autoUpgradeMinorVersion());
        if (settings.releaseTrain() != null && !settings.releaseTrain().isBlank()) {
            properties.put("releaseTrain", settings.releaseTrain());
        }
        properties.put("configurationSettings", settings.configurationSettings());
        properties.put("configurationProtectedSettings", Map.of("connectionString", settings.connectionString()));
        GenericResourceInner body = new GenericResourceInner().withProperties(properties);
        // Azure's errors should never quote protected settings, but a failure's detail is stored and shown.
        AzureFailures.arm("deploying extension " + extensionName + " on connected cluster " + clusterOf(id),
                connectionStringSecrets(settings.connectionString()), () -> {
                    send(() -> resources(id).createOrUpdateByIdWithResponseAsync(id, EXTENSIONS_API_VERSION, body));
                    return Boolean.TRUE;
                });
    }

    /** The connection string and the sync token password in it. */
    static SecretMask connectionStringSecrets(String connectionString) {
        Matcher password = SYNC_TOKEN_PASSWORD.matcher(connectionString);
        return SecretMask.of(connectionString, password.find() ? password.group(1) : null);
    }

    @Override
    public Optional<ExtensionFacts> readExtension(String connectedClusterResourceId, String extensionName) {
        String id = extensionId(connectedClusterResourceId, extensionName);
        return AzureFailures.armOptional("reading extension " + extensionName + " on connected cluster "
                        + clusterOf(id),
                () -> resources(id).getByIdWithResponse(id, EXTENSIONS_API_VERSION, Context.NONE).getValue())
                .map(inner -> extensionFacts(id, extensionName, inner));
    }

    @Override
    public void deleteExtension(String connectedClusterResourceId, String extensionName) {
        String id = extensionId(connectedClusterResourceId, extensionName);
        String action = "deleting extension " + extensionName + " on connected cluster " + clusterOf(id);
        AzureFailures.delete(AzureFailures.Api.ARM, action,
                () -> send(() -> resources(id).deleteByIdWithResponseAsync(id, EXTENSIONS_API_VERSION)));
    }

    private ResourcesClient resources(String extensionId) {
        String subscription = extensionId.split("/")[2];
        return clients.subscription(subscription).resources().serviceClient().getResources();
    }

    private static String extensionId(String connectedClusterResourceId, String extensionName) {
        ArmResourceId cluster = ArmResourceId.parse(connectedClusterResourceId,
                ArmResourceId.ResourceType.CONNECTED_CLUSTER);
        if (extensionName == null || !EXTENSION_NAME.matcher(extensionName).matches()) {
            throw new IllegalArgumentException("extension name '" + extensionName + "' must be letters, digits, "
                    + "hyphens and periods, starting and ending with a letter or digit");
        }
        return cluster + "/providers/Microsoft.KubernetesConfiguration/extensions/" + extensionName;
    }

    private static String clusterOf(String extensionId) {
        return extensionId.substring(0, extensionId.indexOf("/providers/Microsoft.KubernetesConfiguration/"));
    }

    @SuppressWarnings("unchecked")
    static ExtensionFacts extensionFacts(String id, String name, GenericResourceInner inner) {
        Map<String, Object> properties = inner.properties() instanceof Map<?, ?> map ? (Map<String, Object>) map
                : Map.of();
        Map<String, String> settings = new LinkedHashMap<>();
        if (properties.get("configurationSettings") instanceof Map<?, ?> map) {
            map.forEach((key, value) -> settings.put(String.valueOf(key), value == null ? null : value.toString()));
        }
        String errorCode = null;
        String errorMessage = null;
        if (properties.get("errorInfo") instanceof Map<?, ?> error) {
            errorCode = text(error.get("code"));
            errorMessage = text(error.get("message"));
        }
        List<ExtensionStatus> statuses = new ArrayList<>();
        if (properties.get("statuses") instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof Map<?, ?> status) {
                    statuses.add(new ExtensionStatus(text(status.get("code")), text(status.get("displayStatus")),
                            text(status.get("level")), text(status.get("message")), instant(text(status.get("time")))));
                }
            }
        }
        String version = text(properties.get("currentVersion"));
        return new ExtensionFacts(inner.id() != null ? inner.id() : id, inner.name() != null ? inner.name() : name,
                text(properties.get("extensionType")), text(properties.get("provisioningState")),
                version != null ? version : text(properties.get("version")),
                Boolean.TRUE.equals(properties.get("autoUpgradeMinorVersion")), text(properties.get("releaseTrain")),
                settings, errorCode, errorMessage, statuses);
    }

    // ---- shared

    /**
     * Sends one request of a long-running operation and drains its first response without polling; error statuses
     * are translated like any ARM failure.
     */
    private static void firstResponse(String action, Supplier<Mono<Response<Flux<ByteBuffer>>>> call) {
        AzureFailures.arm(action, () -> {
            send(call);
            return Boolean.TRUE;
        });
    }

    /** The single request, untranslated (so that a delete can take its 404 as success). */
    private static void send(Supplier<Mono<Response<Flux<ByteBuffer>>>> call) {
        Response<Flux<ByteBuffer>> response = call.get().block();
        if (response != null && response.getValue() != null) {
            FluxUtil.collectBytesInByteBufferStream(response.getValue()).block();
        }
    }

    private static ArmResourceId registry(String resourceId) {
        return ArmResourceId.parse(resourceId, ArmResourceId.ResourceType.CONTAINER_REGISTRY);
    }

    private static String connectedRegistryName(String name) {
        if (name == null || !CONNECTED_REGISTRY_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("connected registry name '" + name + "' must be 5 to 40 letters and "
                    + "digits");
        }
        return name;
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }

    private static Instant instant(String time) {
        if (time == null || time.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(time).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
