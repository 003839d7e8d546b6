package io.pullbridge.web;

import io.pullbridge.generated.client.ApiClient;
import io.pullbridge.generated.client.ApiException;
import io.pullbridge.generated.client.api.BindingsApi;
import io.pullbridge.generated.client.api.ClustersApi;
import io.pullbridge.generated.client.api.JobsApi;
import io.pullbridge.generated.client.api.RegistriesApi;
import io.pullbridge.generated.client.api.RegistryTokensApi;
import io.pullbridge.generated.client.model.BindingResponse;
import io.pullbridge.generated.client.model.ClusterResponse;
import io.pullbridge.generated.client.model.CreateBindingRequest;
import io.pullbridge.generated.client.model.CreateClusterRequest;
import io.pullbridge.generated.client.model.CreateRegistryRequest;
import io.pullbridge.generated.client.model.CreateRegistryTokenRequest;
import io.pullbridge.generated.client.model.CredentialReference;
import io.pullbridge.generated.client.model.JobResponse;
import io.pullbridge.generated.client.model.PullSecretOptions;
import io.pullbridge.generated.client.model.RegistryResponse;
import io.pullbridge.generated.client.model.RegistryTokenResponse;
import io.pullbridge.support.Registries;
import io.pullbridge.support.TestPlatform;
import io.pullbridge.support.TestTokens;
import io.pullbridge.support.kube.EmulatedCluster;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A Java client generated from the committed contract ({@code openapi/openapi.yaml}, by openapi-generator in the
 * {@code generated-client} Maven profile) drives the running application over HTTP, the way a portal would: a
 * registry, a registry token, a cluster and a pull-secret binding each reach {@code Ready} through its typed calls,
 * and its typed answers carry what the API returned. A contract that declares no success body, or a wrong one, fails
 * here: the generated call returns nothing, or cannot read the answer.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "management.server.port=0")
@ContextConfiguration(initializers = TestPlatform.class)
class GeneratedClientIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String READY = "Ready";

    @LocalServerPort
    int port;

    EmulatedCluster cluster;

    @BeforeEach
    void startCluster() {
        cluster = EmulatedCluster.start("team-a", "team-b");
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    @Test
    void aGeneratedClientDrivesARegistryAClusterAndAPullSecretBindingToReady() throws Exception {
        ApiClient operator = client(TestTokens.instance().token("portal-operator", "Operator"));
        ApiClient admin = client(TestTokens.instance().token("portal-admin", "Admin"));
        RegistriesApi registries = new RegistriesApi(operator);
        RegistryTokensApi tokens = new RegistryTokensApi(operator);
        ClustersApi clusters = new ClustersApi(admin);
        BindingsApi bindings = new BindingsApi(operator);
        JobsApi jobs = new JobsApi(operator);
        String ticket = "PORTAL-" + UUID.randomUUID().toString().substring(0, 8);
        String resourceId = Registries.seeded();

        RegistryResponse registry = registries.createRegistry(new CreateRegistryRequest().resourceId(resourceId),
                ticket, null);
        assertThat(registry.getResourceId()).isEqualTo(resourceId);
        RegistryResponse ready = awaitReady(() -> registries.getRegistry(registry.getId()),
                answer -> answer.getStatus().getPhase().getValue());
        assertThat(ready.getLoginServer()).endsWith(".azurecr.io");

        RegistryTokenResponse token = tokens.createRegistryToken(registry.getId(), new CreateRegistryTokenRequest()
                .name("portal-pull").putRepositoriesItem("team-a/*", List.of("content/read", "metadata/read")),
                ticket, null);
        RegistryTokenResponse tokenReady = awaitReady(() -> tokens.getRegistryToken(registry.getId(), token.getId()),
                answer -> answer.getStatus().getPhase().getValue());
        assertThat(tokenReady.getCredential().getFingerprint()).startsWith("sha256:");

        ClusterResponse created = clusters.createCluster(new CreateClusterRequest().name("portal-" + ticket
                .toLowerCase().substring(7)).kind(CreateClusterRequest.KindEnum.KUBECONFIG)
                .kubeconfig(cluster.kubeconfig()), ticket, null);
        ClusterResponse clusterReady = awaitReady(() -> clusters.getCluster(created.getId()),
                answer -> answer.getStatus().getPhase().getValue());
        assertThat(clusterReady.getKind()).isEqualTo(ClusterResponse.KindEnum.KUBECONFIG);

        BindingResponse binding = bindings.createBinding(new CreateBindingRequest()
                .registryId(registry.getId()).clusterId(created.getId())
                .method(CreateBindingRequest.MethodEnum.PULL_SECRET)
                .pullSecret(new PullSecretOptions().credential(new CredentialReference().tokenId(token.getId()))
                        .secretName("portal-secret").namespaces(List.of("team-a", "team-b"))), ticket, null);
        BindingResponse bound = awaitReady(() -> bindings.getBinding(binding.getId()),
                answer -> answer.getStatus().getPhase().getValue());
        assertThat(bound.getPullSecret().getSecretName()).isEqualTo("portal-secret");
        assertThat(cluster.client().secrets().inNamespace("team-b").withName("portal-secret").get().getType())
                .isEqualTo("kubernetes.io/dockerconfigjson");

        // The ticket found again through the typed list, and the job read through the typed call.
        List<JobResponse> ticketed = jobs.listJobs(null, null, null, null, ticket, null, "desc", null).getItems();
        assertThat(ticketed).extracting(JobResponse::getType).contains("registry.create", "registry-token.create",
                "cluster.connect", "binding.apply");
        assertThat(ticketed).allSatisfy(job -> assertThat(job.getCorrelationId()).isEqualTo(ticket));
        assertThat(jobs.getJob(bound.getStatus().getJobId()).getState().getValue()).isEqualTo("succeeded");

        // An error is the documented problem document.
        assertThatExceptionOfType(ApiException.class).isThrownBy(() -> bindings.getBinding(UUID.randomUUID()))
                .satisfies(e -> {
                    assertThat(e.getCode()).isEqualTo(404);
                    assertThat(e.getResponseBody()).contains("\"type\":\"https://pullbridge.io/problems/not-found\"");
                });
    }

    private ApiClient client(String bearerToken) {
        ApiClient client = new ApiClient();
        client.updateBaseUri("http://localhost:" + port);
        client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + bearerToken));
        return client;
    }

    private static <T> T awaitReady(Callable<T> read, Function<T, String> phase) {
        return await().atMost(TIMEOUT).until(read, answer -> {
            String current = phase.apply(answer);
            assertThat(current).as("phase of %s", answer).isNotEqualTo("Failed");
            return READY.equals(current);
        });
    }
}
