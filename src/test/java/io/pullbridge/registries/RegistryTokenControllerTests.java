package io.pullbridge.registries;

import io.pullbridge.jobs.JobRef;
import io.pullbridge.web.ApiException;
import io.pullbridge.web.ETags;
import io.pullbridge.web.ProblemType;
import io.pullbridge.web.Role;
import io.pullbridge.web.WebSliceConfiguration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
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
 * The registry tokens API's web layer alone, its service replaced: roles, ETags and If-Match on change, rotate and
 * delete, and problem documents; a token's password never appears in an answer.
 */
@WebMvcTest(RegistryTokenController.class)
@Import(WebSliceConfiguration.class)
@TestPropertySource(properties = "pullbridge.security.allow-any-audience=true")
class RegistryTokenControllerTests {

    private static final UUID REGISTRY = UUID.fromString("3f0c2b1e-0000-4000-8000-000000000001");
    private static final String TOKENS = "/api/v1/registries/" + REGISTRY + "/tokens";

    @Autowired
    WebApplicationContext context;

    @MockitoBean
    RegistryTokenService tokens;

    MockMvc mvc;

    @BeforeEach
    void securedMockMvc() {
        mvc = WebSliceConfiguration.securedMockMvc(context);
        when(tokens.response(any())).thenAnswer(call -> RegistryTokenResponse.of(call.getArgument(0), List.of()));
    }

    @Test
    void aReaderReadsATokenWithItsETagAndNoPassword() throws Exception {
        RegistryToken token = token();
        when(tokens.get(REGISTRY, token.getId())).thenReturn(token);

        mvc.perform(get(TOKENS + "/{id}", token.getId()).with(as(Role.READER)))
                .andExpect(status().isOk())
                .andExpect(header().string("ETag", ETags.of(token.getVersion())))
                .andExpect(jsonPath("$.name").value("ci-pull"))
                .andExpect(jsonPath("$.registryId").value(REGISTRY.toString()))
                .andExpect(jsonPath("$.credential.set").value(false))
                .andExpect(content().string(not(containsString("\"password\""))));
    }

    @Test
    void aReaderMayNotCreateChangeRotateOrDelete() throws Exception {
        UUID id = UUID.randomUUID();
        for (var request : List.of(
                post(TOKENS).contentType(MediaType.APPLICATION_JSON).content("{\"name\": \"ci-pull\"}"),
                patch(TOKENS + "/{id}", id).contentType(MediaType.APPLICATION_JSON).content("{}"),
                post(TOKENS + "/{id}:rotate", id), delete(TOKENS + "/{id}", id))) {
            mvc.perform(request.with(as(Role.READER)))
                    .andExpect(status().isForbidden())
                    .andExpect(content().contentType("application/problem+json"))
                    .andExpect(jsonPath("$.type").value(PROBLEM + "forbidden"));
        }
        verifyNoInteractions(tokens);
    }

    @Test
    void anOperatorsCreateIsAcceptedWithTheTokenAndItsJob() throws Exception {
        RegistryToken token = token();
        UUID job = UUID.randomUUID();
        token.getStatus().trackJob(job);
        when(tokens.create(eq(REGISTRY), any())).thenReturn(token);

        mvc.perform(post(TOKENS).contentType(MediaType.APPLICATION_JSON).content("{\"name\": \"ci-pull\"}")
                        .with(as(Role.OPERATOR)))
                .andExpect(status().isAccepted())
                .andExpect(header().string("Location", TOKENS + "/" + token.getId()))
                .andExpect(header().string("Operation-Location", "/api/v1/jobs/" + job))
                .andExpect(header().string("ETag", ETags.of(token.getVersion())));
    }

    @Test
    void aChangeAnswers202WithItsJobOr200WhenNothingIsToDo() throws Exception {
        RegistryToken token = token();
        UUID job = UUID.randomUUID();
        when(tokens.update(eq(REGISTRY), eq(token.getId()), eq("\"0\""), any())).thenReturn(
                new RegistryTokenService.Updated(token, new JobRef(job, false)));
        when(tokens.update(eq(REGISTRY), eq(token.getId()), eq("\"1\""), any())).thenReturn(
                new RegistryTokenService.Updated(token, null));

        mvc.perform(patch(TOKENS + "/{id}", token.getId()).contentType(MediaType.APPLICATION_JSON).content("{}")
                        .header("If-Match", "\"0\"").with(as(Role.OPERATOR)))
                .andExpect(status().isAccepted())
                .andExpect(header().string("Operation-Location", "/api/v1/jobs/" + job));
        mvc.perform(patch(TOKENS + "/{id}", token.getId()).contentType(MediaType.APPLICATION_JSON).content("{}")
                        .header("If-Match", "\"1\"").with(as(Role.OPERATOR)))
                .andExpect(status().isOk())
                .andExpect(header().doesNotExist("Operation-Location"));
    }

    @Test
    void aRotationWithAStaleIfMatchIsA412Problem() throws Exception {
        UUID id = UUID.randomUUID();
        when(tokens.rotate(REGISTRY, id, "\"3\"")).thenThrow(new ApiException(ProblemType.PRECONDITION_FAILED,
                "If-Match \"3\" does not match the current ETag \"4\""));

        mvc.perform(post(TOKENS + "/{id}:rotate", id).header("If-Match", "\"3\"").with(as(Role.OPERATOR)))
                .andExpect(status().isPreconditionFailed())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEM + "precondition-failed"))
                .andExpect(jsonPath("$.instance").value(TOKENS + "/" + id + ":rotate"));
    }

    @Test
    void aRotationIsAcceptedWithItsJob() throws Exception {
        RegistryToken token = token();
        UUID job = UUID.randomUUID();
        when(tokens.rotate(REGISTRY, token.getId(), null)).thenReturn(
                new RegistryTokenService.Rotation(token, new JobRef(job, false)));

        mvc.perform(post(TOKENS + "/{id}:rotate", token.getId()).with(as(Role.OPERATOR)))
                .andExpect(status().isAccepted())
                .andExpect(header().string("Operation-Location", "/api/v1/jobs/" + job))
                .andExpect(header().string("ETag", ETags.of(token.getVersion())));
    }

    private static RegistryToken token() {
        return new RegistryToken(UUID.randomUUID(), REGISTRY, "ci-pull", Map.of("team-a/app", List.of("content/read")),
                null, Instant.parse("2026-01-01T00:00:00Z"), "user-operator");
    }
}
