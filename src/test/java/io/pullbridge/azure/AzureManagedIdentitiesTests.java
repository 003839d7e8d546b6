package io.pullbridge.azure;

import io.pullbridge.clusters.ManagedClusterDirectory.ManagedClusterFacts;
import io.pullbridge.common.AzureRole;
import io.pullbridge.common.ManagedIdentities.FederatedCredential;
import io.pullbridge.common.ManagedIdentities.Identity;
import io.pullbridge.common.RoleAssignments.PrincipalType;
import io.pullbridge.jobs.JobFailure;
import io.pullbridge.support.azure.AzureEmulator;
import io.pullbridge.support.azure.EmulatedConnectedCluster;
import io.pullbridge.support.azure.EmulatedFederatedCredential;
import io.pullbridge.support.azure.EmulatedIdentity;
import io.pullbridge.support.azure.EmulatedManagedCluster;
import io.pullbridge.support.azure.EmulatedRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.pullbridge.azure.AzureTestSupport.CLIENT_ID;
import static io.pullbridge.azure.AzureTestSupport.CLIENT_SECRET;
import static io.pullbridge.azure.AzureTestSupport.SUBSCRIPTION;
import static io.pullbridge.common.ManagedIdentities.ACR_TOKEN_EXCHANGE_AUDIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The Azure side of workload-identity bindings against the emulator: user-assigned identities, federated credentials
 * with Entra's rules, and the OIDC issuers of AKS and Arc clusters, call by call.
 */
class AzureManagedIdentitiesTests {

    private static final String ISSUER = "https://westeurope.oic.prod-aks.azure.com/tenant-1/issuer-1/";
    private static final String IDENTITY = "/subscriptions/" + SUBSCRIPTION
            + "/resourceGroups/rg-identities/providers/Microsoft.ManagedIdentity/userAssignedIdentities/pb-wi-prod";
    private static final String API = "?api-version=2024-11-30";

    @AutoClose
    private static final AzureEmulator emulator = AzureEmulator.start();

    private AzureManagedIdentities identities;
    private AzureClients clients;

    @BeforeEach
    void seed() {
        emulator.reset();
        emulator.registerPullBridge(CLIENT_ID, CLIENT_SECRET);
        emulator.addResourceGroup(SUBSCRIPTION, "rg-identities");
        clients = AzureTestSupport.clients(emulator);
        identities = new AzureManagedIdentities(clients);
    }

    @Test
    void ensureCreatesTheIdentityOnceAndThenOnlyReadsIt() {
        Identity made = identities.ensure(IDENTITY, "westeurope", Map.of("app.kubernetes.io/managed-by", "pullbridge"));
        Identity again = identities.ensure(IDENTITY, "northeurope", Map.of());

        EmulatedIdentity emulated = emulator.userAssignedIdentity(IDENTITY).orElseThrow();
        assertThat(made.clientId()).hasToString(emulated.clientId());
        assertThat(made.principalId()).hasToString(emulated.principalId());
        assertThat(made.tenantId()).hasToString(emulator.tenantId());
        assertThat(again).isEqualTo(made);
        assertThat(emulated.tags()).containsEntry("app.kubernetes.io/managed-by", "pullbridge");
        assertThat(emulator.callLines()).containsExactly("GET " + IDENTITY + API, "PUT " + IDENTITY + API,
                "GET " + IDENTITY + API);
    }

    @Test
    void theIdentitysPrincipalCanBeGrantedAcrPullAtOnce() {
        EmulatedRegistry registry = emulator.addRegistry(SUBSCRIPTION, "rg-shared", "contosoacr");
        Identity made = identities.ensure(IDENTITY, "westeurope", Map.of());

        new AzureRoleAssignments(clients).assign(registry.id(), made.principalId(), PrincipalType.ServicePrincipal,
                AzureRole.ACR_PULL);

        assertThat(emulator.roleAssignmentsOf(made.principalId().toString())).hasSize(1);
    }

    @Test
    void federatedCredentialsAreWrittenListedAndRemovedAndAMissingOneIsNoError() {
        identities.ensure(IDENTITY, "westeurope", Map.of());
        FederatedCredential wanted = new FederatedCredential("team-a-puller", ISSUER,
                "system:serviceaccount:team-a:puller", List.of(ACR_TOKEN_EXCHANGE_AUDIENCE));

        assertThat(identities.put(IDENTITY, wanted)).isEqualTo(wanted);
        assertThat(identities.federatedCredentials(IDENTITY)).containsExactly(wanted);
        assertThat(emulator.userAssignedIdentity(IDENTITY).orElseThrow().credentials()).containsExactly(
                new EmulatedFederatedCredential("team-a-puller", ISSUER, "system:serviceaccount:team-a:puller",
                        List.of(ACR_TOKEN_EXCHANGE_AUDIENCE)));

        identities.remove(IDENTITY, "team-a-puller");
        identities.remove(IDENTITY, "team-a-puller");
        assertThat(identities.federatedCredentials(IDENTITY)).isEmpty();

        identities.delete(IDENTITY);
        identities.delete(IDENTITY);
        assertThat(identities.find(IDENTITY)).isEmpty();
        assertThat(emulator.userAssignedIdentity(IDENTITY)).isEmpty();
    }

    @Test
    void aWriteThatOverlapsAnotherOnTheSameIdentityIsTransientSoTheJobRetriesIt() {
        identities.ensure(IDENTITY, "westeurope", Map.of());
        emulator.federatedCredentialWriteTime(Duration.ofMinutes(5));
        identities.put(IDENTITY, credential("first"));

        JobFailure busy = catchThrowableOfType(JobFailure.class, () -> identities.put(IDENTITY, credential("second")));

        assertThat(busy.isTransient()).isTrue();
        assertThat(busy.problem().type()).endsWith("/" + AzureFailures.CONFLICT);
        assertThat(busy.problem().detail()).contains("ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity")
                .contains("federated credential second");
        assertThat(identities.federatedCredentials(IDENTITY)).extracting(FederatedCredential::name)
                .containsExactly("first");
    }

    @Test
    void entraRefusesATwentyFirstCredentialAndASecondCredentialForTheSameSubject() {
        identities.ensure(IDENTITY, "westeurope", Map.of());
        for (int i = 0; i < 20; i++) {
            identities.put(IDENTITY, credential("sa-" + i));
        }

        JobFailure full = catchThrowableOfType(JobFailure.class, () -> identities.put(IDENTITY, credential("sa-20")));
        JobFailure twice = catchThrowableOfType(JobFailure.class, () -> identities.put(IDENTITY,
                new FederatedCredential("other-name", ISSUER, "system:serviceaccount:team-a:sa-3",
                        List.of(ACR_TOKEN_EXCHANGE_AUDIENCE))));

        assertThat(full.isTransient()).isFalse();
        assertThat(full.problem().detail()).contains("maximum number of federated identity credentials (20)");
        assertThat(twice.isTransient()).isFalse();
        assertThat(twice.problem().detail()).contains("Issuer and subject combination already exists");
        assertThat(identities.federatedCredentials(IDENTITY)).hasSize(20);
    }

    @Test
    void aksAndArcClustersReportTheirOidcIssuerOnlyWhenItIsEnabled() {
        EmulatedManagedCluster withIssuer = emulator.addManagedCluster(SUBSCRIPTION, "rg-aks", "aks-wi")
                .oidcIssuer(ISSUER);
        EmulatedManagedCluster without = emulator.addManagedCluster(SUBSCRIPTION, "rg-aks", "aks-plain");
        EmulatedConnectedCluster arc = emulator.addConnectedCluster(SUBSCRIPTION, "rg-edge", "edge-wi")
                .oidcIssuer("https://oidcdiscovery-northeurope.azurefd.net/arc-1/");
        AzureManagedClusterDirectory aks = new AzureManagedClusterDirectory(clients);
        AzureConnectedClusterDirectory connected = new AzureConnectedClusterDirectory(clients);

        assertThat(aks.read(withIssuer.id()).map(ManagedClusterFacts::oidcIssuerUrl)).contains(ISSUER);
        assertThat(aks.read(without.id()).orElseThrow().oidcIssuerUrl()).isNull();
        assertThat(connected.read(arc.id()).orElseThrow().oidcIssuerUrl())
                .isEqualTo("https://oidcdiscovery-northeurope.azurefd.net/arc-1/");
        assertThat(connected.read(emulator.addConnectedCluster(SUBSCRIPTION, "rg-edge", "edge-plain").id())
                .orElseThrow().oidcIssuerUrl()).isNull();
    }

    @Test
    void anIdentityIdOfAnotherTypeIsRefusedBeforeAnyCall() {
        String registry = "/subscriptions/" + SUBSCRIPTION
                + "/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/contosoacr";

        assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> identities.find(registry)))
                .hasMessageContaining("Microsoft.ManagedIdentity/userAssignedIdentities");
        assertThat(emulator.callLines()).isEmpty();
    }

    private static FederatedCredential credential(String serviceAccount) {
        return new FederatedCredential(serviceAccount, ISSUER, "system:serviceaccount:team-a:" + serviceAccount,
                List.of(ACR_TOKEN_EXCHANGE_AUDIENCE));
    }
}
