package io.pullbridge.registries;

import io.pullbridge.support.Api;
import io.pullbridge.support.Registries;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Registry tokens as test fixtures: created through the API in a registry that exists in the Azure emulator, with
 * their jobs (run by the real scheduler) ended, so their rows stay still from then on.
 */
final class TokenFixtures {

    /** A token job normally ends within a second; the bound only keeps a broken build from hanging. */
    static final Duration TIMEOUT = Registries.TIMEOUT;

    private static final Set<String> ENDED = Set.of("succeeded", "failed", "cancelled");

    private TokenFixtures() {
    }

    /** Creates the token, waits for its create job to succeed, and returns the token's location. */
    static String created(Api operator, JdbcClient jdbc, UUID registryId, String body) throws Exception {
        MockHttpServletResponse response = operator.post("/api/v1/registries/" + registryId + "/tokens", body)
                .andExpect(status().isAccepted())
                .andReturn().getResponse();
        awaitSucceeded(jdbc, Registries.jobOf(response));
        return response.getHeader(HttpHeaders.LOCATION);
    }

    static String body(String name) {
        return """
                {"name": "%s", "repositories": {"team-a/*": ["content/read", "metadata/read"]}}""".formatted(name);
    }

    /** Waits for the job to end, and checks that it succeeded. */
    static void awaitSucceeded(JdbcClient jdbc, UUID job) {
        assertThat(awaitEnded(jdbc, job)).as("job %s (last error: %s)", job, lastError(jdbc, job))
                .isEqualTo("succeeded");
    }

    /** Waits for the job to end and returns its final state. */
    static String awaitEnded(JdbcClient jdbc, UUID job) {
        await("job " + job + " to end").atMost(TIMEOUT).until(() -> ENDED.contains(state(jdbc, job)));
        return state(jdbc, job);
    }

    static String state(JdbcClient jdbc, UUID job) {
        return jdbc.sql("select state from jobs where id = ?").param(job).query(String.class).single();
    }

    static String lastError(JdbcClient jdbc, UUID job) {
        return jdbc.sql("select last_error::text from jobs where id = ?").param(job).query(String.class).optional()
                .orElse(null);
    }

    static UUID idOf(String location) {
        return UUID.fromString(location.substring(location.lastIndexOf('/') + 1));
    }
}
