package io.pullbridge.support.azure;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A connected registry ({@code Microsoft.ContainerRegistry/registries/connectedRegistries}) in the emulated ARM, as
 * ACR reports it: {@code Inactive} and {@code Offline} until an instance (an Arc extension given a valid connection
 * string) activates it, then {@code Active} and {@code Online}. Tests change what it reports from then on with
 * {@link #goOffline()}, {@link #goOnline()}, {@link #unhealthy} and {@link #lastSyncTime(Instant)}.
 */
public final class EmulatedConnectedRegistry {

    /** The software version an emulated instance reports. */
    public static final String INSTANCE_VERSION = "0.11.0";

    private final String id;
    private final String name;
    private final String registryId;
    private String mode;
    private String syncTokenId;
    private String schedule;
    private String syncWindow;
    private String messageTtl;
    private List<String> clientTokenIds = List.of();
    private List<String> notifications = List.of();
    private String logLevel = "Information";
    private String auditLogStatus = "Disabled";
    private Map<String, Object> garbageCollection;
    private String activationStatus = "Inactive";
    private String connectionState = "Offline";
    private String version;
    private Instant lastActivityTime;
    private Instant lastSyncTime;
    private String loginServerHost;
    private String activatedBy;
    private final List<Map<String, Object>> statusDetails = new ArrayList<>();

    EmulatedConnectedRegistry(String id, String name, String registryId) {
        this.id = id;
        this.name = name;
        this.registryId = registryId;
    }

    public String id() {
        return id;
    }

    public String name() {
        return name;
    }

    public String registryId() {
        return registryId;
    }

    /** {@code ReadOnly} or {@code ReadWrite}. */
    public synchronized String mode() {
        return mode;
    }

    public synchronized String syncTokenId() {
        return syncTokenId;
    }

    public synchronized String schedule() {
        return schedule;
    }

    /** ISO-8601, or null (continuous sync). */
    public synchronized String syncWindow() {
        return syncWindow;
    }

    public synchronized String messageTtl() {
        return messageTtl;
    }

    public synchronized List<String> clientTokenIds() {
        return clientTokenIds;
    }

    public synchronized List<String> notifications() {
        return notifications;
    }

    public synchronized String logLevel() {
        return logLevel;
    }

    /** {@code Active} or {@code Inactive}. */
    public synchronized String activationStatus() {
        return activationStatus;
    }

    /** {@code Online}, {@code Offline}, {@code Syncing} or {@code Unhealthy}. */
    public synchronized String connectionState() {
        return connectionState;
    }

    public synchronized Instant lastSyncTime() {
        return lastSyncTime;
    }

    /** The extension that activated it, or null. */
    public synchronized String activatedBy() {
        return activatedBy;
    }

    /** Its instance stopped reporting (the cluster or the extension is gone, or the network is down). */
    public synchronized EmulatedConnectedRegistry goOffline() {
        connectionState = "Offline";
        return this;
    }

    /** Its instance reports again, healthy. */
    public synchronized EmulatedConnectedRegistry goOnline() {
        connectionState = "Online";
        statusDetails.clear();
        return this;
    }

    /** Its instance reports a critical error ({@code statusDetails}), e.g. {@code DISK_PERMISSION_DENIED}. */
    public synchronized EmulatedConnectedRegistry unhealthy(String type, String code, String description,
                                                            Instant at) {
        connectionState = "Unhealthy";
        statusDetails.add(Json.obj("type", type, "code", code, "description", description,
                "timestamp", at.toString(), "correlationId", java.util.UUID.randomUUID().toString()));
        return this;
    }

    /** Its instance last synced then. */
    public synchronized EmulatedConnectedRegistry lastSyncTime(Instant at) {
        lastSyncTime = at;
        lastActivityTime = at;
        return this;
    }

    // ---- the emulated ARM's side

    synchronized void define(String mode, String syncTokenId, String schedule, String syncWindow, String messageTtl,
                             List<String> clientTokenIds, List<String> notifications, String logLevel,
                             String auditLogStatus, Map<String, Object> garbageCollection) {
        this.mode = mode;
        this.syncTokenId = syncTokenId;
        this.schedule = schedule;
        this.syncWindow = syncWindow;
        this.messageTtl = messageTtl;
        this.clientTokenIds = List.copyOf(clientTokenIds);
        this.notifications = List.copyOf(notifications);
        if (logLevel != null) {
            this.logLevel = logLevel;
        }
        if (auditLogStatus != null) {
            this.auditLogStatus = auditLogStatus;
        }
        if (garbageCollection != null) {
            this.garbageCollection = garbageCollection;
        }
    }

    /** An instance connected with a valid sync token: it activates it, reports and syncs. */
    synchronized void activate(String extensionId, String loginServerHost, Instant now) {
        activationStatus = "Active";
        activatedBy = extensionId;
        connectionState = "Online";
        version = INSTANCE_VERSION;
        lastActivityTime = now;
        lastSyncTime = now;
        this.loginServerHost = loginServerHost;
        statusDetails.clear();
    }

    /** A second instance tried to activate it while another one holds it. */
    synchronized void refuseSecondInstance(Instant now) {
        connectionState = "Offline";
        statusDetails.add(Json.obj("type", "Activation", "code", "ALREADY_ACTIVATED",
                "description", "The connected registry is already activated by another instance; deactivate it "
                        + "first (az acr connected-registry deactivate).",
                "timestamp", now.toString(), "correlationId", java.util.UUID.randomUUID().toString()));
    }

    synchronized void deactivate() {
        activationStatus = "Inactive";
        activatedBy = null;
        connectionState = "Offline";
    }

    /** Its instance went away with the extension that ran it. */
    synchronized void instanceRemoved(String extensionId) {
        if (extensionId.equalsIgnoreCase(String.valueOf(activatedBy))) {
            connectionState = "Offline";
        }
    }

    synchronized Map<String, Object> toJson(String gatewayEndpoint) {
        Map<String, Object> sync = Json.obj("tokenId", syncTokenId, "schedule", schedule);
        if (syncWindow != null) {
            sync.put("syncWindow", syncWindow);
        }
        sync.put("messageTtl", messageTtl);
        if (lastSyncTime != null) {
            sync.put("lastSyncTime", lastSyncTime.toString());
        }
        sync.put("gatewayEndpoint", gatewayEndpoint);
        Map<String, Object> properties = Json.obj("provisioningState", "Succeeded", "mode", mode);
        if (version != null) {
            properties.put("version", version);
        }
        properties.put("connectionState", connectionState);
        if (lastActivityTime != null) {
            properties.put("lastActivityTime", lastActivityTime.toString());
        }
        properties.put("activation", Json.obj("status", activationStatus));
        properties.put("parent", Json.obj("syncProperties", sync));
        properties.put("clientTokenIds", clientTokenIds);
        if (loginServerHost != null) {
            properties.put("loginServer", Json.obj("host", loginServerHost, "tls", Json.obj("status", "Enabled",
                    "certificate", Json.obj("type", "LocalDirectory", "location", "/var/acr/certs"))));
        }
        properties.put("logging", Json.obj("logLevel", logLevel, "auditLogStatus", auditLogStatus));
        properties.put("statusDetails", List.copyOf(statusDetails));
        if (!notifications.isEmpty()) {
            properties.put("notificationsList", notifications);
        }
        if (garbageCollection != null) {
            properties.put("garbageCollection", garbageCollection);
        }
        return Json.obj(
                "id", id,
                "name", name,
                "type", "Microsoft.ContainerRegistry/registries/connectedRegistries",
                "properties", properties);
    }
}
