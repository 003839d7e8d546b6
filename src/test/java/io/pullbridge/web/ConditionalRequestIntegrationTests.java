package io.pullbridge.web;

import io.pullbridge.support.Api;
import io.pullbridge.support.DeleteJobs;
import io.pullbridge.support.IntegrationTest;
import io.pullbridge.support.Registries;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** ETags on reads and If-Match on deletes, so two operators cannot silently undo each other's work. */
@IntegrationTest
class ConditionalRequestIntegrationTests {

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aReadCarriesAStrongETagOfTheVersionItShowsLikeTheCreateAnswer() throws Exception {
        // The create job changes the row right after the create commits, so the read's ETag is compared with the
        // row's version once that job ended, and the create answer's with the version it created.
        var created = Api.operator(mvc).post("/api/v1/registries", "{\"resourceId\": \"" + Registries.seeded() + "\"}")
                .andExpect(status().isAccepted())
                .andReturn().getResponse();
        String location = created.getHeader(HttpHeaders.LOCATION);
        Registries.awaitSucceeded(jdbc, Registries.jobOf(created));

        String etag = Api.reader(mvc).get(location)
                .andExpect(status().isOk())
                .andReturn().getResponse().getHeader(HttpHeaders.ETAG);

        assertThat(etag).matches("\"[^\"]+\"").doesNotStartWith("W/");
        assertThat(created.getHeader(HttpHeaders.ETAG)).matches("\"[^\"]+\"").doesNotStartWith("W/")
                .isEqualTo("\"0\"");
        assertThat(etag).isEqualTo("\"" + version(location) + "\"").isNotEqualTo(created.getHeader(HttpHeaders.ETAG));
    }

    @Test
    void aReadWithTheCurrentETagIsNotModified() throws Exception {
        String location = create();
        String etag = etag(location);

        Api.reader(mvc).perform(get(location).header(HttpHeaders.IF_NONE_MATCH, etag))
                .andExpect(status().isNotModified())
                .andExpect(content().string(""));
        Api.reader(mvc).perform(get(location).header(HttpHeaders.IF_NONE_MATCH, "\"41\""))
                .andExpect(status().isOk());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"41\"", "\"0-stale\"", "W/\"0\"", "\"41\", \"42\"", "0"})
    void aDeleteWithAStaleETagIsRefusedAndKeepsTheResource(String ifMatch) throws Exception {
        String location = create();
        String before = etag(location);

        Api.operator(mvc).perform(delete(location).header(HttpHeaders.IF_MATCH, ifMatch))
                .andExpect(status().isPreconditionFailed())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value("https://pullbridge.io/problems/precondition-failed"))
                .andExpect(jsonPath("$.status").value(412));

        assertThat(exists(location)).isTrue();
        Api.reader(mvc).get(location).andExpect(status().isOk()).andExpect(jsonPath("$.status.phase").value("Ready"))
                .andExpect(header().string(HttpHeaders.ETAG, before));
    }

    @Test
    void theRefusalTellsTheCurrentETag() throws Exception {
        String location = create();
        String etag = etag(location);

        Api.operator(mvc).perform(delete(location).header(HttpHeaders.IF_MATCH, "\"41\""))
                .andExpect(jsonPath("$.detail", org.hamcrest.Matchers.containsString(etag)));
    }

    @Test
    void aDeleteWithTheCurrentETagSucceeds() throws Exception {
        String location = create();

        String etag = etag(location);
        UUID job = DeleteJobs.accepted(Api.operator(mvc).perform(delete(location).header(HttpHeaders.IF_MATCH, etag))
                .andExpect(header().string(HttpHeaders.ETAG, org.hamcrest.Matchers.not(etag))));

        awaitRemoved(location, job);
        Api.reader(mvc).get(location).andExpect(status().isNotFound());
    }

    @Test
    void aDeleteWithOneMatchingETagInAListSucceeds() throws Exception {
        String location = create();

        UUID job = DeleteJobs.accepted(Api.operator(mvc)
                .perform(delete(location).header(HttpHeaders.IF_MATCH, "\"41\", " + etag(location))));

        awaitRemoved(location, job);
    }

    @Test
    void aDeleteWithIfMatchStarSucceeds() throws Exception {
        String location = create();

        UUID job = DeleteJobs.accepted(Api.operator(mvc).perform(delete(location).header(HttpHeaders.IF_MATCH, "*")));

        awaitRemoved(location, job);
    }

    @Test
    void aDeleteWithoutIfMatchIsUnconditional() throws Exception {
        String location = create();

        UUID job = DeleteJobs.accepted(Api.operator(mvc).delete(location));

        awaitRemoved(location, job);
    }

    @Test
    void aStaleDeleteIsAuditedAsAFailure() throws Exception {
        String location = create();

        String requestId = Api.operator(mvc).perform(delete(location).header(HttpHeaders.IF_MATCH, "\"41\""))
                .andExpect(status().isPreconditionFailed())
                .andReturn().getResponse().getHeader("X-Request-Id");

        assertThat(jdbc.sql("select outcome, http_status from audit_events where request_id = ?").param(requestId)
                .query((rs, row) -> rs.getString(1) + " " + rs.getInt(2)).single()).isEqualTo("failure 412");
        assertThat(jdbc.sql("select count(*) from audit_events where action in ('registry.delete-requested', "
                        + "'registry.delete') and resource_id = ?")
                .param(id(location)).query(Long.class).single()).isZero();
        assertThat(jdbc.sql("select count(*) from jobs where type = 'registry.delete' and target_id = ?")
                .param(UUID.fromString(id(location)))
                .query(Long.class).single()).as("delete jobs").isZero();
    }

    /** A registry whose create job ended, so its ETag stays still unless the test changes it. */
    private String create() throws Exception {
        return Registries.registered(mvc, jdbc).location();
    }

    private long version(String location) {
        return jdbc.sql("select version from registries where id = ?").param(UUID.fromString(id(location)))
                .query(Long.class).single();
    }

    private String etag(String location) throws Exception {
        return Api.reader(mvc).get(location).andReturn().getResponse().getHeader(HttpHeaders.ETAG);
    }

    /** Waits for the delete job, then checks that it removed the registry's row. */
    private void awaitRemoved(String location, UUID job) {
        DeleteJobs.awaitSucceeded(jdbc, job);
        assertThat(exists(location)).isFalse();
    }

    private boolean exists(String location) {
        return jdbc.sql("select count(*) from registries where id = ?").param(UUID.fromString(id(location)))
                .query(Long.class).single() == 1;
    }

    private static String id(String location) {
        return location.substring(location.lastIndexOf('/') + 1);
    }
}
