package io.pullbridge.azure;

import com.azure.resourcemanager.containerregistry.fluent.RegistriesClient;
import com.azure.resourcemanager.containerregistry.fluent.models.RegistryInner;
import com.azure.resourcemanager.containerregistry.models.RoleAssignmentMode;
import io.pullbridge.common.ArmResourceId;
import io.pullbridge.registries.RegistryDirectory;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Registries as ARM describes them, each read through a client for the subscription its id names (the SDK's
 * {@code getById} would read from the client's own subscription whatever the id says).
 */
@Component
final class AzureRegistryDirectory implements RegistryDirectory {

    private final AzureClients clients;

    AzureRegistryDirectory(AzureClients clients) {
        this.clients = clients;
    }

    @Override
    public Optional<RegistryFacts> read(String resourceId) {
        ArmResourceId id = ArmResourceId.parse(resourceId, ArmResourceId.ResourceType.CONTAINER_REGISTRY);
        return AzureFailures.armOptional("reading registry " + id,
                () -> registries(id.subscriptionId()).getByResourceGroup(id.resourceGroup(), id.name()))
                .map(AzureRegistryDirectory::facts);
    }

    @Override
    public List<RegistryFacts> list(UUID subscriptionId, String resourceGroup) {
        boolean inGroup = resourceGroup != null && !resourceGroup.isBlank();
        String where = "subscription " + subscriptionId + (inGroup ? ", resource group " + resourceGroup : "");
        return AzureFailures.arm("listing the registries of " + where, () -> (inGroup
                ? registries(subscriptionId).listByResourceGroup(resourceGroup)
                : registries(subscriptionId).list()).stream().map(AzureRegistryDirectory::facts).toList());
    }

    private RegistriesClient registries(UUID subscriptionId) {
        return clients.subscription(subscriptionId).registries()
                .getRegistries();
    }

    private static RegistryFacts facts(RegistryInner registry) {
        return new RegistryFacts(registry.id(), registry.name(), registry.loginServer(),
                registry.sku() == null || registry.sku().name() == null ? null : registry.sku().name().toString(),
                registry.location(),
                RoleAssignmentMode.ABAC_REPOSITORY_PERMISSIONS.equals(registry.roleAssignmentMode()),
                Boolean.TRUE.equals(registry.dataEndpointEnabled()));
    }
}
