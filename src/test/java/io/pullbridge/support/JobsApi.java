package io.pullbridge.support;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** Jobs as a caller follows them through the API: a resource's latest job, and waiting for a job to end. */
public final class JobsApi {

    private static final List<String> ENDED = List.of("succeeded", "failed", "cancelled");

    private JobsApi() {
    }

    /** The newest job on the target ({@code GET /api/v1/jobs?targetId=}). */
    public static JsonNode latest(MockMvc mvc, ObjectMapper json, UUID target) {
        try {
            JsonNode items = json.readTree(Api.reader(mvc).get("/api/v1/jobs?targetId=" + target).andReturn()
                    .getResponse().getContentAsString()).get("items");
            return items.get(items.size() - 1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits for the target's newest job to end and asserts how it ended. */
    public static JsonNode awaitLatest(MockMvc mvc, ObjectMapper json, UUID target, String state, Duration timeout) {
        Awaitility.await("the latest job of " + target + " to end").atMost(timeout)
                .until(() -> ENDED.contains(latest(mvc, json, target).get("state").asText()));
        JsonNode job = latest(mvc, json, target);
        assertThat(job.get("state").asText()).as("job %s", job).isEqualTo(state);
        return job;
    }

    /** Waits for the job at {@code location} ({@code /api/v1/jobs/{id}}) to end and asserts how it ended. */
    public static JsonNode await(MockMvc mvc, ObjectMapper json, String location, String state, Duration timeout) {
        JsonNode[] job = new JsonNode[1];
        Awaitility.await("job " + location + " to end").atMost(timeout).until(() -> {
            try {
                job[0] = json.readTree(Api.reader(mvc).get(location).andReturn().getResponse().getContentAsString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return ENDED.contains(job[0].get("state").asText());
        });
        assertThat(job[0].get("state").asText()).as("job %s", job[0]).isEqualTo(state);
        return job[0];
    }
}
