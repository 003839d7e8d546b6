package io.pullbridge.bindings;

import io.pullbridge.support.Api;
import io.pullbridge.support.Clusters;
import io.pullbridge.support.IntegrationTest;
import io.pullbridge.support.JobsApi;
import io.pullbridge.support.Registries;
import io.pullbridge.support.azure.AzureEmulator;
import io.pullbridge.support.azure.EmulatedConnectedCluster;
import io.pullbridge.support.azure.EmulatedRegistry;
import io.pullbridge.support.kube.EmulatedCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * A connected-registry delete that waits for its Arc extension to go resumes where it waits: its step list reads like
 * what happened, each step once, the waiting one with the polls it took.
 */
@IntegrationTest
@TestPropertySource(properties = {"pullbridge.bindings.connected-registry.poll-interval=PT0.2S",
        "pullbridge.jobs.initial-backoff=PT0.2S"})
class ConnectedRegistryDeleteStepsIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ObjectMapper json;

    AzureEmulator azure = AzureEmulator.shared();
    EmulatedCluster cluster;
    EmulatedRegistry registry;
    UUID registryId;
    EmulatedConnectedCluster arc;
    UUID clusterId;

    @BeforeEach
    void premiumRegistryAndArcCluster() throws Exception {
        String subscription = UUID.randomUUID().toString();
        azure.addSubscription(subscription).addResourceGroup(subscription, "rg-edge");
        registry = azure.addRegistry(subscription, "rg-edge", "acr" + shortId() + shortId()).sku("Premium")
                .dataEndpointEnabled(true);
        registryId = Registries.registered(mvc, jdbc, registry.id()).id();
        cluster = EmulatedCluster.start("team-a");
        arc = azure.addConnectedCluster(subscription, "rg-edge", "edge-" + shortId());
        var created = Api.admin(mvc).post("/api/v1/clusters", json.writeValueAsString(Map.of("name",
                        "edge-" + shortId(), "kind", "arc", "resourceId", arc.id(), "kubeconfig", cluster.kubeconfig(),
                        "serviceCidr", "10.0.0.0/16")))
                .andExpect(status().isAccepted()).andReturn().getResponse();
        Clusters.awaitEnded(jdbc, Registries.jobOf(created), "succeeded");
        String location = created.getHeader("Location");
        clusterId = UUID.fromString(location.substring(location.lastIndexOf('/') + 1));
    }

    @AfterEach
    void stopCluster() {
        azure.extensionProvisioningReads(1);
        cluster.close();
    }

    @Test
    void aDeleteThatWaitsForTheExtensionListsEachStepOnceAndTheWaitWithItsPolls() throws Exception {
        String name = "edge" + shortId();
        String body = Api.operator(mvc).post("/api/v1/bindings", """
                        {"registryId": "%s", "clusterId": "%s", "method": "connected-registry",
                         "connectedRegistry": {"name": "%s", "repositories": ["hello-world"], "clusterIP": "10.0.0.50",
                                               "secretName": "regcred", "namespaces": ["default", "team-a"]}}"""
                        .formatted(registryId, clusterId, name))
                .andExpect(status().isAccepted())
                .andReturn().getResponse().getContentAsString();
        UUID binding = UUID.fromString(json.readTree(body).get("id").asText());
        JobsApi.awaitLatest(mvc, json, binding, "succeeded", TIMEOUT);

        azure.extensionProvisioningReads(3);
        String deletion = Api.operator(mvc).delete("/api/v1/bindings/" + binding).andExpect(status().isAccepted())
                .andReturn().getResponse().getHeader("Operation-Location");
        JsonNode job = JobsApi.await(mvc, json, deletion, "succeeded", TIMEOUT);

        List<String> names = new ArrayList<>();
        List<String> details = new ArrayList<>();
        job.get("steps").forEach(step -> {
            names.add(step.get("name").asText());
            details.add(step.path("detail").asText());
        });
        assertThat(names).containsExactly("check-references", "remove-secrets", "delete-extension",
                "deactivate-connected-registry", "delete-connected-registry", "delete-tokens", "delete-scope-maps",
                "remove-record");
        assertThat(details).filteredOn(detail -> detail.startsWith("removed secret regcred from"))
                .containsExactly("removed secret regcred from 2 namespaces and the binding's ServiceAccount entries");
        JsonNode waited = job.get("steps").get(names.indexOf("delete-extension"));
        assertThat(waited.get("state").asText()).isEqualTo("succeeded");
        assertThat(waited.get("detail").asText()).isEqualTo("extension " + name.toLowerCase() + " is gone");
        assertThat(waited.get("polls").asInt()).isGreaterThanOrEqualTo(3);
        assertThat(job.get("steps").get(0).has("polls")).isFalse();
        assertThat(azure.extension(arc.id() + "/providers/Microsoft.KubernetesConfiguration/extensions/"
                + name.toLowerCase())).isEmpty();
        for (String namespace : List.of("default", "team-a")) {
            assertThat(cluster.client().secrets().inNamespace(namespace).withName("regcred").get()).isNull();
        }
        Api.reader(mvc).get("/api/v1/bindings/" + binding).andExpect(status().isNotFound());
    }

    private static String shortId() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    }
}
