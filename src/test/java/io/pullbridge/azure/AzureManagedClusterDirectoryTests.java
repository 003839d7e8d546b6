package io.pullbridge.azure;

import io.pullbridge.clusters.ManagedClusterDirectory.KubeletIdentity;
import io.pullbridge.clusters.ManagedClusterDirectory.ManagedClusterFacts;
import io.pullbridge.jobs.JobFailure;
import io.pullbridge.support.azure.AzureEmulator;
import io.pullbridge.support.azure.EmulatedManagedCluster;
import io.pullbridge.support.azure.GraphServicePrincipal;
import java.util.UUID;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.pullbridge.azure.AzureTestSupport.CLIENT_ID;
import static io.pullbridge.azure.AzureTestSupport.CLIENT_SECRET;
import static io.pullbridge.azure.AzureTestSupport.SUBSCRIPTION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** AKS clusters: kubelet identity and user kubeconfig, asserted call by call against the Azure emulator. */
class AzureManagedClusterDirectoryTests {

    private static final String KUBELET_CLIENT = "55555555-5555-5555-5555-555555555555";
    private static final String KUBELET_OBJECT = "33333333-3333-3333-3333-333333333333";

    @AutoClose
    private static final AzureEmulator emulator = AzureEmulator.start();

    private AzureManagedClusterDirectory clusters;

    @BeforeEach
    void seed() {
        emulator.reset();
        emulator.registerPullBridge(CLIENT_ID, CLIENT_SECRET);
        clusters = new AzureManagedClusterDirectory(AzureTestSupport.clients(emulator));
    }

    @Test
    void readsTheKubeletManagedIdentityWithOneGet() {
        EmulatedManagedCluster aks = emulator.addManagedCluster(SUBSCRIPTION, "rg1", "aks1")
                .kubeletIdentity(KUBELET_CLIENT, KUBELET_OBJECT).kubernetesVersion("1.33.2").location("westeurope");

        ManagedClusterFacts facts = clusters.read(aks.id()).orElseThrow();

        assertThat(facts).isEqualTo(new ManagedClusterFacts(aks.id(), "1.33.2", "westeurope",
                new KubeletIdentity(UUID.fromString(KUBELET_OBJECT), UUID.fromString(KUBELET_CLIENT), false)));
        assertThat(emulator.callLines()).containsExactly("GET " + aks.id() + "?api-version=2025-09-01");
    }

    @Test
    void resolvesAServicePrincipalClustersClientIdToItsObjectIdThroughGraph() {
        GraphServicePrincipal principal = emulator.addServicePrincipal("aks2-sp");
        EmulatedManagedCluster aks = emulator.addManagedCluster(SUBSCRIPTION, "rg1", "aks2")
                .servicePrincipal(principal.appId());

        ManagedClusterFacts facts = clusters.read(aks.id()).orElseThrow();

        assertThat(facts.kubeletIdentity()).isEqualTo(new KubeletIdentity(UUID.fromString(principal.id()),
                UUID.fromString(principal.appId()), true));
        assertThat(emulator.callLines()).containsExactly(
                "GET " + aks.id() + "?api-version=2025-09-01",
                "GET /v1.0/servicePrincipals?$filter=appId eq '" + principal.appId() + "'");
    }

    @Test
    void aServicePrincipalClusterWhosePrincipalIsNotInTheDirectoryIsNotFound() {
        String unknownClient = UUID.randomUUID().toString();
        EmulatedManagedCluster aks = emulator.addManagedCluster(SUBSCRIPTION, "rg1", "aks3")
                .servicePrincipal(unknownClient);

        JobFailure failure = catchThrowableOfType(JobFailure.class, () -> clusters.read(aks.id()));

        assertThat(failure.problem().type()).isEqualTo("https://pullbridge.io/problems/azure-not-found");
        assertThat(failure.problem().detail()).contains(unknownClient);
    }

    @Test
    void aMissingClusterIsEmptyAndItsKubeconfigNotFound() {
        String missing = "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/rg1/providers/"
                + "Microsoft.ContainerService/managedClusters/nosuchcluster";

        assertThat(clusters.read(missing)).isEmpty();
        JobFailure failure = catchThrowableOfType(JobFailure.class, () -> clusters.userKubeconfig(missing));

        assertThat(failure.problem().type()).isEqualTo("https://pullbridge.io/problems/azure-not-found");
        assertThat(failure.isTransient()).isFalse();
        assertThat(failure.problem().remoteRequestId()).isNotBlank();
    }

    @Test
    void fetchesTheUserKubeconfig() {
        String kubeconfig = "apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user:\n    token: s3cret-token\n";
        EmulatedManagedCluster aks = emulator.addManagedCluster(SUBSCRIPTION, "rg1", "aks1")
                .userKubeconfig(kubeconfig);

        assertThat(clusters.userKubeconfig(aks.id())).isEqualTo(kubeconfig);
        assertThat(emulator.callLines()).containsExactly(
                "POST " + aks.id() + "/listClusterUserCredential?api-version=2025-09-01");
    }

    @Test
    void aCallerDeniedTheUserCredentialGetsAnAuthorizationFailureWithoutTheKubeconfig() {
        String kubeconfig = "apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user:\n    token: s3cret-token\n";
        EmulatedManagedCluster aks = emulator.addManagedCluster(SUBSCRIPTION, "rg1", "aks1")
                .userKubeconfig(kubeconfig);
        emulator.denyAction(CLIENT_ID, "Microsoft.ContainerService/managedClusters/listClusterUserCredential/action",
                aks.id());

        JobFailure failure = catchThrowableOfType(JobFailure.class, () -> clusters.userKubeconfig(aks.id()));

        assertThat(failure.problem().type()).isEqualTo("https://pullbridge.io/problems/azure-authorization-failed");
        assertThat(failure.problem().detail())
                .contains("'Microsoft.ContainerService/managedClusters/listClusterUserCredential/action'")
                .doesNotContain("s3cret-token");
    }
}
