package io.pullbridge.registries;

import io.pullbridge.common.ArmResourceId;
import io.pullbridge.common.ResourceEntity;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

@Entity
@Table(name = "registries")
class Registry extends ResourceEntity {

    @Column(nullable = false)
    private String name;

    @Column(name = "resource_id", nullable = false)
    private String resourceId;

    @Column(name = "subscription_id", nullable = false)
    private UUID subscriptionId;

    @Column(name = "resource_group", nullable = false)
    private String resourceGroup;

    @Column(name = "login_server", nullable = false)
    private String loginServer;

    @Column(name = "tenant_id", nullable = false)
    private UUID tenantId;

    private String sku;

    private String location;

    @Column(name = "abac_enabled")
    private Boolean abacEnabled;

    @Column(name = "data_endpoint_enabled")
    private Boolean dataEndpointEnabled;

    protected Registry() {
    }

    Registry(UUID id, ArmResourceId resourceId, String loginServer, UUID tenantId, Instant now, String createdBy) {
        super(id, now, createdBy, "Waiting for PullBridge to read the registry from Azure");
        this.name = resourceId.name();
        this.resourceId = resourceId.toString();
        this.subscriptionId = resourceId.subscriptionId();
        this.resourceGroup = resourceId.resourceGroup();
        this.loginServer = loginServer;
        this.tenantId = tenantId;
    }

    /** Records what Azure said about the registry; its login server is Azure's, not the one PullBridge derived. */
    void observe(RegistryDirectory.RegistryFacts facts) {
        this.loginServer = facts.loginServer();
        this.sku = facts.sku();
        this.location = facts.location();
        this.abacEnabled = facts.abacEnabled();
        this.dataEndpointEnabled = facts.dataEndpointEnabled();
    }

    String getSku() {
        return sku;
    }

    String getLocation() {
        return location;
    }

    Boolean getAbacEnabled() {
        return abacEnabled;
    }

    Boolean getDataEndpointEnabled() {
        return dataEndpointEnabled;
    }

    String getName() {
        return name;
    }

    String getResourceId() {
        return resourceId;
    }

    UUID getSubscriptionId() {
        return subscriptionId;
    }

    String getResourceGroup() {
        return resourceGroup;
    }

    String getLoginServer() {
        return loginServer;
    }

    UUID getTenantId() {
        return tenantId;
    }
}
