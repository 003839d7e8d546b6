package io.pullbridge.principals;

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
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The service principals API's web layer alone, its service replaced: roles (the service's own Admin rules answer
 * 403 like the filter's), ETags and If-Match, and problem documents.
 */
@WebMvcTest(ServicePrincipalController.class)
@Import(WebSliceConfiguration.class)
@TestPropertySource(properties = "pullbridge.security.allow-any-audience=true")
class ServicePrincipalControllerTests {

    private static final String CREATE = """
            {"mode": "create", "displayName": "ci", "grants": []}""";

    @Autowired
    WebApplicationContext context;

    @MockitoBean
    ServicePrincipalService principals;

    MockMvc mvc;

    @BeforeEach
    void securedMockMvc() {
        mvc = WebSliceConfiguration.securedMockMvc(context);
        when(principals.response(any())).thenAnswer(call -> ServicePrincipalResponse.of(call.getArgument(0), null));
    }

    @Test
    void aReaderReadsAPrincipalWithItsETag() throws Exception {
        ServicePrincipal principal = principal();
        when(principals.get(principal.getId())).thenReturn(principal);

        mvc.perform(get("/api/v1/service-principals/{id}", principal.getId()).with(as(Role.READER)))
                .andExpect(status().isOk())
                .andExpect(header().string("ETag", ETags.of(principal.getVersion())))
                .andExpect(jsonPath("$.mode").value("create"))
                .andExpect(jsonPath("$.displayName").value("ci"))
                .andExpect(jsonPath("$.password").doesNotExist());
    }

    @Test
    void aReaderMayNotCreateChangeRotateOrDelete() throws Exception {
        UUID id = UUID.randomUUID();
        for (var request : List.of(
                post("/api/v1/service-principals").contentType(MediaType.APPLICATION_JSON).content(CREATE),
                patch("/api/v1/service-principals/{id}", id).contentType(MediaType.APPLICATION_JSON).content("{}"),
                post("/api/v1/service-principals/{id}:rotate", id), delete("/api/v1/service-principals/{id}", id))) {
            mvc.perform(request.with(as(Role.READER)))
                    .andExpect(status().isForbidden())
                    .andExpect(content().contentType("application/problem+json"))
                    .andExpect(jsonPath("$.type").value(PROBLEM + "forbidden"));
        }
        verifyNoInteractions(principals);
    }

    @Test
    void anOperatorRefusedByTheServicesAdminRuleGetsA403Problem() throws Exception {
        when(principals.create(any())).thenThrow(new ApiException(ProblemType.FORBIDDEN,
                "Your token's roles do not allow this: adopting a service principal is reserved to Admin"));

        mvc.perform(post("/api/v1/service-principals").contentType(MediaType.APPLICATION_JSON).content(CREATE)
                        .with(as(Role.OPERATOR)))
                .andExpect(status().isForbidden())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEM + "forbidden"))
                .andExpect(jsonPath("$.detail").value("Your token's roles do not allow this: adopting a service "
                        + "principal is reserved to Admin"));
    }

    @Test
    void anOperatorsCreateIsAcceptedWithThePrincipalAndItsJob() throws Exception {
        ServicePrincipal principal = principal();
        UUID job = UUID.randomUUID();
        principal.getStatus().trackJob(job);
        when(principals.create(any())).thenReturn(principal);

        mvc.perform(post("/api/v1/service-principals").contentType(MediaType.APPLICATION_JSON).content(CREATE)
                        .with(as(Role.OPERATOR)))
                .andExpect(status().isAccepted())
                .andExpect(header().string("Location", "/api/v1/service-principals/" + principal.getId()))
                .andExpect(header().string("Operation-Location", "/api/v1/jobs/" + job))
                .andExpect(header().string("ETag", ETags.of(principal.getVersion())));
    }

    @Test
    void aChangeCarriesItsIfMatchAndAnswers202WithItsJobOr200() throws Exception {
        ServicePrincipal principal = principal();
        UUID job = UUID.randomUUID();
        when(principals.update(eq(principal.getId()), eq("\"0\""), any())).thenReturn(
                new ServicePrincipalService.Updated(principal, new JobRef(job, false)));
        when(principals.update(eq(principal.getId()), eq("\"1\""), any())).thenReturn(
                new ServicePrincipalService.Updated(principal, null));

        mvc.perform(patch("/api/v1/service-principals/{id}", principal.getId()).contentType(MediaType.APPLICATION_JSON)
                        .content("{}").header("If-Match", "\"0\"").with(as(Role.OPERATOR)))
                .andExpect(status().isAccepted())
                .andExpect(header().string("Operation-Location", "/api/v1/jobs/" + job));
        mvc.perform(patch("/api/v1/service-principals/{id}", principal.getId()).contentType(MediaType.APPLICATION_JSON)
                        .content("{}").header("If-Match", "\"1\"").with(as(Role.OPERATOR)))
                .andExpect(status().isOk())
                .andExpect(header().doesNotExist("Operation-Location"));
    }

    @Test
    void aDeleteWithAStaleIfMatchIsA412ProblemAndAFreshOneIsAccepted() throws Exception {
        ServicePrincipal principal = principal();
        UUID job = UUID.randomUUID();
        when(principals.delete(principal.getId(), "\"2\"")).thenThrow(new ApiException(
                ProblemType.PRECONDITION_FAILED, "If-Match \"2\" does not match the current ETag \"0\""));
        when(principals.delete(principal.getId(), "\"0\"")).thenReturn(new ResourceLifecycle.Deletion<>(principal,
                new JobRef(job, false)));

        mvc.perform(delete("/api/v1/service-principals/{id}", principal.getId()).header("If-Match", "\"2\"")
                        .with(as(Role.OPERATOR)))
                .andExpect(status().isPreconditionFailed())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEM + "precondition-failed"));
        mvc.perform(delete("/api/v1/service-principals/{id}", principal.getId()).header("If-Match", "\"0\"")
                        .with(as(Role.OPERATOR)))
                .andExpect(status().isAccepted())
                .andExpect(header().string("Operation-Location", "/api/v1/jobs/" + job));
    }

    private static ServicePrincipal principal() {
        return new ServicePrincipal(UUID.randomUUID(), PrincipalMode.CREATE, "ci", null, null,
                UUID.fromString("72f988bf-86f1-41af-91ab-2d7cd011db47"), "P365D", Instant.parse("2026-01-01T00:00:00Z"),
                "user-operator");
    }
}
