package io.pullbridge.bindings;

import io.pullbridge.jobs.FailureClass;
import io.pullbridge.jobs.JobProblem;
import io.pullbridge.registries.RegistryTokenStore.PasswordSlot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Port: ACR connected registries ({@code Microsoft.ContainerRegistry/registries/connectedRegistries}) and the Arc
 * extension that runs one on an Arc-enabled cluster ({@code Microsoft.KubernetesConfiguration/extensions} of type
 * {@value #EXTENSION_TYPE}), as {@code az acr connected-registry} and {@code az k8s-extension} manage them.
 * <p>
 * Writes never wait for Azure's long-running operations: they return once Azure has accepted the request, and the
 * caller follows the outcome with {@link #read} / {@link #readExtension} (a job WAIT, no worker blocked). Deletes
 * are idempotent: what is already gone is success. The sync token, its password and client tokens are made through
 * {@code registries.RegistryTokenStore}; this port adds only what that one cannot express (the sync scope map, whose
 * actions include the connected registry's gateway).
 * <p>
 * Failures are {@code jobs.JobFailure}s with problem types (Azure's request id included).
 */
public interface ConnectedRegistries {

    /** The extension type of the connected registry Arc extension. */
    String EXTENSION_TYPE = "Microsoft.ContainerRegistry.ConnectedRegistry";
    /** Problem type slug of an extension Azure reports as {@code Failed}: see {@link ExtensionFacts#problem()}. */
    String EXTENSION_FAILED = "azure-extension-failed";
    /** {@code az acr connected-registry create --sync-schedule} default: sync every minute. */
    String DEFAULT_SYNC_SCHEDULE = "* * * * *";
    /** {@code az acr connected-registry create --sync-message-ttl} default. */
    Duration DEFAULT_MESSAGE_TTL = Duration.ofDays(2);
    /** The persistent volume claimed by the extension unless told otherwise ({@code pvc.storageRequest}). */
    String DEFAULT_STORAGE_REQUEST = "250Gi";

    /** The connected registry, or empty when the registry has none of that name. */
    Optional<ConnectedRegistryFacts> read(String registryResourceId, String name);

    /**
     * Creates or replaces the sync scope map {@link #syncScopeMapName}: the repositories' actions for the mode and the
     * connected registry's gateway actions, exactly as {@code az acr connected-registry create --repository} writes
     * them ({@link #syncScopeMapActions}).
     */
    void putSyncScopeMap(String registryResourceId, String connectedRegistryName, ConnectedRegistryMode mode,
                         Collection<String> repositories);

    /**
     * Creates or updates the connected registry. The registry must be Premium with its dedicated data endpoint
     * enabled, else {@code azure-connected-registry-unsupported}. Returns once Azure accepted it.
     */
    void put(String registryResourceId, ConnectedRegistrySettings settings);

    /**
     * Deactivates the connected registry, so that a new instance (a re-deployed extension) can activate it; nothing
     * happens when it does not exist.
     */
    void deactivate(String registryResourceId, String name);

    /** Deletes the connected registry; nothing happens when it does not exist. Returns once Azure accepted it. */
    void delete(String registryResourceId, String name);

    /**
     * Creates or updates the connected registry extension on an Arc-enabled cluster through the generic resources
     * API. Returns once Azure accepted it (provisioning goes on: follow it with {@link #readExtension}).
     */
    void putExtension(String connectedClusterResourceId, String extensionName, ExtensionSettings settings);

    /** The extension, or empty when the cluster has none of that name (or the cluster is gone). */
    Optional<ExtensionFacts> readExtension(String connectedClusterResourceId, String extensionName);

    /**
     * Deletes the extension; nothing happens when it does not exist. Returns once Azure accepted it: the extension
     * shows {@code Deleting} until it is gone.
     */
    void deleteExtension(String connectedClusterResourceId, String extensionName);

    // ---- naming and content rules of az acr connected-registry

    /** The client token and its scope map are named after the connected registry with this suffix. */
    String CLIENT_SUFFIX = "-client";

    /** What the client token may do on each synced repository: pull. */
    List<String> CLIENT_ACTIONS = List.of("content/read", "metadata/read");

    /** The client token, which the pull secrets hold, is named after the connected registry. */
    static String clientTokenName(String connectedRegistryName) {
        return connectedRegistryName + CLIENT_SUFFIX;
    }

    /** ... and its scope map too. */
    static String clientScopeMapName(String connectedRegistryName) {
        return connectedRegistryName + CLIENT_SUFFIX;
    }

    /** The Arc extension is named after the connected registry, in lower case. */
    static String extensionName(String connectedRegistryName) {
        return connectedRegistryName.toLowerCase(Locale.ROOT);
    }

    /** A token's other password slot. */
    static PasswordSlot other(PasswordSlot slot) {
        return slot == PasswordSlot.PASSWORD1 ? PasswordSlot.PASSWORD2 : PasswordSlot.PASSWORD1;
    }

    /** {@code password1}, {@code password2}, as ACR names a token's slots. */
    static String slotName(PasswordSlot slot) {
        return slot == null ? "no password" : slot.name().toLowerCase(Locale.ROOT);
    }

    /** {@code az acr connected-registry create --repository} names the sync token after the connected registry. */
    static String syncTokenName(String connectedRegistryName) {
        return requireText(connectedRegistryName, "connectedRegistryName");
    }

    /** ... and the sync scope map too. */
    static String syncScopeMapName(String connectedRegistryName) {
        return requireText(connectedRegistryName, "connectedRegistryName");
    }

    /** The repository actions a connected registry of this mode syncs with. */
    static List<String> repositoryActions(ConnectedRegistryMode mode) {
        return mode == ConnectedRegistryMode.READ_WRITE
                ? List.of("content/read", "content/write", "content/delete", "metadata/read", "metadata/write")
                : List.of("content/read", "metadata/read");
    }

    /** The gateway actions a sync token needs to exchange sync messages with its parent. */
    static List<String> gatewayActions() {
        return List.of("config/read", "config/write", "message/read", "message/write");
    }

    /**
     * The sync scope map's actions: {@code repositories/<repository>/<action>} for every repository (lower-cased, in
     * the order given, each once) with the mode's {@link #repositoryActions}, then
     * {@code gateway/<connected registry, lower-cased>/<action>} with the {@link #gatewayActions}.
     */
    static List<String> syncScopeMapActions(String connectedRegistryName, ConnectedRegistryMode mode,
                                            Collection<String> repositories) {
        requireText(connectedRegistryName, "connectedRegistryName");
        Objects.requireNonNull(mode, "mode");
        if (repositories == null || repositories.isEmpty()) {
            throw new IllegalArgumentException("a connected registry syncs at least one repository");
        }
        Set<String> unique = new LinkedHashSet<>();
        repositories.forEach(repository -> unique.add(requireText(repository, "repository").toLowerCase(Locale.ROOT)));
        List<String> actions = new ArrayList<>();
        for (String repository : unique) {
            repositoryActions(mode).forEach(action -> actions.add("repositories/" + repository + "/" + action));
        }
        String gateway = connectedRegistryName.toLowerCase(Locale.ROOT);
        gatewayActions().forEach(action -> actions.add("gateway/" + gateway + "/" + action));
        return List.copyOf(actions);
    }

    /**
     * The connection string the extension needs in its protected settings, as
     * {@code az acr connected-registry get-settings --parent-protocol https --generate-password 1} prints it. It holds
     * the sync token's password: keep it in memory only, and only send it in the extension's protected settings.
     *
     * @param parentGatewayEndpoint the cloud registry's data endpoint, {@link ConnectedRegistryFacts#gatewayEndpoint()}
     */
    static String connectionString(String connectedRegistryName, String syncTokenName, String syncTokenPassword,
                                   String parentGatewayEndpoint) {
        return "ConnectedRegistryName=" + requireText(connectedRegistryName, "connectedRegistryName")
                + ";SyncTokenName=" + requireText(syncTokenName, "syncTokenName")
                + ";SyncTokenPassword=" + requireText(syncTokenPassword, "syncTokenPassword")
                + ";ParentGatewayEndpoint=" + requireText(parentGatewayEndpoint, "parentGatewayEndpoint")
                + ";ParentEndpointProtocol=https";
    }

    private static String requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        if (value.indexOf(';') >= 0) {
            throw new IllegalArgumentException(name + " must not contain ';'");
        }
        return value;
    }

    // ---- values

    /** The connected registry's log level ({@code properties.logging.logLevel}). */
    enum LogLevel {
        DEBUG("Debug"), INFORMATION("Information"), WARNING("Warning"), ERROR("Error"), NONE("None");

        private final String value;

        LogLevel(String value) {
            this.value = value;
        }

        /** As ACR spells it. */
        public String value() {
            return value;
        }
    }

    /**
     * What to create a connected registry with (the body of {@code ConnectedRegistries_Create}).
     *
     * @param syncTokenResourceId     the sync token ({@code properties.parent.syncProperties.tokenId})
     * @param syncSchedule            five-field cron; null means {@link #DEFAULT_SYNC_SCHEDULE}
     * @param syncWindow              how long each scheduled sync lasts; null to sync continuously
     * @param messageTtl              how long sync messages are kept in the cloud; null means
     *                                {@link #DEFAULT_MESSAGE_TTL}
     * @param logLevel                null means {@link LogLevel#INFORMATION}
     * @param clientTokenResourceIds  tokens the connected registry accepts from clients
     * @param notifications           {@code notificationsList} patterns such as {@code hello-world:*:*}; may be empty
     */
    record ConnectedRegistrySettings(String name, ConnectedRegistryMode mode, String syncTokenResourceId,
                                     String syncSchedule, Duration syncWindow, Duration messageTtl, LogLevel logLevel,
                                     List<String> clientTokenResourceIds, List<String> notifications) {

        public ConnectedRegistrySettings {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(syncTokenResourceId, "syncTokenResourceId");
            syncSchedule = syncSchedule == null || syncSchedule.isBlank() ? DEFAULT_SYNC_SCHEDULE : syncSchedule;
            messageTtl = messageTtl == null ? DEFAULT_MESSAGE_TTL : messageTtl;
            logLevel = logLevel == null ? LogLevel.INFORMATION : logLevel;
            clientTokenResourceIds = clientTokenResourceIds == null ? List.of() : List.copyOf(clientTokenResourceIds);
            notifications = notifications == null ? List.of() : List.copyOf(notifications);
        }
    }

    /** A connected registry's status line ({@code properties.statusDetails[]}), e.g. a sync error. */
    record StatusDetail(String type, String code, String description, Instant timestamp, String correlationId) {
    }

    /**
     * A connected registry as ACR reports it.
     *
     * @param provisioningState {@code Creating}, {@code Updating}, {@code Deleting}, {@code Succeeded}, {@code Failed},
     *                          {@code Canceled}
     * @param connectionState   {@code Online}, {@code Offline}, {@code Syncing} or {@code Unhealthy}
     * @param activationStatus  {@code Active} once an instance has connected with the sync token, else
     *                          {@code Inactive}
     * @param gatewayEndpoint   the parent's gateway ({@code <registry>.<region>.data.azurecr.io} for a cloud registry)
     * @param loginServerHost   where clients reach the instance, once it has reported it
     */
    record ConnectedRegistryFacts(String resourceId, String name, ConnectedRegistryMode mode, String provisioningState,
                                  String connectionState, String activationStatus, String version,
                                  Instant lastActivityTime, String syncTokenResourceId, String syncSchedule,
                                  Duration syncWindow, Duration messageTtl, Instant lastSyncTime,
                                  String gatewayEndpoint, String loginServerHost, List<String> clientTokenResourceIds,
                                  List<StatusDetail> statusDetails) {

        public ConnectedRegistryFacts {
            clientTokenResourceIds = clientTokenResourceIds == null ? List.of() : List.copyOf(clientTokenResourceIds);
            statusDetails = statusDetails == null ? List.of() : List.copyOf(statusDetails);
        }

        public boolean online() {
            return "Online".equalsIgnoreCase(connectionState);
        }

        public boolean active() {
            return "Active".equalsIgnoreCase(activationStatus);
        }
    }

    /** Whether the extension installs cert-manager for its TLS certificate or uses one already in the cluster. */
    enum CertManager {
        /** {@code cert-manager.enabled=true}, {@code cert-manager.install=true} (the quickstart's default). */
        INSTALL,
        /** {@code cert-manager.enabled=true}, {@code cert-manager.install=false}: the cluster has one. */
        PREINSTALLED
    }

    /** Which nodes' container runtimes are told to trust the connected registry's certificate. */
    enum TrustDistribution {
        /** {@code trustDistribution.enabled=true}, {@code trustDistribution.skipNodeSelector=true}. */
        ALL_NODES,
        /** Only nodes labelled {@code containerd-configured-by=connected-registry}. */
        LABELED_NODES,
        /** The cluster's own trust distribution. */
        DISABLED
    }

    /**
     * What to deploy the extension with. {@link #toString()} never shows the connection string.
     *
     * @param clusterIP        {@code service.clusterIP}: a free address in the cluster's service CIDR
     * @param storageClassName {@code pvc.storageClassName}; null for the cluster's default class
     * @param storageRequest   {@code pvc.storageRequest}; null means {@link #DEFAULT_STORAGE_REQUEST}
     * @param releaseTrain     null for the extension's default train
     * @param connectionString {@link ConnectedRegistries#connectionString}; sent in
     *                         {@code configurationProtectedSettings.connectionString}, which Azure never returns
     */
    record ExtensionSettings(String clusterIP, String storageClassName, String storageRequest, CertManager certManager,
                             TrustDistribution trustDistribution, boolean autoUpgradeMinorVersion, String releaseTrain,
                             String connectionString) {

        public ExtensionSettings {
            if (clusterIP == null || clusterIP.isBlank()) {
                throw new IllegalArgumentException("clusterIP must not be blank");
            }
            if (connectionString == null || connectionString.isBlank()) {
                throw new IllegalArgumentException("connectionString must not be blank");
            }
            storageRequest = storageRequest == null || storageRequest.isBlank() ? DEFAULT_STORAGE_REQUEST
                    : storageRequest;
            certManager = certManager == null ? CertManager.INSTALL : certManager;
            trustDistribution = trustDistribution == null ? TrustDistribution.ALL_NODES : trustDistribution;
        }

        /** The defaults: 250Gi, cert-manager installed, trust on all nodes, minor versions upgraded automatically. */
        public static ExtensionSettings of(String clusterIP, String connectionString) {
            return new ExtensionSettings(clusterIP, null, null, null, null, true, null, connectionString);
        }

        /** {@code configurationSettings}, in a stable order; never the connection string. */
        public Map<String, String> configurationSettings() {
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("service.clusterIP", clusterIP);
            if (storageClassName != null && !storageClassName.isBlank()) {
                settings.put("pvc.storageClassName", storageClassName);
            }
            settings.put("pvc.storageRequest", storageRequest);
            settings.put("cert-manager.enabled", "true");
            settings.put("cert-manager.install", Boolean.toString(certManager == CertManager.INSTALL));
            settings.put("trustDistribution.enabled",
                    Boolean.toString(trustDistribution != TrustDistribution.DISABLED));
            settings.put("trustDistribution.skipNodeSelector",
                    Boolean.toString(trustDistribution == TrustDistribution.ALL_NODES));
            return settings;
        }

        @Override
        public String toString() {
            return "ExtensionSettings[configurationSettings=" + configurationSettings() + ", autoUpgradeMinorVersion="
                    + autoUpgradeMinorVersion + ", releaseTrain=" + releaseTrain + ", connectionString=<protected>]";
        }
    }

    /** One of an extension's {@code properties.statuses[]}. */
    record ExtensionStatus(String code, String displayStatus, String level, String message, Instant time) {
    }

    /**
     * An Arc extension as Azure reports it. Its protected settings never come back.
     *
     * @param provisioningState {@code Creating}, {@code Updating}, {@code Succeeded}, {@code Failed}, {@code Deleting},
     *                          {@code Canceled}
     * @param version           the installed version ({@code currentVersion}), else the requested one
     * @param errorCode         {@code properties.errorInfo.code}, when Azure reports an error
     */
    record ExtensionFacts(String resourceId, String name, String extensionType, String provisioningState,
                          String version, boolean autoUpgradeMinorVersion, String releaseTrain,
                          Map<String, String> configurationSettings, String errorCode, String errorMessage,
                          List<ExtensionStatus> statuses) {

        public ExtensionFacts {
            configurationSettings = configurationSettings == null ? Map.of()
                    : Collections.unmodifiableMap(new LinkedHashMap<>(configurationSettings));
            statuses = statuses == null ? List.of() : List.copyOf(statuses);
        }

        public boolean succeeded() {
            return "Succeeded".equalsIgnoreCase(provisioningState);
        }

        public boolean failed() {
            return "Failed".equalsIgnoreCase(provisioningState) || "Canceled".equalsIgnoreCase(provisioningState);
        }

        public boolean deleting() {
            return "Deleting".equalsIgnoreCase(provisioningState);
        }

        /** Still being installed or changed: neither succeeded, failed nor deleting. */
        public boolean inProgress() {
            return !succeeded() && !failed() && !deleting();
        }

        /** For a failed extension: {@value #EXTENSION_FAILED} with Azure's error and error statuses. */
        public Optional<JobProblem> problem() {
            if (!failed()) {
                return Optional.empty();
            }
            StringBuilder detail = new StringBuilder("The Arc extension ").append(name).append(" (")
                    .append(extensionType).append(") is ").append(provisioningState).append(" on ")
                    .append(clusterOf(resourceId));
            if (errorCode != null || errorMessage != null) {
                detail.append(": ").append(errorCode == null ? "" : errorCode)
                        .append(errorCode != null && errorMessage != null ? ": " : "")
                        .append(errorMessage == null ? "" : errorMessage);
            }
            statuses.stream().filter(s -> "Error".equalsIgnoreCase(s.level()))
                    .forEach(s -> detail.append("; ").append(s.code() == null ? "" : s.code() + ": ")
                            .append(s.message() == null ? s.displayStatus() : s.message()));
            return Optional.of(JobProblem.of(EXTENSION_FAILED, "The Arc extension failed to install", 502,
                    detail.toString(), FailureClass.PERMANENT));
        }

        private static String clusterOf(String extensionId) {
            int at = extensionId == null ? -1 : extensionId.toLowerCase(Locale.ROOT)
                    .indexOf("/providers/microsoft.kubernetesconfiguration/");
            return at < 0 ? String.valueOf(extensionId) : extensionId.substring(0, at);
        }
    }
}
