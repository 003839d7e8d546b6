package io.pullbridge.web;

import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.WebApplicationContext;

import static io.pullbridge.web.WebSliceConfiguration.as;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The problem documents of what Spring MVC refuses before a controller runs, pinned byte for byte (the slice has no
 * request id filter, so every byte is known): how {@link ApiExceptionHandler} builds them may change, what clients
 * read may not.
 */
@WebMvcTest(ApiExceptionHandlerTests.ProbeController.class)
@Import({WebSliceConfiguration.class, ApiExceptionHandlerTests.ProbeController.class})
@TestPropertySource(properties = "pullbridge.security.allow-any-audience=true")
class ApiExceptionHandlerTests {

    @Autowired
    WebApplicationContext context;

    MockMvc mvc;

    @BeforeEach
    void securedMockMvc() {
        mvc = WebSliceConfiguration.securedMockMvc(context);
    }

    @Test
    void anUnsupportedMethodIs405WithAllow() throws Exception {
        perform(put("/api/v1/probe"), 405, """
                {"type":"https://pullbridge.io/problems/method-not-allowed","title":"Method not allowed","status":405,\
                "detail":"PUT is not supported here","instance":"/api/v1/probe"}""")
                .andExpect(header().string("Allow", "GET,POST"));
    }

    @Test
    void aBodyOfAnotherMediaTypeIs415() throws Exception {
        perform(post("/api/v1/probe").contentType(MediaType.TEXT_PLAIN).content("x"), 415, """
                {"type":"https://pullbridge.io/problems/unsupported-media-type","title":"Unsupported media type",\
                "status":415,"detail":"Send the body as application/json","instance":"/api/v1/probe"}""");
    }

    @Test
    void anAnswerOfAnotherMediaTypeIs406() throws Exception {
        perform(get("/api/v1/probe?limit=1").accept(MediaType.TEXT_PLAIN), 406, """
                {"type":"https://pullbridge.io/problems/not-acceptable","title":"Not acceptable","status":406,\
                "detail":"This resource is served as application/json","instance":"/api/v1/probe"}""");
    }

    @Test
    void aParameterOfTheWrongTypeIs400NamingIt() throws Exception {
        perform(get("/api/v1/probe?limit=many"), 400, """
                {"type":"https://pullbridge.io/problems/validation-failed","title":"The request is not valid",\
                "status":400,"detail":"limit: must be a number","instance":"/api/v1/probe",\
                "errors":[{"field":"limit","message":"must be a number"}]}""");
    }

    @Test
    void aMissingParameterIs400NamingIt() throws Exception {
        perform(get("/api/v1/probe"), 400, """
                {"type":"https://pullbridge.io/problems/validation-failed","title":"The request is not valid",\
                "status":400,"detail":"limit: is required","instance":"/api/v1/probe",\
                "errors":[{"field":"limit","message":"is required"}]}""");
    }

    @Test
    void aPathVariableOfTheWrongTypeIs404() throws Exception {
        perform(get("/api/v1/probe/not-a-uuid"), 404, """
                {"type":"https://pullbridge.io/problems/not-found","title":"Not found","status":404,\
                "detail":"No resource at /api/v1/probe/not-a-uuid","instance":"/api/v1/probe/not-a-uuid"}""");
    }

    @Test
    void anUnknownPathIs404() throws Exception {
        perform(get("/api/v1/nowhere"), 404, """
                {"type":"https://pullbridge.io/problems/not-found","title":"Not found","status":404,\
                "detail":"No resource at /api/v1/nowhere","instance":"/api/v1/nowhere"}""");
    }

    @Test
    void aBodyThatIsNotJsonIs400() throws Exception {
        perform(post("/api/v1/probe").contentType(MediaType.APPLICATION_JSON).content("{"), 400, """
                {"type":"https://pullbridge.io/problems/malformed-request","title":"The request body could not be read",\
                "status":400,"detail":"The request body is missing or is not well-formed JSON",\
                "instance":"/api/v1/probe"}""");
    }

    @Test
    void aFieldOfTheWrongTypeIs400NamingIt() throws Exception {
        perform(post("/api/v1/probe").contentType(MediaType.APPLICATION_JSON).content("{\"id\": \"x\"}"), 400, """
                {"type":"https://pullbridge.io/problems/validation-failed","title":"The request is not valid",\
                "status":400,"detail":"id: must be a UUID","instance":"/api/v1/probe",\
                "errors":[{"field":"id","message":"must be a UUID"}]}""");
    }

    @Test
    void anUnknownFieldIs400NamingIt() throws Exception {
        perform(post("/api/v1/probe").contentType(MediaType.APPLICATION_JSON).content("{\"nope\": 1}"), 400, """
                {"type":"https://pullbridge.io/problems/validation-failed","title":"The request is not valid",\
                "status":400,"detail":"nope: is not a known field","instance":"/api/v1/probe",\
                "errors":[{"field":"nope","message":"is not a known field"}]}""");
    }

    private ResultActions perform(MockHttpServletRequestBuilder request,
                                  int status, String body) throws Exception {
        return mvc.perform(request.with(as(Role.OPERATOR)))
                .andExpect(status().is(status))
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(content().string(body));
    }

    @RestController
    static class ProbeController {

        record Probe(UUID id) {
        }

        @GetMapping(value = "/api/v1/probe", produces = MediaType.APPLICATION_JSON_VALUE)
        String list(@RequestParam int limit) {
            return "[]";
        }

        @GetMapping(value = "/api/v1/probe/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
        String get(@PathVariable UUID id) {
            return "{}";
        }

        @PostMapping(value = "/api/v1/probe", consumes = MediaType.APPLICATION_JSON_VALUE)
        String create(@RequestBody Probe probe) {
            return "{}";
        }
    }
}
