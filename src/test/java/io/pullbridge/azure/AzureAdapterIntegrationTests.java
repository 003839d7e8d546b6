package io.pullbridge.azure;

import io.pullbridge.clusters.ManagedClusterDirectory;
import io.pullbridge.common.AzureRole;
import io.pullbridge.common.RoleAssignments;
import io.pullbridge.principals.EntraDirectory;
import io.pullbridge.registries.RegistryDirectory;
import io.pullbridge.registries.RegistryTokenStore;
import io.pullbridge.support.IntegrationTest;
import io.pullbridge.support.TestPlatform;
import io.pullbridge.support.azure.AzureEmulator;
import io.pullbridge.support.azure.EmulatedRegistry;
import io.pullbridge.support.azure.GraphServicePrincipal;
import io.pullbridge.support.azure.RecordedRequest;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/** The application's Azure ports are the adapter, pointed by the test platform at the shared Azure emulator. */
@IntegrationTest
class AzureAdapterIntegrationTests {

    private static final String SUBSCRIPTION = "44444444-4444-4444-4444-444444444444";

    @Autowired
    private RegistryDirectory registries;
    @Autowired
    private RegistryTokenStore tokens;
    @Autowired
    private EntraDirectory entra;
    @Autowired
    private RoleAssignments roleAssignments;
    @Autowired
    private ManagedClusterDirectory clusters;

    private AzureEmulator azure;

    @BeforeEach
    void resetAzure() {
        azure = TestPlatform.resetAzure();
    }

    @Test
    void thePortsAreTheAzureAdapter() {
        assertThat(registries).isInstanceOf(AzureRegistryDirectory.class);
        assertThat(tokens).isInstanceOf(AzureRegistryTokenStore.class);
        assertThat(entra).isInstanceOf(AzureEntraDirectory.class);
        assertThat(roleAssignments).isInstanceOf(AzureRoleAssignments.class);
        assertThat(clusters).isInstanceOf(AzureManagedClusterDirectory.class);
    }

    @Test
    void readsFromTheEmulatorAsTheTestPlatformsClientAndKeepsWorkingAfterAReset() {
        EmulatedRegistry registry = azure.addRegistry(SUBSCRIPTION, "rg1", "wiredregistry");

        assertThat(registries.read(registry.id())).hasValueSatisfying(facts ->
                assertThat(facts.loginServer()).isEqualTo("wiredregistry.azurecr.io"));

        azure = TestPlatform.resetAzure();
        EmulatedRegistry again = azure.addRegistry(SUBSCRIPTION, "rg1", "wiredregistry");
        GraphServicePrincipal principal = azure.addServicePrincipal("wired");
        roleAssignments.assign(again.id(), UUID.fromString(principal.id()),
                RoleAssignments.PrincipalType.ServicePrincipal, AzureRole.ACR_PULL);

        assertThat(azure.roleAssignmentsOf(principal.id())).hasSize(1);
        assertThat(azure.requests()).isNotEmpty().allSatisfy(request -> {
            assertThat(request.clientId()).isEqualTo(TestPlatform.AZURE_CLIENT_ID);
            assertThat(request.status()).isLessThan(400);
        });
        assertThat(azure.requests()).extracting(RecordedRequest::line).last().asString()
                .startsWith("PUT " + again.id() + "/providers/Microsoft.Authorization/roleAssignments/");
    }
}
