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
