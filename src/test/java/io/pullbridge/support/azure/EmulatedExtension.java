package io.pullbridge.support.azure;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An Arc cluster extension ({@code Microsoft.KubernetesConfiguration/extensions}) in the emulated ARM. It stays
 * {@code Creating} / {@code Updating} / {@code Deleting} for a number of reads (see
 * {@link AzureEmulator#extensionProvisioningReads}), and only while its cluster is {@code Connected}; then it succeeds,
 * fails (see {@link AzureEmulator#failNextExtension}) or is gone. Its protected settings are kept (tests may look at
 * them) but never answered: GET shows their keys with empty values, as Azure does.
 */
public final class EmulatedExtension {

    /** The chart version an emulated install reports. */
    public static final String INSTALLED_VERSION = "0.11.0";

    private final String id;
    private final String name;
    private final String clusterId;
    private final Instant createdAt;
    private String extensionType;
    private boolean autoUpgradeMinorVersion;
    private String releaseTrain;
    private Map<String, String> configurationSettings = Map.of();
    private Map<String, String> protectedSettings = Map.of();
    private String provisioningState;
    private int pendingReads;
    private String[] failure;
    private String currentVersion;
    private Map<String, Object> errorInfo;
    private final List<Map<String, Object>> statuses = new ArrayList<>();
    private Instant modifiedAt;
    private boolean stuck;

    EmulatedExtension(String id, String name, String clusterId, Instant createdAt) {
        this.id = id;
        this.name = name;
        this.clusterId = clusterId;
        this.createdAt = createdAt;
        this.modifiedAt = createdAt;
    }

    public String id() {
        return id;
    }

    public String name() {
        return name;
    }

    public String clusterId() {
        return clusterId;
    }

    public synchronized String extensionType() {
        return extensionType;
    }

    /** {@code Creating}, {@code Updating}, {@code Succeeded}, {@code Failed} or {@code Deleting}. */
    public synchronized String provisioningState() {
        return provisioningState;
    }

    public synchronized Map<String, String> configurationSettings() {
        return configurationSettings;
    }

    /** What arrived in {@code configurationProtectedSettings} (never answered by GET). */
    public synchronized Map<String, String> protectedSettings() {
        return protectedSettings;
    }

    public synchronized boolean autoUpgradeMinorVersion() {
        return autoUpgradeMinorVersion;
    }

    public synchronized String releaseTrain() {
        return releaseTrain;
    }

    // ---- the emulated ARM's side

    synchronized void define(String extensionType, boolean autoUpgradeMinorVersion, String releaseTrain,
                             Map<String, String> configurationSettings, Map<String, String> protectedSettings) {
        this.extensionType = extensionType;
        this.autoUpgradeMinorVersion = autoUpgradeMinorVersion;
        this.releaseTrain = releaseTrain;
        this.configurationSettings = Collections.unmodifiableMap(new LinkedHashMap<>(configurationSettings));
        if (protectedSettings != null) {
            this.protectedSettings = Collections.unmodifiableMap(new LinkedHashMap<>(protectedSettings));
        }
    }

    /** Starts an operation: {@code Creating}, {@code Updating} or {@code Deleting} for {@code reads} reads. */
    synchronized void begin(String state, int reads, String[] failure, Instant now) {
        provisioningState = state;
        pendingReads = reads;
        this.failure = failure;
        stuck = false;
        modifiedAt = now;
        if (!"Deleting".equals(state)) {
            errorInfo = null;
            statuses.clear();
        }
    }

    synchronized boolean inProgress() {
        return "Creating".equals(provisioningState) || "Updating".equals(provisioningState)
                || "Deleting".equals(provisioningState);
    }

    synchronized boolean deleting() {
        return "Deleting".equals(provisioningState);
    }

    /** One read while in progress: true when the operation is due to complete now. */
    synchronized boolean readDue() {
        if (stuck) {
            return false;
        }
        if (pendingReads > 0) {
            pendingReads--;
            return false;
        }
        return true;
    }

    /** The install is up, waiting for something that never comes (e.g. a connection string the registry refuses). */
    synchronized void stuck() {
        stuck = true;
    }

    synchronized String[] failure() {
        return failure;
    }

    synchronized void succeed(Instant now) {
        provisioningState = "Succeeded";
        currentVersion = INSTALLED_VERSION;
        errorInfo = null;
        statuses.clear();
        modifiedAt = now;
    }

    /**
     * Fails the install; {@code {connectionString}} in the message quotes the protected setting, as Helm output may,
     * {@code {syncPassword}} the sync token password in it, and {@code {syncPasswordBase64}} that password in base64
     * (as a Secret's data made from the chart's values shows it).
     */
    synchronized void fail(String code, String template, Instant now) {
        String message = echoSecrets(template);
        provisioningState = "Failed";
        errorInfo = Json.obj("code", code, "message", message);
        statuses.clear();
        statuses.add(Json.obj("code", code, "displayStatus", "Failed", "level", "Error", "message", message,
                "time", now.toString()));
        modifiedAt = now;
    }

    private String echoSecrets(String template) {
        String connectionString = protectedSettings.getOrDefault("connectionString", "");
        String syncPassword = connectionString.replaceFirst("(?s).*SyncTokenPassword=([^;]*).*|(?s).*", "$1");
        return template.replace("{connectionString}", connectionString)
                .replace("{syncPasswordBase64}", java.util.Base64.getEncoder().encodeToString(
                        syncPassword.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .replace("{syncPassword}", syncPassword);
    }

    synchronized Map<String, Object> toJson() {
        Map<String, String> hiddenProtected = new LinkedHashMap<>();
        protectedSettings.keySet().forEach(key -> hiddenProtected.put(key, ""));
        Map<String, Object> properties = Json.obj(
                "extensionType", extensionType == null ? null : extensionType.toLowerCase(Locale.ROOT),
                "autoUpgradeMinorVersion", autoUpgradeMinorVersion,
                "releaseTrain", releaseTrain,
                "version", null,
                "scope", Json.obj("cluster", Json.obj("releaseNamespace", "connected-registry")),
                "configurationSettings", configurationSettings,
                "configurationProtectedSettings", hiddenProtected,
                "provisioningState", provisioningState,
                "currentVersion", currentVersion,
                "statuses", List.copyOf(statuses),
                "errorInfo", errorInfo,
                "customLocationSettings", null,
                "packageUri", null,
                "aksAssignedIdentity", null,
                "isSystemExtension", false);
        return Json.obj(
                "id", id,
                "name", name,
                "type", "Microsoft.KubernetesConfiguration/extensions",
                "systemData", Json.obj("createdAt", createdAt.toString(), "lastModifiedAt", modifiedAt.toString()),
                "properties", properties);
    }
}
