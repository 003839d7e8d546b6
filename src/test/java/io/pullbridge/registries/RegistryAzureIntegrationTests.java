package io.pullbridge.registries;

import io.pullbridge.support.Api;
import io.pullbridge.support.IntegrationTest;
import io.pullbridge.support.azure.AzureEmulator;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** Registering and discovering registries reads them from Azure (the emulator) through the real SDK. */
@IntegrationTest
class RegistryAzureIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    AzureEmulator azure = AzureEmulator.shared();

    @Test
    void aRegisteredRegistryIsReadFromAzureAndShowsWhatAzureSays() throws Exception {
        String subscription = UUID.randomUUID().toString();
        azure.addSubscription(subscription).addResourceGroup(subscription, "rg-shared");
        azure.addRegistry(subscription, "rg-shared", "contosoacr").sku("Premium").location("westeurope")
                .abacEnabled(true).dataEndpointEnabled(true);
        String resourceId = "/subscriptions/" + subscription + "/resourceGroups/rg-shared/providers/"
                + "Microsoft.ContainerRegistry/registries/contosoacr";

        var created = Api.operator(mvc).post("/api/v1/registries", "{\"resourceId\": \"" + resourceId + "\"}")
                .andExpect(status().isAccepted())
                .andExpect(header().string("Operation-Location", startsWith("/api/v1/jobs/")))
                .andReturn().getResponse();
        String location = created.getHeader("Location");
        String job = created.getHeader("Operation-Location");

        awaitJob(job, "succeeded");
        Api.reader(mvc).get(location)
                .andExpect(jsonPath("$.status.phase").value("Ready"))
                .andExpect(jsonPath("$.status.sku").value("Premium"))
                .andExpect(jsonPath("$.status.location").value("westeurope"))
                .andExpect(jsonPath("$.status.abacEnabled").value(true))
                .andExpect(jsonPath("$.status.dataEndpointEnabled").value(true))
                .andExpect(jsonPath("$.status.jobId").value(job.substring(job.lastIndexOf('/') + 1)))
                .andExpect(jsonPath("$.loginServer").value("contosoacr.azurecr.io"));
        Api.reader(mvc).get(job)
                .andExpect(jsonPath("$.steps[*].name", containsInAnyOrder("read-registry", "record")));
        assertThat(azure.callLines()).anySatisfy(line -> assertThat(line)
                .contains("GET /subscriptions/" + subscription + "/resourceGroups/rg-shared/providers/"
                        + "Microsoft.ContainerRegistry/registries/contosoacr")
                .contains("api-version=2025-11-01"));
    }

    @Test
    void aRegistryAzureDoesNotHaveFailsAndSaysWhy() throws Exception {
        String subscription = UUID.randomUUID().toString();
        azure.addSubscription(subscription).addResourceGroup(subscription, "rg-shared");
        String resourceId = "/subscriptions/" + subscription + "/resourceGroups/rg-shared/providers/"
                + "Microsoft.ContainerRegistry/registries/missingacr";

        var created = Api.operator(mvc).post("/api/v1/registries", "{\"resourceId\": \"" + resourceId + "\"}")
                .andExpect(status().isAccepted()).andReturn().getResponse();
        String job = created.getHeader("Operation-Location");

        awaitJob(job, "failed");
        Api.reader(mvc).get(job)
                .andExpect(jsonPath("$.failureClass").value("permanent"))
                .andExpect(jsonPath("$.lastError.type").value("https://pullbridge.io/problems/azure-registry-not-found"))
                .andExpect(jsonPath("$.lastError.detail").value(containsString("subscription " + subscription)));
        Api.reader(mvc).get(created.getHeader("Location"))
                .andExpect(jsonPath("$.status.phase").value("Failed"))
                .andExpect(jsonPath("$.status.message").value(containsString("missingacr")));
    }

    @Test
    void aThrottledReadIsRetriedAfterRetryAfter() throws Exception {
        String subscription = UUID.randomUUID().toString();
        azure.addSubscription(subscription).addResourceGroup(subscription, "rg-shared");
        azure.addRegistry(subscription, "rg-shared", "throttledacr").sku("Standard").location("northeurope");
        // Longer than the adapter's in-place wait (pullbridge.azure.retry.max-delay, 4s): the SDK does not wait
        // in place, the failure goes back to the job engine, which runs the job again once Retry-After passed.
        azure.throttleNext(1, "GET", "/registries/throttledacr", Duration.ofSeconds(5));
        String resourceId = "/subscriptions/" + subscription + "/resourceGroups/rg-shared/providers/"
                + "Microsoft.ContainerRegistry/registries/throttledacr";

        String job = Api.operator(mvc).post("/api/v1/registries", "{\"resourceId\": \"" + resourceId + "\"}")
                .andExpect(status().isAccepted()).andReturn().getResponse().getHeader("Operation-Location");

        awaitJob(job, "succeeded");
        Api.reader(mvc).get(job)
                .andExpect(jsonPath("$.failedAttempts").value(1))
                .andExpect(jsonPath("$.attempts").value(2));
    }

    @Test
    void discoveryRegistersTheRegistriesPullBridgeDoesNotKnowYet() throws Exception {
        String subscription = UUID.randomUUID().toString();
        azure.addSubscription(subscription).addResourceGroup(subscription, "rg-a").addResourceGroup(subscription, "rg-b");
        azure.addRegistry(subscription, "rg-a", "knownacr").sku("Basic").location("westeurope");
        azure.addRegistry(subscription, "rg-a", "newacrone").sku("Premium").location("westeurope");
        azure.addRegistry(subscription, "rg-b", "newacrtwo").sku("Standard").location("eastus");
        String known = "/subscriptions/" + subscription + "/resourceGroups/rg-a/providers/"
                + "Microsoft.ContainerRegistry/registries/knownacr";
        String knownJob = Api.operator(mvc).post("/api/v1/registries", "{\"resourceId\": \"" + known + "\"}")
                .andExpect(status().isAccepted()).andReturn().getResponse().getHeader("Operation-Location");
        awaitJob(knownJob, "succeeded");

        String job = Api.operator(mvc).post("/api/v1/registries:discover", "{\"subscriptionId\": \"" + subscription + "\"}")
                .andExpect(status().isAccepted())
                .andExpect(header().string("Operation-Location", startsWith("/api/v1/jobs/")))
                .andExpect(jsonPath("$.type").value("registry.discover"))
                .andExpect(jsonPath("$.target.kind").value("subscription"))
                .andReturn().getResponse().getHeader("Operation-Location");

        awaitJob(job, "succeeded");
        Api.reader(mvc).get(job).andExpect(jsonPath("$.steps[1].detail").value("2 registered, 1 already known"));
        Api.reader(mvc).get("/api/v1/registries?subscriptionId=" + subscription)
                .andExpect(jsonPath("$.items", hasSize(3)))
                .andExpect(jsonPath("$.items[*].name", containsInAnyOrder("knownacr", "newacrone", "newacrtwo")))
                .andExpect(jsonPath("$.items[*].status.phase", containsInAnyOrder("Ready", "Ready", "Ready")));
        Api.reader(mvc).get("/api/v1/registries?subscriptionId=" + subscription + "&name=newacrtwo")
                .andExpect(jsonPath("$.items[0].status.sku").value("Standard"))
                .andExpect(jsonPath("$.items[0].status.location").value("eastus"))
                .andExpect(jsonPath("$.items[0].resourceGroup").value("rg-b"));
    }

    @Test
    void discoveryCanBeLimitedToAResourceGroupAndRefusesBadInput() throws Exception {
        String subscription = UUID.randomUUID().toString();
        azure.addSubscription(subscription).addResourceGroup(subscription, "rg-a").addResourceGroup(subscription, "rg-b");
        azure.addRegistry(subscription, "rg-a", "onlyacra").sku("Basic").location("westeurope");
        azure.addRegistry(subscription, "rg-b", "notacrb").sku("Basic").location("westeurope");

        String job = Api.operator(mvc).post("/api/v1/registries:discover",
                        "{\"subscriptionId\": \"" + subscription + "\", \"resourceGroup\": \"rg-a\"}")
                .andExpect(status().isAccepted()).andReturn().getResponse().getHeader("Operation-Location");
        awaitJob(job, "succeeded");
        Api.reader(mvc).get("/api/v1/registries?subscriptionId=" + subscription)
                .andExpect(jsonPath("$.items", hasSize(1)))
                .andExpect(jsonPath("$.items[0].name").value("onlyacra"));

        Api.operator(mvc).post("/api/v1/registries:discover", "{\"resourceGroup\": \"rg.\"}")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[*].field", containsInAnyOrder("subscriptionId", "resourceGroup")));
        Api.reader(mvc).post("/api/v1/registries:discover", "{\"subscriptionId\": \"" + subscription + "\"}")
                .andExpect(status().isForbidden());
    }

    private void awaitJob(String jobLocation, String state) {
        UUID id = UUID.fromString(jobLocation.substring(jobLocation.lastIndexOf('/') + 1));
        await("job " + id + " " + state).atMost(TIMEOUT).until(() -> state.equals(
                jdbc.sql("select state from jobs where id = ?").param(id).query(String.class).single()));
    }
}
