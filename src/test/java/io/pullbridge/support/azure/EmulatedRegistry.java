package io.pullbridge.support.azure;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A container registry in the emulated ARM. Seeded by tests through {@link AzureEmulator#addRegistry}; the setters
 * change what ARM answers from then on.
 */
public final class EmulatedRegistry {

    public static final String LEGACY_REGISTRY_PERMISSIONS = "LegacyRegistryPermissions";
    public static final String ABAC_REPOSITORY_PERMISSIONS = "AbacRepositoryPermissions";

    private final String subscriptionId;
    private final String resourceGroup;
    private final String name;
    private final Instant creationDate;
    private final Map<String, RegistryToken> tokens = new LinkedHashMap<>();
    private final Map<String, ScopeMap> scopeMaps = new LinkedHashMap<>();
    private volatile String location = "westeurope";
    private volatile String sku = "Standard";
    private volatile String loginServer;
    private volatile String roleAssignmentMode = LEGACY_REGISTRY_PERMISSIONS;
    private volatile boolean adminUserEnabled;
    private volatile boolean dataEndpointEnabled;
    private volatile Map<String, String> tags = Map.of();

    EmulatedRegistry(String subscriptionId, String resourceGroup, String name, Instant creationDate) {
        this.subscriptionId = subscriptionId;
        this.resourceGroup = resourceGroup;
        this.name = name;
        this.creationDate = creationDate;
        this.loginServer = name.toLowerCase(Locale.ROOT) + ".azurecr.io";
    }

    public String id() {
        return "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroup
                + "/providers/Microsoft.ContainerRegistry/registries/" + name;
    }

    public String subscriptionId() {
        return subscriptionId;
    }

    public String resourceGroup() {
        return resourceGroup;
    }

    public String name() {
        return name;
    }

    public Instant creationDate() {
        return creationDate;
    }

    public String location() {
        return location;
    }

    public EmulatedRegistry location(String location) {
        this.location = location;
        return this;
    }

    /** {@code Basic}, {@code Standard} or {@code Premium}. */
    public String sku() {
        return sku;
    }

    public EmulatedRegistry sku(String sku) {
        this.sku = sku;
        return this;
    }

    public String loginServer() {
        return loginServer;
    }

    public EmulatedRegistry loginServer(String loginServer) {
        this.loginServer = loginServer;
        return this;
    }

    /** {@code properties.roleAssignmentMode}: {@link #LEGACY_REGISTRY_PERMISSIONS} or {@link #ABAC_REPOSITORY_PERMISSIONS}. */
    public String roleAssignmentMode() {
        return roleAssignmentMode;
    }

    public EmulatedRegistry roleAssignmentMode(String roleAssignmentMode) {
        this.roleAssignmentMode = roleAssignmentMode;
        return this;
    }

    /** Makes it an ABAC-enabled registry ("RBAC Registry + ABAC Repository Permissions"), or a legacy one. */
    public EmulatedRegistry abacEnabled(boolean enabled) {
        return roleAssignmentMode(enabled ? ABAC_REPOSITORY_PERMISSIONS : LEGACY_REGISTRY_PERMISSIONS);
    }

    public boolean adminUserEnabled() {
        return adminUserEnabled;
    }

    public EmulatedRegistry adminUserEnabled(boolean adminUserEnabled) {
        this.adminUserEnabled = adminUserEnabled;
        return this;
    }

    /** The dedicated data endpoint ({@code <name>.<region>.data.azurecr.io}) that connected registries need. */
    public boolean dataEndpointEnabled() {
        return dataEndpointEnabled;
    }

    public EmulatedRegistry dataEndpointEnabled(boolean dataEndpointEnabled) {
        this.dataEndpointEnabled = dataEndpointEnabled;
        return this;
    }

    public List<String> dataEndpointHostNames() {
        return dataEndpointEnabled
                ? List.of(name.toLowerCase(Locale.ROOT) + "." + location.toLowerCase(Locale.ROOT).replace(" ", "")
                        + ".data.azurecr.io")
                : List.of();
    }

    public Map<String, String> tags() {
        return tags;
    }

    public EmulatedRegistry tags(Map<String, String> tags) {
        this.tags = Map.copyOf(tags);
        return this;
    }

    /** Its tokens, by name as created. */
    public synchronized List<RegistryToken> tokens() {
        return List.copyOf(tokens.values());
    }

    /** Its scope maps, by name as created. */
    public synchronized List<ScopeMap> scopeMaps() {
        return List.copyOf(scopeMaps.values());
    }

    /** The token of that name (case-insensitive), or null. */
    public synchronized RegistryToken token(String tokenName) {
        return tokens.get(tokenName.toLowerCase(Locale.ROOT));
    }

    /** The scope map of that name (case-insensitive), or null. */
    public synchronized ScopeMap scopeMap(String scopeMapName) {
        return scopeMaps.get(scopeMapName.toLowerCase(Locale.ROOT));
    }

    Map<String, RegistryToken> tokenMap() {
        return tokens;
    }

    Map<String, ScopeMap> scopeMapMap() {
        return scopeMaps;
    }
}
