package io.pullbridge.support;

import io.pullbridge.support.kube.EmulatedCluster;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * A cluster as a test fixture: registered through the API with a kubeconfig for an emulated cluster, with its
 * {@code cluster.connect} job ended, so its row (and ETag) stays still from then on (until a probe runs).
 */
public final class Clusters {

    public static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Set<String> ENDED = Set.of("succeeded", "failed", "cancelled");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Clusters() {
    }

    /** A registered cluster: where it is, its ETag once its connect job ended, and that job. */
    public record Registered(UUID id, String location, String etag, UUID job) {
    }

    /** Registers a kubeconfig cluster for the JVM's shared emulated cluster and waits for it to be {@code Ready}. */
    public static Registered registered(MockMvc mvc, JdbcClient jdbc, String name) throws Exception {
        return registered(mvc, jdbc, name, EmulatedCluster.shared().kubeconfig());
    }

    /** Registers a kubeconfig cluster with this kubeconfig and waits for its connect job to succeed. */
    public static Registered registered(MockMvc mvc, JdbcClient jdbc, String name, String kubeconfig)
            throws Exception {
        MockHttpServletResponse created = Api.admin(mvc).post("/api/v1/clusters", JSON.writeValueAsString(
                        java.util.Map.of("name", name, "kind", "kubeconfig", "kubeconfig", kubeconfig)))
                .andExpect(status().isAccepted())
                .andReturn().getResponse();
        String location = created.getHeader(HttpHeaders.LOCATION);
        UUID job = Registries.jobOf(created);
        awaitEnded(jdbc, job, "succeeded");
        String etag = Api.reader(mvc).get(location).andExpect(status().isOk())
                .andReturn().getResponse().getHeader(HttpHeaders.ETAG);
        return new Registered(UUID.fromString(location.substring(location.lastIndexOf('/') + 1)), location, etag,
                job);
    }

    /** Waits for the job to end, and checks how. */
    public static void awaitEnded(JdbcClient jdbc, UUID job, String expected) {
        await("job " + job + " to end").atMost(TIMEOUT).until(() -> ENDED.contains(state(jdbc, job)));
        String lastError = jdbc.sql("select last_error::text from jobs where id = ?").param(job)
                .query(String.class).optional().orElse(null);
        assertThat(state(jdbc, job)).as("job %s (last error: %s)", job, lastError).isEqualTo(expected);
    }

    public static String state(JdbcClient jdbc, UUID job) {
        return jdbc.sql("select state from jobs where id = ?").param(job).query(String.class).single();
    }
}
