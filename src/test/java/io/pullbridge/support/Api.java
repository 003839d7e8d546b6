package io.pullbridge.support;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;

/** Calls the API as a user with a given role would: JSON in, bearer token attached. */
public final class Api {

    private final MockMvc mvc;
    private final String token;

    private Api(MockMvc mvc, String token) {
        this.mvc = mvc;
        this.token = token;
    }

    public static Api as(MockMvc mvc, String role) {
        return new Api(mvc, TestTokens.instance().token("user-" + role.toLowerCase(), role));
    }

    public static Api admin(MockMvc mvc) {
        return as(mvc, "Admin");
    }

    public static Api operator(MockMvc mvc) {
        return as(mvc, "Operator");
    }

    public static Api reader(MockMvc mvc) {
        return as(mvc, "Reader");
    }

    public ResultActions get(String path) throws Exception {
        return perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get(path));
    }

    public ResultActions post(String path, String json) throws Exception {
        return perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post(path)
                .contentType(MediaType.APPLICATION_JSON).content(json));
    }

    public ResultActions patch(String path, String json) throws Exception {
        return perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch(path)
                .contentType(MediaType.APPLICATION_JSON).content(json));
    }

    public ResultActions delete(String path) throws Exception {
        return perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete(path));
    }

    public ResultActions perform(MockHttpServletRequestBuilder request) throws Exception {
        return mvc.perform(request.header(HttpHeaders.AUTHORIZATION, "Bearer " + token));
    }

    /** Builders for requests that need extra headers (If-Match, Idempotency-Key). */
    public static MockHttpServletRequestBuilder jsonPost(String path, String json) {
        return MockMvcRequestBuilders.post(path).contentType(MediaType.APPLICATION_JSON).content(json);
    }

    public static MockHttpServletRequestBuilder jsonPatch(String path, String json) {
        return MockMvcRequestBuilders.patch(path).contentType(MediaType.APPLICATION_JSON).content(json);
    }

    public static MockHttpServletRequestBuilder deleteRequest(String path) {
        return MockMvcRequestBuilders.delete(path);
    }

    public static MockHttpServletRequestBuilder getRequest(String path) {
        return MockMvcRequestBuilders.get(path);
    }
}
