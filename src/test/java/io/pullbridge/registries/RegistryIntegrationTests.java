package io.pullbridge.registries;

import io.pullbridge.support.Api;
import io.pullbridge.support.IntegrationTest;
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
        String location = api.post("/api/v1/registries", """
                        {"resourceId": "/subscriptions/1D3C5A4B-0000-4000-8000-000000000001/resourcegroups/rg-shared/providers/microsoft.containerregistry/registries/ContosoAcr01"}""")
                .andExpect(status().isAccepted())
                .andExpect(header().string("Location", startsWith("/api/v1/registries/")))
                .andExpect(header().string("ETag", "\"0\""))
                .andExpect(jsonPath("$.name").value("ContosoAcr01"))
                .andExpect(jsonPath("$.loginServer").value("contosoacr01.azurecr.io"))
                .andExpect(jsonPath("$.subscriptionId").value("1d3c5a4b-0000-4000-8000-000000000001"))
                .andExpect(jsonPath("$.resourceGroup").value("rg-shared"))
                .andExpect(jsonPath("$.resourceId").value("/subscriptions/1d3c5a4b-0000-4000-8000-000000000001/resourceGroups/rg-shared/providers/Microsoft.ContainerRegistry/registries/ContosoAcr01"))
                .andExpect(jsonPath("$.tenantId").value("72f988bf-86f1-41af-91ab-2d7cd011db47"))
                .andExpect(jsonPath("$.status.phase").value("Pending"))
                .andReturn().getResponse().getHeader("Location");

        Api.reader(mvc).get(location)
                .andExpect(status().isOk())
                .andExpect(header().string("ETag", "\"0\""))
                .andExpect(jsonPath("$.name").value("ContosoAcr01"));

        api.delete(location).andExpect(status().isNoContent());
        Api.reader(mvc).get(location)
                .andExpect(status().isNotFound())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value("https://pullbridge.io/problems/not-found"));
    }

    @Test
    void refusesAnInvalidResourceIdAndStoresNothing() throws Exception {
        long before = jdbc.sql("select count(*) from registries").query(Long.class).single();
        Api.operator(mvc).post("/api/v1/registries", """
                        {"resourceId": "/subscriptions/not-a-guid/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/abc"}""")
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value("https://pullbridge.io/problems/validation-failed"))
                .andExpect(jsonPath("$.errors", hasSize(1)))
                .andExpect(jsonPath("$.errors[0].field").value("resourceId"));
        assertThat(jdbc.sql("select count(*) from registries").query(Long.class).single()).isEqualTo(before);
    }
}
