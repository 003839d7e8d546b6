package io.pullbridge.support;

import com.jayway.jsonpath.JsonPath;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.ResultActions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * A service principal as a test fixture: created or adopted through the API, with the job that its answer names
 * (create, adopt, grants or rotate) awaited, so that its row (and ETag) stays still from then on.
 */
public final class Principals {

    /** These jobs normally end within a second; the bound only keeps a broken build from hanging. */
    public static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static final Set<String> ENDED = Set.of("succeeded", "failed", "cancelled");

    private Principals() {
    }

    /** A principal as the accepted answer named it, and the job that answer started. */
    public record Accepted(UUID id, String location, UUID job) {
    }

    /** Checks the 202 answer of a create, a PATCH or a rotate, and returns the principal and its job. */
    public static Accepted accepted(ResultActions result) throws Exception {
        MockHttpServletResponse response = result.andExpect(status().isAccepted()).andReturn().getResponse();
        String location = response.getHeader(HttpHeaders.LOCATION);
        assertThat(location).as("Location").matches("/api/v1/service-principals/[0-9a-f-]{36}");
        UUID job = Registries.jobOf(response);
        assertThat(JsonPath.<String>read(response.getContentAsString(), "$.status.jobId")).isEqualTo(job.toString());
        return new Accepted(UUID.fromString(location.substring(location.lastIndexOf('/') + 1)), location, job);
    }

    /**
     * Checks the 202 answer of a {@code :rotate}: the rotation job in the body, at {@code Location} and
     * {@code Operation-Location} as every action answers; returns the job.
     */
    public static UUID rotation(ResultActions result) throws Exception {
        MockHttpServletResponse response = result.andExpect(status().isAccepted()).andReturn().getResponse();
        UUID job = Registries.jobOf(response);
        assertThat(response.getHeader(HttpHeaders.LOCATION)).as("Location").isEqualTo("/api/v1/jobs/" + job);
        assertThat(JsonPath.<String>read(response.getContentAsString(), "$.id")).isEqualTo(job.toString());
        assertThat(JsonPath.<String>read(response.getContentAsString(), "$.type")).isEqualTo("service-principal.rotate");
        return job;
    }

    /** Creates (or adopts) a principal as an operator, and waits for its job to end in the given state. */
    public static Accepted created(Api caller, JdbcClient jdbc, String body, String state) throws Exception {
        Accepted accepted = accepted(caller.post("/api/v1/service-principals", body));
        awaitJob(jdbc, accepted.job(), state);
        return accepted;
    }

    /** Waits for the job to end, checks it ended in {@code state}, and returns its last error (JSON) or null. */
    public static String awaitJob(JdbcClient jdbc, UUID job, String state) {
        String ended = awaitEnded(jdbc, job);
        String lastError = lastError(jdbc, job);
        assertThat(ended).as("job %s (last error: %s)", job, lastError).isEqualTo(state);
        return lastError;
    }

    /** Waits for the job to end, whatever its outcome, and returns its state. */
    public static String awaitEnded(JdbcClient jdbc, UUID job) {
        await("job " + job + " to end").atMost(TIMEOUT).until(() -> ENDED.contains(state(jdbc, job)));
        return state(jdbc, job);
    }

    public static String state(JdbcClient jdbc, UUID job) {
        return jdbc.sql("select state from jobs where id = ?").param(job).query(String.class).single();
    }

    public static String lastError(JdbcClient jdbc, UUID job) {
        return jdbc.sql("select last_error::text from jobs where id = ?").param(job).query(String.class).optional()
                .orElse(null);
    }
}
