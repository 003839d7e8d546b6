package io.pullbridge.bindings;

import io.pullbridge.common.ResourceKinds;
import io.pullbridge.jobs.JobService;
import io.pullbridge.web.ApiException;
import io.pullbridge.web.ETags;
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
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.verifyNoMoreInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The bindings API's web layer alone, its service replaced: who may call what, the headers of an accepted write, and
 * the problem documents of refusals.
 */
@WebMvcTest(BindingController.class)
@Import(WebSliceConfiguration.class)
@TestPropertySource(properties = "pullbridge.security.allow-any-audience=true")
class BindingControllerTests {

    private static final String CREATE = """
            {"registryId": "3f0c2b1e-0000-4000-8000-000000000001",
             "clusterId": "3f0c2b1e-0000-4000-8000-000000000002", "method": "kubelet-identity"}""";

    @Autowired
    WebApplicationContext context;

    MockMvc mvc;

    @MockitoBean
    BindingService bindings;

    @MockitoBean
    JobService jobs;

    @BeforeEach
    void securedMockMvc() {
        mvc = WebSliceConfiguration.securedMockMvc(context);
    }

    @Test
    void aReaderReadsABindingWithItsETag() throws Exception {
        Binding binding = kubeletBinding();
        when(bindings.get(binding.getId())).thenReturn(binding);

        mvc.perform(get("/api/v1/bindings/{id}", binding.getId()).with(as(Role.READER)))
                .andExpect(status().isOk())
                .andExpect(header().string("ETag", ETags.of(binding.getVersion())))
                .andExpect(jsonPath("$.id").value(binding.getId().toString()))
                .andExpect(jsonPath("$.method").value("kubelet-identity"))
                .andExpect(jsonPath("$.pullSecret").doesNotExist())
                .andExpect(jsonPath("$.status.phase").value("Pending"));
    }

    @Test
    void withoutATokenTheAnswerIsA401Problem() throws Exception {
        mvc.perform(get("/api/v1/bindings/{id}", UUID.randomUUID()))
                .andExpect(status().isUnauthorized())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEM + "unauthenticated"));
        verifyNoInteractions(bindings);
    }

    @Test
    void aReaderMayNotCreateUpdateVerifyOrRotate() throws Exception {
        UUID id = UUID.randomUUID();
        for (var request : List.of(post("/api/v1/bindings").contentType(MediaType.APPLICATION_JSON).content(CREATE),
                patch("/api/v1/bindings/{id}", id).contentType(MediaType.APPLICATION_JSON).content("{}"),
                post("/api/v1/bindings/{id}:verify", id), post("/api/v1/bindings/{id}:rotate", id))) {
            mvc.perform(request.with(as(Role.READER)))
                    .andExpect(status().isForbidden())
                    .andExpect(content().contentType("application/problem+json"))
                    .andExpect(jsonPath("$.type").value(PROBLEM + "forbidden"));
        }
        verifyNoInteractions(bindings);
    }

    @Test
    void anOperatorsCreateIsAcceptedWithTheBindingAndItsJob() throws Exception {
        Binding binding = kubeletBinding();
        UUID job = UUID.randomUUID();
        binding.getStatus().trackJob(job);
        when(bindings.create(any())).thenReturn(binding);

        mvc.perform(post("/api/v1/bindings").contentType(MediaType.APPLICATION_JSON).content(CREATE)
                        .with(as(Role.OPERATOR)))
                .andExpect(status().isAccepted())
                .andExpect(header().string("Location", "/api/v1/bindings/" + binding.getId()))
                .andExpect(header().string("Operation-Location", "/api/v1/jobs/" + job))
                .andExpect(header().string("ETag", ETags.of(binding.getVersion())))
                .andExpect(jsonPath("$.status.jobId").value(job.toString()));
    }

    @Test
    void anUpdateWithAStaleIfMatchIsA412Problem() throws Exception {
        Binding binding = kubeletBinding();
        when(bindings.update(eq(binding.getId()), any(), eq("\"7\""))).thenAnswer(invocation -> {
            ETags.checkIfMatch(invocation.getArgument(2), binding.getVersion());
            return binding;
        });

        mvc.perform(patch("/api/v1/bindings/{id}", binding.getId()).header("If-Match", "\"7\"")
                        .contentType(MediaType.APPLICATION_JSON).content("{}").with(as(Role.OPERATOR)))
                .andExpect(status().isPreconditionFailed())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEM + "precondition-failed"));
    }

    @Test
    void anUnknownOrMalformedIdIsA404ProblemAndAMalformedFilterA400() throws Exception {
        UUID id = UUID.randomUUID();
        when(bindings.get(id)).thenThrow(ApiException.notFound(ResourceKinds.BINDING, id));

        mvc.perform(get("/api/v1/bindings/{id}", id).with(as(Role.READER)))
                .andExpect(status().isNotFound())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEM + "not-found"));
        verify(bindings).get(id);
        mvc.perform(get("/api/v1/bindings/not-a-uuid").with(as(Role.READER)))
                .andExpect(status().isNotFound())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEM + "not-found"));
        mvc.perform(get("/api/v1/bindings").param("registryId", "not-a-uuid").with(as(Role.READER)))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.errors[0].field").value("registryId"));
        verifyNoMoreInteractions(bindings);
    }

    private static Binding kubeletBinding() {
        return Binding.create(UUID.randomUUID(), UUID.randomUUID(), BindingMethod.KUBELET_IDENTITY,
                BindingSpec.none(), "Waiting", Instant.parse("2026-01-01T00:00:00Z"), "user-operator");
    }
}
