package io.pullbridge.jobs;

import io.pullbridge.web.ApiException;
import io.pullbridge.web.ProblemType;
import io.pullbridge.web.Role;
import io.pullbridge.web.WebSliceConfiguration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.context.WebApplicationContext;

import static io.pullbridge.web.WebSliceConfiguration.PROBLEM;
import static io.pullbridge.web.WebSliceConfiguration.as;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** The jobs API's web layer alone, its store and service replaced: roles and problem documents. */
@WebMvcTest(JobController.class)
@Import(WebSliceConfiguration.class)
@TestPropertySource(properties = "pullbridge.security.allow-any-audience=true")
class JobControllerTests {

    @Autowired
    WebApplicationContext context;

    @MockitoBean
    JobRepository jobs;

    @MockitoBean
    JobService service;

    MockMvc mvc;

    @BeforeEach
    void securedMockMvc() {
        mvc = WebSliceConfiguration.securedMockMvc(context);
    }

    @Test
    void anUnknownJobIsA404ProblemNamingThePath() throws Exception {
        UUID id = UUID.randomUUID();
        when(jobs.findById(id)).thenReturn(Optional.empty());

        mvc.perform(get("/api/v1/jobs/{id}", id).with(as(Role.READER)))
                .andExpect(status().isNotFound())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEM + "not-found"))
                .andExpect(jsonPath("$.instance").value("/api/v1/jobs/" + id));
    }

    @Test
    void aReaderMayNotCancelOrRetry() throws Exception {
        UUID id = UUID.randomUUID();
        for (var request : List.of(post("/api/v1/jobs/{id}:cancel", id), post("/api/v1/jobs/{id}:retry", id))) {
            mvc.perform(request.with(as(Role.READER)))
                    .andExpect(status().isForbidden())
                    .andExpect(content().contentType("application/problem+json"))
                    .andExpect(jsonPath("$.type").value(PROBLEM + "forbidden"));
        }
        verifyNoInteractions(service);
    }

    @Test
    void cancellingAnEndedJobIsA409Problem() throws Exception {
        UUID id = UUID.randomUUID();
        doThrow(new ApiException(ProblemType.INVALID_STATE, "Job " + id + " has already ended (succeeded)"))
                .when(service).cancel(id);

        mvc.perform(post("/api/v1/jobs/{id}:cancel", id).with(as(Role.OPERATOR)))
                .andExpect(status().isConflict())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEM + "invalid-state"))
                .andExpect(jsonPath("$.detail").value("Job " + id + " has already ended (succeeded)"));
    }

    @Test
    void anUnknownStateFilterIsA400ProblemNamingIt() throws Exception {
        mvc.perform(get("/api/v1/jobs?state=finished").with(as(Role.READER)))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEM + "validation-failed"))
                .andExpect(jsonPath("$.errors[0].field").value("state"));
        verifyNoInteractions(jobs);
    }

    @Test
    void withoutATokenTheAnswerIsA401Problem() throws Exception {
        mvc.perform(get("/api/v1/jobs/{id}", UUID.randomUUID()))
                .andExpect(status().isUnauthorized())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEM + "unauthenticated"));
        verifyNoInteractions(jobs, service);
    }
}
