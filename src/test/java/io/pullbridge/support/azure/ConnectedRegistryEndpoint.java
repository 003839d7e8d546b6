package io.pullbridge.support.azure;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The emulated ARM's connected registries ({@code registries/{r}/connectedRegistries}: PUT, GET, list, POST
 * {@code deactivate}, DELETE) and Arc cluster extensions ({@code connectedClusters/{c}/providers/
 * Microsoft.KubernetesConfiguration/extensions}: PUT, GET, list, DELETE). {@link ArmEndpoint} routes the calls here
 * after its own checks (api-version, resource group, caller's rights, parent resource).
 * <p>
 * As ACR does, it keeps connected registries to Premium registries with a dedicated data endpoint, needs an existing
 * sync token and client tokens, and refuses to change a connected registry's mode. Extensions provision over a number
 * of reads; a connected registry extension that comes up with a connection string naming a connected registry, its
 * sync token and one of that token's passwords, and the registry's data endpoint, activates the connected registry
 * (Active, Online, synced now); with anything else it never finishes installing, as the connected registry's pod
 * keeps failing to authenticate. The ACR error codes for refused connected registries are the emulator's own: no
 * published example shows them.
 */
final class ConnectedRegistryEndpoint {

    private static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9]{5,40}$");
    private static final String EXTENSION_TYPE = "Microsoft.ContainerRegistry.ConnectedRegistry";

    private final Supplier<Instant> clock;
    private final Map<String, EmulatedConnectedRegistry> connectedRegistries = new LinkedHashMap<>();
    private final Map<String, EmulatedExtension> extensions = new LinkedHashMap<>();
    /** Operation id to [extension id, "put" or "delete"], for Azure-AsyncOperation polls. */
    private final Map<String, String[]> operations = new LinkedHashMap<>();
    private int provisioningReads = 1;
    private String[] nextFailure;

    ConnectedRegistryEndpoint(Supplier<Instant> clock) {
        this.clock = clock;
    }

    synchronized void clear() {
        connectedRegistries.clear();
        extensions.clear();
        operations.clear();
        provisioningReads = 1;
        nextFailure = null;
    }

    // ---- test hooks

    synchronized void provisioningReads(int reads) {
        if (reads < 0) {
            throw new IllegalArgumentException("reads must not be negative");
        }
        this.provisioningReads = reads;
    }

    synchronized void failNextExtension(String code, String message) {
        this.nextFailure = new String[] {code, message};
    }

    synchronized Optional<EmulatedConnectedRegistry> connectedRegistry(String id) {
        return Optional.ofNullable(connectedRegistries.get(key(id)));
    }

    synchronized List<EmulatedConnectedRegistry> connectedRegistries() {
        return List.copyOf(connectedRegistries.values());
    }

    synchronized Optional<EmulatedExtension> extension(String id) {
        return Optional.ofNullable(extensions.get(key(ArmEndpoint.normalizeScope(id))));
    }

    /** Removes an extension at once, as someone deleting it outside PullBridge (and waiting for it) would. */
    synchronized void removeExtension(String id) {
        EmulatedExtension removed = extensions.remove(key(ArmEndpoint.normalizeScope(id)));
        if (removed != null) {
            instanceGone(removed);
        }
    }

    /** The connected registry whose sync token this is, if any (ACR will not delete such a token). */
    synchronized Optional<EmulatedConnectedRegistry> usingSyncToken(String tokenId) {
        return connectedRegistries.values().stream()
                .filter(c -> c.syncTokenId() != null && c.syncTokenId().equalsIgnoreCase(tokenId)).findFirst();
    }

    // ---- connected registries

    synchronized Reply connectedRegistries(Call call, EmulatedRegistry registry, String name, String action) {
        if (name == null) {
            if (!"GET".equals(call.method())) {
                return methodNotAllowed(call);
            }
            String gateway = gatewayEndpoint(registry);
            List<Map<String, Object>> value = connectedRegistries.values().stream()
                    .filter(c -> c.registryId().equalsIgnoreCase(registry.id())).map(c -> c.toJson(gateway)).toList();
            return Reply.json(200, Map.of("value", value));
        }
        String id = registry.id() + "/connectedRegistries/" + name;
        EmulatedConnectedRegistry existing = connectedRegistries.get(key(id));
        if (action != null) {
            if (!"POST".equals(call.method()) || !action.equalsIgnoreCase("deactivate")) {
                return methodNotAllowed(call);
            }
            if (existing == null) {
                return notFound(registry, name);
            }
            existing.deactivate();
            return Reply.empty(200);
        }
        return switch (call.method()) {
            case "GET" -> existing == null ? notFound(registry, name)
                    : Reply.json(200, existing.toJson(gatewayEndpoint(registry)));
            case "DELETE" -> connectedRegistries.remove(key(id)) == null ? Reply.empty(204) : Reply.empty(200);
            case "PUT" -> put(call, registry, name, id, existing);
            default -> methodNotAllowed(call);
        };
    }

    private Reply put(Call call, EmulatedRegistry registry, String name, String id,
                      EmulatedConnectedRegistry existing) {
        if (!NAME.matcher(name).matches()) {
            return Reply.armError(400, "InvalidResourceName", "The connected registry name '" + name
                    + "' must be 5 to 40 letters and digits.");
        }
        if (!"Premium".equalsIgnoreCase(registry.sku())) {
            return Reply.armError(400, "ConnectedRegistryNotSupported", "Connected registries are only supported by "
                    + "Premium registries; registry '" + registry.name() + "' is " + registry.sku() + ".");
        }
        if (!registry.dataEndpointEnabled()) {
            return Reply.armError(400, "DataEndpointNotEnabled", "Dedicated data endpoints must be enabled on "
                    + "registry '" + registry.name() + "' to use connected registries.");
        }
        Map<String, Object> properties = Json.map(Json.object(call.body()), "properties");
        String mode = canonicalMode(Json.string(properties, "mode"));
        if (mode == null) {
            return Reply.armError(400, "InvalidRequestContent", "The mode of the connected registry must be "
                    + "ReadOnly or ReadWrite.");
        }
        Map<String, Object> sync = Json.map(Json.map(properties, "parent"), "syncProperties");
        String tokenId = Json.string(sync, "tokenId");
        String messageTtl = Json.string(sync, "messageTtl");
        if (tokenId == null || messageTtl == null) {
            return Reply.armError(400, "InvalidRequestContent", "parent.syncProperties.tokenId and "
                    + "parent.syncProperties.messageTtl are required.");
        }
        String syncWindow = Json.string(sync, "syncWindow");
        for (String duration : syncWindow == null ? List.of(messageTtl) : List.of(messageTtl, syncWindow)) {
            try {
                Duration.parse(duration);
            } catch (DateTimeParseException e) {
                return Reply.armError(400, "InvalidRequestContent", "'" + duration + "' is not an ISO 8601 "
                        + "duration.");
            }
        }
        if (token(registry, tokenId) == null) {
            return Reply.armError(400, "TokenNotFound", "The sync token '" + tokenId + "' was not found in registry '"
                    + registry.name() + "'.");
        }
        List<String> clientTokenIds = Json.strings(properties, "clientTokenIds");
        for (String clientTokenId : clientTokenIds) {
            if (token(registry, clientTokenId) == null) {
                return Reply.armError(400, "TokenNotFound", "The client token '" + clientTokenId + "' was not found "
                        + "in registry '" + registry.name() + "'.");
            }
        }
        if (existing != null && !existing.mode().equals(mode)) {
            return Reply.armError(400, "ConnectedRegistryModeCannotBeChanged", "The mode of connected registry '"
                    + name + "' is " + existing.mode() + " and cannot be changed; delete and create it again.");
        }
        Map<String, Object> logging = Json.map(properties, "logging");
        EmulatedConnectedRegistry connectedRegistry = existing != null ? existing
                : new EmulatedConnectedRegistry(id, name, registry.id());
        String schedule = Json.string(sync, "schedule");
        connectedRegistry.define(mode, token(registry, tokenId).id(), schedule == null ? "* * * * *" : schedule,
                syncWindow, messageTtl, clientTokenIds, Json.strings(properties, "notificationsList"),
                Json.string(logging, "logLevel"), Json.string(logging, "auditLogStatus"),
                Json.map(properties, "garbageCollection"));
        connectedRegistries.put(key(id), connectedRegistry);
        return Reply.json(existing == null ? 201 : 200, connectedRegistry.toJson(gatewayEndpoint(registry)));
    }

    private static RegistryToken token(EmulatedRegistry registry, String tokenId) {
        return registry.tokens().stream().filter(t -> t.id().equalsIgnoreCase(ArmEndpoint.normalizeScope(tokenId)))
                .findFirst().orElse(null);
    }

    private static String canonicalMode(String mode) {
        if ("ReadOnly".equalsIgnoreCase(mode)) {
            return "ReadOnly";
        }
        return "ReadWrite".equalsIgnoreCase(mode) ? "ReadWrite" : null;
    }

    private static String gatewayEndpoint(EmulatedRegistry registry) {
        return registry.dataEndpointHostNames().isEmpty() ? null : registry.dataEndpointHostNames().get(0);
    }

    private static Reply notFound(EmulatedRegistry registry, String name) {
        return Reply.armError(404, "ResourceNotFound", "The Resource 'Microsoft.ContainerRegistry/registries/"
                + registry.name() + "/connectedRegistries/" + name + "' under resource group '"
                + registry.resourceGroup() + "' was not found. For more details please go to "
                + "https://aka.ms/ARMResourceNotFoundFix");
    }

    // ---- extensions

    /**
     * @param registries finds a registry by id (case-insensitive) or by its data endpoint host, for activation
     */
    synchronized Reply extensions(Call call, EmulatedConnectedCluster cluster, String name, String operation,
                                  Function<String, Optional<EmulatedRegistry>> registries) {
        String prefix = cluster.id() + "/providers/Microsoft.KubernetesConfiguration/extensions";
        if (name == null) {
            if (!"GET".equals(call.method())) {
                return methodNotAllowed(call);
            }
            List<Map<String, Object>> value = extensions.values().stream()
                    .filter(e -> e.clusterId().equalsIgnoreCase(cluster.id())).map(EmulatedExtension::toJson).toList();
            return Reply.json(200, Json.obj("value", value, "nextLink", null));
        }
        String id = prefix + "/" + name;
        EmulatedExtension existing = extensions.get(key(id));
        if (operation != null) {
            return "GET".equals(call.method()) ? operationStatus(call, cluster, id, operation, registries)
                    : methodNotAllowed(call);
        }
        return switch (call.method()) {
            case "GET" -> {
                if (existing == null) {
                    yield extensionNotFound(name);
                }
                advance(existing, cluster, registries);
                yield extensions.containsKey(key(id)) ? Reply.json(200, existing.toJson()) : extensionNotFound(name);
            }
            case "PUT" -> putExtension(call, cluster, name, id, existing);
            case "DELETE" -> {
                if (existing == null) {
                    yield Reply.empty(204);
                }
                if (!existing.deleting()) {
                    existing.begin("Deleting", provisioningReads, null, clock.get());
                }
                yield Reply.empty(202).header("Azure-AsyncOperation", operation(id, "delete", call));
            }
            default -> methodNotAllowed(call);
        };
    }

    private Reply putExtension(Call call, EmulatedConnectedCluster cluster, String name, String id,
                               EmulatedExtension existing) {
        if (existing != null && existing.deleting()) {
            return Reply.armError(409, "AnotherOperationInProgress", "Extension '" + name + "' is being deleted; "
                    + "another operation on it cannot start until that completes.");
        }
        Map<String, Object> properties = Json.map(Json.object(call.body()), "properties");
        String extensionType = Json.string(properties, "extensionType");
        if (extensionType == null || extensionType.isBlank()) {
            return Reply.armError(400, "InvalidRequestContent", "properties.extensionType is required.");
        }
        if (existing != null && !existing.extensionType().equalsIgnoreCase(extensionType)) {
            return Reply.armError(400, "InvalidRequestContent", "The extension type of extension '" + name
                    + "' is " + existing.extensionType() + " and cannot be changed.");
        }
        EmulatedExtension extension = existing != null ? existing
                : new EmulatedExtension(id, name, cluster.id(), clock.get());
        Object autoUpgrade = properties.get("autoUpgradeMinorVersion");
        extension.define(extensionType, autoUpgrade == null || Boolean.TRUE.equals(autoUpgrade),
                Json.string(properties, "releaseTrain"), strings(Json.map(properties, "configurationSettings")),
                properties.containsKey("configurationProtectedSettings")
                        ? strings(Json.map(properties, "configurationProtectedSettings")) : null);
        String[] failure = nextFailure;
        nextFailure = null;
        extension.begin(existing == null ? "Creating" : "Updating", provisioningReads, failure, clock.get());
        extensions.put(key(id), extension);
        return Reply.json(existing == null ? 201 : 200, extension.toJson())
                .header("Azure-AsyncOperation", operation(id, "put", call));
    }

    /** A read of an extension (or of its operation): it may complete what is in progress. */
    private void advance(EmulatedExtension extension, EmulatedConnectedCluster cluster,
                         Function<String, Optional<EmulatedRegistry>> registries) {
        if (extension.inProgress() && "Connected".equalsIgnoreCase(cluster.connectivityStatus())
                && extension.readDue()) {
            complete(extension, registries);
        }
    }

    /** What the SDK's poller reads at the {@code Azure-AsyncOperation} URL. */
    private Reply operationStatus(Call call, EmulatedConnectedCluster cluster, String extensionId, String operationId,
                                  Function<String, Optional<EmulatedRegistry>> registries) {
        String[] operation = operations.get(key(operationId));
        if (operation == null || !operation[0].equalsIgnoreCase(extensionId)) {
            return Reply.armError(404, "OperationNotFound", "The operation '" + operationId + "' was not found.");
        }
        EmulatedExtension extension = extensions.get(key(extensionId));
        if (extension != null) {
            advance(extension, cluster, registries);
        }
        extension = extensions.get(key(extensionId));
        String status;
        Map<String, Object> error = null;
        if (extension == null) {
            status = "delete".equals(operation[1]) ? "Succeeded" : "Canceled";
        } else if (extension.inProgress()) {
            status = "InProgress";
        } else if ("Failed".equals(extension.provisioningState())) {
            status = "Failed";
            error = Json.map(Json.map(extension.toJson(), "properties"), "errorInfo");
        } else {
            status = "Succeeded";
        }
        Map<String, Object> body = Json.obj("id", extensionId + "/operations/" + operationId, "name", operationId,
                "status", status);
        if (error != null) {
            body.put("error", error);
        }
        return Reply.json(200, body);
    }

    /** The in-progress operation is due: the install succeeds, fails, or hangs; a deletion ends. */
    private void complete(EmulatedExtension extension, Function<String, Optional<EmulatedRegistry>> registries) {
        Instant now = clock.get();
        if (extension.deleting()) {
            extensions.remove(key(extension.id()));
            instanceGone(extension);
            return;
        }
        String[] failure = extension.failure();
        if (failure != null) {
            extension.fail(failure[0], failure[1], now);
            return;
        }
        if (!EXTENSION_TYPE.equalsIgnoreCase(extension.extensionType())) {
            extension.succeed(now);
            return;
        }
        EmulatedConnectedRegistry target = activationTarget(extension, registries);
        if (target == null) {
            // The connected registry's pod cannot authenticate with its parent: the install never becomes ready.
            extension.stuck();
            return;
        }
        extension.succeed(now);
        if ("Active".equals(target.activationStatus())
                && !extension.id().equalsIgnoreCase(String.valueOf(target.activatedBy()))) {
            target.refuseSecondInstance(now);
        } else {
            target.activate(extension.id(), extension.configurationSettings().get("service.clusterIP"), now);
        }
    }

    /** The connected registry the connection string names, when its token, password and gateway all check out. */
    private EmulatedConnectedRegistry activationTarget(EmulatedExtension extension,
                                                       Function<String, Optional<EmulatedRegistry>> registries) {
        Map<String, String> parts = new LinkedHashMap<>();
        String connectionString = extension.protectedSettings().get("connectionString");
        if (connectionString == null) {
            return null;
        }
        for (String part : connectionString.split(";")) {
            int equals = part.indexOf('=');
            if (equals > 0) {
                parts.put(part.substring(0, equals), part.substring(equals + 1));
            }
        }
        if (!"https".equals(parts.get("ParentEndpointProtocol")) || parts.get("ParentGatewayEndpoint") == null) {
            return null;
        }
        EmulatedRegistry registry = registries.apply(parts.get("ParentGatewayEndpoint")).orElse(null);
        if (registry == null || parts.get("ConnectedRegistryName") == null) {
            return null;
        }
        EmulatedConnectedRegistry target = connectedRegistries.get(key(registry.id() + "/connectedRegistries/"
                + parts.get("ConnectedRegistryName")));
        String tokenName = parts.get("SyncTokenName");
        RegistryToken token = tokenName == null ? null : registry.token(tokenName);
        if (target == null || token == null || !token.id().equalsIgnoreCase(target.syncTokenId())
                || !"enabled".equalsIgnoreCase(token.status())) {
            return null;
        }
        Instant now = clock.get();
        boolean passwordMatches = token.passwords().stream().anyMatch(p -> p.value().equals(parts.get(
                "SyncTokenPassword")) && (p.expiry() == null || p.expiry().isAfter(now)));
        return passwordMatches ? target : null;
    }

    private void instanceGone(EmulatedExtension extension) {
        connectedRegistries.values().forEach(c -> c.instanceRemoved(extension.id()));
    }

    private static Reply extensionNotFound(String name) {
        return Reply.armError(404, "ResourceNotFound", "The Resource 'Microsoft.KubernetesConfiguration/extensions/"
                + name + "' was not found.");
    }

    /** The {@code Azure-AsyncOperation} URL, on the ARM host the call came to (as Azure's point to its own). */
    private String operation(String id, String kind, Call call) {
        String operationId = UUID.randomUUID().toString();
        operations.put(key(operationId), new String[] {id, kind});
        String host = call.header("Host");
        return "https://" + (host == null ? "management.azure.com" : host) + id + "/operations/" + operationId
                + "?api-version=" + call.query("api-version");
    }

    private static Map<String, String> strings(Map<String, Object> map) {
        Map<String, String> strings = new LinkedHashMap<>();
        if (map != null) {
            map.forEach((key, value) -> strings.put(key, value == null ? null : value.toString()));
        }
        return strings;
    }

    private static Reply methodNotAllowed(Call call) {
        return Reply.armError(405, "MethodNotAllowed", "The requested resource does not support http method '"
                + call.method() + "'.");
    }

    private static String key(String value) {
        return value.toLowerCase(Locale.ROOT);
    }
}
