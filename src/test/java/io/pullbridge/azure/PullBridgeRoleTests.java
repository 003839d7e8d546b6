package io.pullbridge.azure;

import static io.pullbridge.azure.AzureTestSupport.CLIENT_ID;
import static io.pullbridge.azure.AzureTestSupport.CLIENT_SECRET;
import static io.pullbridge.azure.AzureTestSupport.SUBSCRIPTION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.azure.core.management.exception.ManagementException;
import com.azure.core.util.Context;
import io.pullbridge.bindings.ConnectedRegistries;
import io.pullbridge.bindings.ConnectedRegistries.ConnectedRegistrySettings;
import io.pullbridge.bindings.ConnectedRegistries.ExtensionSettings;
import io.pullbridge.bindings.ConnectedRegistryMode;
import io.pullbridge.common.AzureRole;
import io.pullbridge.common.ManagedIdentities;
import io.pullbridge.common.RoleAssignments.Assignment;
import io.pullbridge.common.RoleAssignments.PrincipalType;
import io.pullbridge.jobs.JobFailure;
import io.pullbridge.registries.RegistryTokenStore.GeneratedPassword;
import io.pullbridge.registries.RegistryTokenStore.PasswordSlot;
import io.pullbridge.support.azure.ArmActions;
import io.pullbridge.support.azure.AzureEmulator;
import io.pullbridge.support.azure.EmulatedConnectedCluster;
import io.pullbridge.support.azure.EmulatedManagedCluster;
import io.pullbridge.support.azure.EmulatedRegistry;
import io.pullbridge.support.azure.GraphServicePrincipal;
import io.pullbridge.support.azure.PullBridgeRole;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/azure/pullbridge-role.json}, the least-privilege custom role README.md has operators assign to
 * PullBridge's identity, stays true: it is a role definition {@code az role definition create} takes, with exact
 * actions (no wildcard, no data actions), each an action the emulated ARM knows; every operation of the Azure adapter
 * succeeds with only those actions; and together the operations need every one of them. The emulator limits
 * PullBridge's client to this role in every other test too ({@link AzureEmulator#registerPullBridge}), so an adapter
 * change that needs a new action fails there with ARM's 403 until the role grants it.
 */
class PullBridgeRoleTests {

    private static final String CR = "edge1cr";

    @AutoClose
    private static final AzureEmulator emulator = AzureEmulator.start();

    private EmulatedRegistry registry;
    private EmulatedManagedCluster aks;
    private EmulatedConnectedCluster arc;
    private AzureClients clients;

    @BeforeEach
    void seed() {
        emulator.reset();
        emulator.registerPullBridge(CLIENT_ID, CLIENT_SECRET);
        registry = emulator.addRegistry(SUBSCRIPTION, "rg-shared", "contosoacr").sku("Premium")
                .dataEndpointEnabled(true);
        aks = emulator.addManagedCluster(SUBSCRIPTION, "rg-aks", "prod-weu");
        arc = emulator.addConnectedCluster(SUBSCRIPTION, "rg-edge", "edge-1");
        clients = AzureTestSupport.clients(emulator);
    }

    @Test
    void theRoleIsADefinitionAzTakesWithExactActionsTheEmulatedArmKnows() {
        Map<String, Object> definition = PullBridgeRole.definition();

        assertThat(definition).containsKeys("Name", "IsCustom", "Description", "Actions", "NotActions", "DataActions",
                "NotDataActions", "AssignableScopes");
        assertThat(definition.get("Name")).isEqualTo("PullBridge");
        assertThat(definition.get("IsCustom")).isEqualTo(true);
        assertThat(definition.get("AssignableScopes")).isEqualTo(List.of("/subscriptions/<subscription-id>"));
        assertThat((List<?>) definition.get("NotActions")).isEmpty();
        assertThat((List<?>) definition.get("DataActions")).isEmpty();
        assertThat((List<?>) definition.get("NotDataActions")).isEmpty();
        @SuppressWarnings("unchecked")
        List<String> actions = (List<String>) definition.get("Actions");
        assertThat(actions).doesNotHaveDuplicates().isSorted().noneMatch(action -> action.contains("*"));
        assertThat(ArmActions.all()).containsAll(actions);
        // What PullBridge must never be able to do with it: read cluster admin credentials, or write registries.
        assertThat(actions).doesNotContain("Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action",
                "Microsoft.ContainerRegistry/registries/write");
    }

    @Test
    void everyOperationOfTheAzureAdapterNeedsOnlyTheRoleAndTogetherThemAll() {
        AzureRegistryDirectory registries = new AzureRegistryDirectory(clients);
        AzureRegistryTokenStore tokens = new AzureRegistryTokenStore(clients);
        AzureRoleAssignments assignments = new AzureRoleAssignments(clients);
        AzureManagedClusterDirectory managedClusters = new AzureManagedClusterDirectory(clients);
        AzureConnectedClusterDirectory connectedClusters = new AzureConnectedClusterDirectory(clients);
        AzureConnectedRegistries connected = new AzureConnectedRegistries(clients);
        AzureManagedIdentities identities = new AzureManagedIdentities(clients);

        // Registries: read one, discover a subscription's and a resource group's.
        assertThat(registries.read(registry.id())).isPresent();
        assertThat(registries.list(UUID.fromString(SUBSCRIPTION), null)).hasSize(1);
        assertThat(registries.list(UUID.fromString(SUBSCRIPTION), "rg-shared")).hasSize(1);
        // Registry tokens: scope map, token, a password, its slots; then delete both.
        tokens.putScopeMap(registry.id(), "team-a-pull-scope-map", Map.of("team-a/*", List.of("content/read")));
        tokens.putToken(registry.id(), "team-a-pull", "team-a-pull-scope-map");
        GeneratedPassword password = tokens.generatePassword(registry.id(), "team-a-pull", PasswordSlot.PASSWORD1,
                Instant.now().plus(90, ChronoUnit.DAYS));
        assertThat(password.value()).isNotBlank();
        assertThat(tokens.readPasswordSlots(registry.id(), "team-a-pull")).contains(Set.of(PasswordSlot.PASSWORD1));
        tokens.deleteToken(registry.id(), "team-a-pull");
        tokens.deleteScopeMap(registry.id(), "team-a-pull-scope-map");
        // Role assignments: assign (reading the role definition), list, find, remove.
        GraphServicePrincipal principal = emulator.addServicePrincipal("team-a-pull");
        emulator.completePropagation();
        UUID objectId = UUID.fromString(principal.id());
        Assignment assignment = assignments.assign(registry.id(), objectId, PrincipalType.ServicePrincipal,
                AzureRole.ACR_PULL);
        assertThat(assignments.list(registry.id(), objectId)).hasSize(1);
        assertThat(assignments.find(assignment.id())).isPresent();
        assignments.remove(assignment.id());
        // AKS: the managed cluster and its user kubeconfig; Arc: the connected cluster.
        assertThat(managedClusters.read(aks.id())).isPresent();
        assertThat(managedClusters.userKubeconfig(aks.id())).contains("clusters:");
        assertThat(connectedClusters.read(arc.id())).isPresent();
        // Connected registries: sync scope map and token, the connected registry, its extension; then delete all.
        connected.putSyncScopeMap(registry.id(), CR, ConnectedRegistryMode.READ_ONLY, List.of("hello-world"));
        tokens.putToken(registry.id(), ConnectedRegistries.syncTokenName(CR), ConnectedRegistries.syncScopeMapName(CR));
        connected.put(registry.id(), new ConnectedRegistrySettings(CR, ConnectedRegistryMode.READ_ONLY,
                registry.id() + "/tokens/" + CR, null, null, null, null, null, null));
        String syncPassword = tokens.generatePassword(registry.id(), CR, PasswordSlot.PASSWORD1, null).value();
        String gateway = connected.read(registry.id(), CR).orElseThrow().gatewayEndpoint();
        connected.putExtension(arc.id(), CR, ExtensionSettings.of("10.0.0.50",
                ConnectedRegistries.connectionString(CR, CR, syncPassword, gateway)));
        assertThat(connected.readExtension(arc.id(), CR)).isPresent();
        connected.deleteExtension(arc.id(), CR);
        connected.deactivate(registry.id(), CR);
        connected.delete(registry.id(), CR);
        // Workload identity: a user-assigned identity and a federated credential; then delete both.
        String identityId = "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/rg-aks/providers/"
                + "Microsoft.ManagedIdentity/userAssignedIdentities/pullbridge-wi-1";
        identities.ensure(identityId, "westeurope", Map.of("managed-by", "pullbridge"));
        identities.put(identityId, new ManagedIdentities.FederatedCredential("team-a-puller",
                "https://westeurope.oic.prod-aks.azure.com/tenant/issuer/", "system:serviceaccount:team-a:puller",
                List.of(ManagedIdentities.ACR_TOKEN_EXCHANGE_AUDIENCE)));
        assertThat(identities.federatedCredentials(identityId)).hasSize(1);
        identities.remove(identityId, "team-a-puller");
        identities.delete(identityId);

        assertThat(emulator.armActionsRefused(CLIENT_ID)).as("actions the role lacks").isEmpty();
        Set<String> served = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        served.addAll(emulator.armActionsServed(CLIENT_ID));
        assertThat(served).as("the actions the adapter's operations needed, and the role grants")
                .containsExactlyElementsOf(PullBridgeRole.actions());
    }

    @Test
    void anActionTheRoleLacksIsRefusedAsArmWouldAndTheJobSaysWhichPermissionIsMissing() {
        Set<String> lacking = new TreeSet<>(PullBridgeRole.actions());
        lacking.remove("Microsoft.ContainerService/managedClusters/listClusterUserCredential/action");
        emulator.grantOnly(CLIENT_ID, lacking);
        try {
            JobFailure failure = catchThrowableOfType(JobFailure.class,
                    () -> new AzureManagedClusterDirectory(clients).userKubeconfig(aks.id()));

            assertThat(failure.problem().type()).endsWith("/" + AzureFailures.AUTHORIZATION_FAILED);
            assertThat(failure.problem().detail()).contains("listClusterUserCredential/action");
            assertThat(emulator.armActionsRefused(CLIENT_ID))
                    .containsExactly("Microsoft.ContainerService/managedClusters/listClusterUserCredential/action");
        } finally {
            emulator.grantOnly(CLIENT_ID, PullBridgeRole.actions());
        }
    }

    @Test
    void theEmulatedArmServesNoRouteWithoutAnAction() {
        String storageAccount = "/subscriptions/" + SUBSCRIPTION
                + "/resourceGroups/rg-shared/providers/Microsoft.Storage/storageAccounts/pullbridgelogs";

        ManagementException refused = catchThrowableOfType(ManagementException.class,
                () -> clients.subscription(SUBSCRIPTION).resources().serviceClient().getResources()
                        .getByIdWithResponse(storageAccount, "2023-01-01", Context.NONE));

        assertThat(refused.getResponse().getStatusCode()).isEqualTo(400);
        assertThat(refused.getValue().getCode()).isEqualTo("InvalidResourceType");
        assertThat(refused.getValue().getMessage()).contains("ArmActions");
        assertThat(ArmActions.of("GET", storageAccount)).isEmpty();
        assertThat(emulator.armActionsServed(CLIENT_ID)).isEmpty();
    }
}
