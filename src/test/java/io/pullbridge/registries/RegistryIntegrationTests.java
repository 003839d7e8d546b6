package io.pullbridge.registries;

import io.pullbridge.support.Api;
import io.pullbridge.support.DeleteJobs;
import io.pullbridge.support.IntegrationTest;
import io.pullbridge.support.Registries;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

@IntegrationTest
class RegistryIntegrationTests {

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @Test
    void registersAReadsAndDeletesARegistry() throws Exception {
        Api api = Api.operator(mvc);
        String subscription = UUID.randomUUID().toString();
        Registries.seeded(subscription, "rg-shared", "ContosoAcr01");
        var created = api.post("/api/v1/registries", """
                        {"resourceId": "/subscriptions/%s/resourcegroups/rg-shared/providers/microsoft.containerregistry/registries/ContosoAcr01"}"""
                        .formatted(subscription.toUpperCase(Locale.ROOT)))
                .andExpect(status().isAccepted())
                .andExpect(header().string("Location", startsWith("/api/v1/registries/")))
                .andExpect(header().string("ETag", "\"0\""))
                .andExpect(jsonPath("$.name").value("ContosoAcr01"))
                .andExpect(jsonPath("$.loginServer").value("contosoacr01.azurecr.io"))
                .andExpect(jsonPath("$.subscriptionId").value(subscription))
                .andExpect(jsonPath("$.resourceGroup").value("rg-shared"))
                .andExpect(jsonPath("$.resourceId").value("/subscriptions/" + subscription + "/resourceGroups/rg-shared/providers/Microsoft.ContainerRegistry/registries/ContosoAcr01"))
                .andExpect(jsonPath("$.tenantId").value("72f988bf-86f1-41af-91ab-2d7cd011db47"))
                .andExpect(jsonPath("$.status.phase").value("Pending"))
                .andReturn().getResponse();
        String location = created.getHeader("Location");
        UUID id = UUID.fromString(location.substring(location.lastIndexOf('/') + 1));

        // Its create job reads it from Azure, which moves the row (and its ETag) on.
        Registries.awaitSucceeded(jdbc, Registries.jobOf(created));
        long version = jdbc.sql("select version from registries where id = ?").param(id).query(Long.class).single();
        assertThat(version).isPositive();
        Api.reader(mvc).get(location)
                .andExpect(status().isOk())
                .andExpect(header().string("ETag", "\"" + version + "\""))
                .andExpect(jsonPath("$.name").value("ContosoAcr01"))
                .andExpect(jsonPath("$.status.phase").value("Ready"));

        UUID job = DeleteJobs.accepted(api.delete(location)
                .andExpect(header().string("ETag", "\"" + (version + 1) + "\"")));
        Api.reader(mvc).get("/api/v1/jobs/" + job)
                .andExpect(jsonPath("$.type").value("registry.delete"))
                .andExpect(jsonPath("$.target.id").value(id.toString()));
        DeleteJobs.awaitSucceeded(jdbc, job);
        assertThat(jdbc.sql("select count(*) from registries where id = ?").param(id).query(Long.class).single())
                .isZero();
        Api.reader(mvc).get(location)
                .andExpect(status().isNotFound())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value("https://pullbridge.io/problems/not-found"));
    }

    @Test
    void refusesAnInvalidResourceIdAndStoresNothing() throws Exception {
        Timestamp since = Timestamp.from(Instant.now());
        Api.operator(mvc).post("/api/v1/registries", """
                        {"resourceId": "/subscriptions/not-a-guid/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/abc"}""")
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value("https://pullbridge.io/problems/validation-failed"))
                .andExpect(jsonPath("$.errors", hasSize(1)))
                .andExpect(jsonPath("$.errors[0].field").value("resourceId"));
        assertThat(jdbc.sql("select count(*) from registries where created_at >= ?").param(since)
                .query(Long.class).single()).as("registries stored since the refused request").isZero();
    }
}
