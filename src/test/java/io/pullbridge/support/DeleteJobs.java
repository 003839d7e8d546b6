package io.pullbridge.support;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.ResultActions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * What a user sees of a delete: DELETE answers 202 with the resource {@code Deleting} and an
 * {@code Operation-Location} to its delete job, which removes the resource a moment later.
 */
public final class DeleteJobs {

    /** A delete job normally ends within milliseconds; the bound only keeps a broken build from hanging. */
    public static final Duration TIMEOUT = Duration.ofSeconds(15);

    private static final Set<String> ENDED = Set.of("succeeded", "failed", "cancelled");

    private DeleteJobs() {
    }

    /**
     * Checks DELETE's answer: 202, a new ETag, the resource in phase {@code Deleting} following its delete job, and
     * {@code Operation-Location} naming that job.
     *
     * @return the delete job's id
     */
    public static UUID accepted(ResultActions result) throws Exception {
        MockHttpServletResponse response = result
                .andExpect(status().isAccepted())
                .andExpect(header().exists(HttpHeaders.ETAG))
                .andExpect(jsonPath("$.status.phase").value("Deleting"))
                .andReturn().getResponse();
        String operation = response.getHeader("Operation-Location");
        assertThat(operation).as("Operation-Location").matches("/api/v1/jobs/[0-9a-f-]{36}");
        UUID job = UUID.fromString(operation.substring(operation.lastIndexOf('/') + 1));
        result.andExpect(jsonPath("$.status.jobId").value(job.toString()));
        return job;
    }

    /** Waits for the delete job to end, and checks that it succeeded (so the resource is gone). */
    public static void awaitSucceeded(JdbcClient jdbc, UUID job) {
        await("delete job " + job + " to end").atMost(TIMEOUT).until(() -> ENDED.contains(row(jdbc, job).get("state")));
        Map<String, Object> ended = row(jdbc, job);
        assertThat(ended.get("state")).as("delete job %s (last error: %s)", job, ended.get("last_error"))
                .isEqualTo("succeeded");
    }

    private static Map<String, Object> row(JdbcClient jdbc, UUID job) {
        return jdbc.sql("select state, last_error::text as last_error from jobs where id = ?").param(job)
                .query().singleRow();
    }
}
