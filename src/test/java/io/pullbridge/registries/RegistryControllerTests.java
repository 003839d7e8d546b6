package io.pullbridge.registries;

import io.pullbridge.common.ArmResourceId;
import io.pullbridge.common.ResourceKinds;
import io.pullbridge.jobs.JobRef;
import io.pullbridge.lifecycle.ResourceLifecycle;
import io.pullbridge.web.ApiException;
import io.pullbridge.web.ETags;
import io.pullbridge.web.ProblemType;
import io.pullbridge.web.Role;
import io.pullbridge.web.WebSliceConfiguration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.context.WebApplicationContext;

import static io.pullbridge.web.WebSliceConfiguration.PROBLEM;
import static io.pullbridge.web.WebSliceConfiguration.as;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** The registries API's web layer alone, its service replaced: roles, ETags and If-Match, and problem documents. */
@WebMvcTest(RegistryController.class)
@Import(WebSliceConfiguration.class)
@TestPropertySource(properties = "pullbridge.security.allow-any-audience=true")
class RegistryControllerTests {

    private static final String CREATE = """
            {"resourceId": "/subscriptions/3f0c2b1e-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acmeregistry"}""";

    @Autowired
    WebApplicationContext context;

    @MockitoBean
    RegistryService registries;

    MockMvc mvc;

    @BeforeEach
    void securedMockMvc() {
        mvc = WebSliceConfiguration.securedMockMvc(context);
    }

    @Test
    void aReaderReadsARegistryWithItsETag() throws Exception {
        Registry registry = registry();
        when(registries.get(registry.getId())).thenReturn(registry);

        mvc.perform(get("/api/v1/registries/{id}", registry.getId()).with(as(Role.READER)))
                .andExpect(status().isOk())
                .andExpect(header().string("ETag", ETags.of(registry.getVersion())))
                .andExpect(jsonPath("$.id").value(registry.getId().toString()))
                .andExpect(jsonPath("$.name").value("acmeregistry"))
                .andExpect(jsonPath("$.status.phase").value("Pending"));
    }

    @Test
    void anUnknownRegistryIsA404ProblemNamingThePath() throws Exception {
        UUID id = UUID.randomUUID();
        when(registries.get(id)).thenThrow(ApiException.notFound(ResourceKinds.REGISTRY, id));

        mvc.perform(get("/api/v1/registries/{id}", id).with(as(Role.READER)))
                .andExpect(status().isNotFound())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEM + "not-found"))
                .andExpect(jsonPath("$.status").value(404))
                .andExpect(jsonPath("$.instance").value("/api/v1/registries/" + id));
    }

    @Test
    void withoutATokenTheAnswerIsA401Problem() throws Exception {
        mvc.perform(get("/api/v1/registries"))
                .andExpect(status().isUnauthorized())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEM + "unauthenticated"));
        verifyNoInteractions(registries);
    }

    @Test
    void aReaderMayNotRegisterOrDelete() throws Exception {
        for (var request : List.of(post("/api/v1/registries").contentType(MediaType.APPLICATION_JSON).content(CREATE),
                delete("/api/v1/registries/{id}", UUID.randomUUID()))) {
            mvc.perform(request.with(as(Role.READER)))
                    .andExpect(status().isForbidden())
                    .andExpect(content().contentType("application/problem+json"))
                    .andExpect(jsonPath("$.type").value(PROBLEM + "forbidden"));
        }
        verifyNoInteractions(registries);
    }

    @Test
    void anOperatorsRegistrationIsAcceptedWithTheRegistryAndItsJob() throws Exception {
        Registry registry = registry();
        UUID job = UUID.randomUUID();
        registry.getStatus().trackJob(job);
        when(registries.create(any())).thenReturn(registry);

        mvc.perform(post("/api/v1/registries").contentType(MediaType.APPLICATION_JSON).content(CREATE)
                        .with(as(Role.OPERATOR)))
                .andExpect(status().isAccepted())
                .andExpect(header().string("Location", "/api/v1/registries/" + registry.getId()))
                .andExpect(header().string("Operation-Location", "/api/v1/jobs/" + job))
                .andExpect(header().string("ETag", ETags.of(registry.getVersion())));
    }

    @Test
    void aDeleteCarriesItsIfMatchToTheServiceAndAStaleOneIsA412Problem() throws Exception {
        Registry registry = registry();
        UUID job = UUID.randomUUID();
        when(registries.delete(registry.getId(), "\"0\"")).thenReturn(new ResourceLifecycle.Deletion<>(registry,
                new JobRef(job, false)));
        when(registries.delete(registry.getId(), "\"7\"")).thenThrow(new ApiException(
                ProblemType.PRECONDITION_FAILED, "If-Match \"7\" does not match the current ETag \"0\""));

        mvc.perform(delete("/api/v1/registries/{id}", registry.getId()).header("If-Match", "\"0\"")
                        .with(as(Role.OPERATOR)))
                .andExpect(status().isAccepted())
                .andExpect(header().string("Operation-Location", "/api/v1/jobs/" + job));
        mvc.perform(delete("/api/v1/registries/{id}", registry.getId()).header("If-Match", "\"7\"")
                        .with(as(Role.OPERATOR)))
                .andExpect(status().isPreconditionFailed())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEM + "precondition-failed"))
                .andExpect(jsonPath("$.detail").value("If-Match \"7\" does not match the current ETag \"0\""));
    }

    @Test
    void aListWithAnInvalidLimitIsA400ProblemNamingTheParameter() throws Exception {
        mvc.perform(get("/api/v1/registries?limit=0").with(as(Role.READER)))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEM + "validation-failed"))
                .andExpect(jsonPath("$.errors[0].field").value("limit"));
        verifyNoInteractions(registries);
    }

    private static Registry registry() {
        ArmResourceId id = ArmResourceId.parse("/subscriptions/3f0c2b1e-0000-4000-8000-000000000001/resourceGroups/rg"
                + "/providers/Microsoft.ContainerRegistry/registries/acmeregistry", ArmResourceId.ResourceType.CONTAINER_REGISTRY);
        return new Registry(UUID.randomUUID(), id, "acmeregistry.azurecr.io", UUID.randomUUID(),
                Instant.parse("2026-01-01T00:00:00Z"), "user-operator");
    }
}
