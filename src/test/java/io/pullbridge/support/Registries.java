package io.pullbridge.support;

import io.pullbridge.support.azure.AzureEmulator;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * A registry as a test fixture: one that exists in the shared Azure emulator (in a fresh subscription, so tests do
 * not see each other's), registered through the API, with its {@code registry.create} job ended, so its row (and
 * ETag) stays still from then on.
 */
public final class Registries {

    /** A create job normally ends within milliseconds; the bound only keeps a broken build from hanging. */
    public static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static final Set<String> ENDED = Set.of("succeeded", "failed", "cancelled");

    private Registries() {
    }

    /** A registered registry: where it is, its ETag once its create job ended, and that job. */
    public record Registered(UUID id, String location, String resourceId, String etag, UUID job) {
    }

    /** Seeds a registry in the emulator (fresh subscription, resource group {@code rg-shared}) and returns its ARM id. */
    public static String seeded() {
        return seeded(UUID.randomUUID().toString(), "rg-shared",
                "acr" + UUID.randomUUID().toString().replace("-", "").substring(0, 20));
    }

    /** Seeds the given registry in the emulator and returns its ARM id. */
    public static String seeded(String subscription, String resourceGroup, String name) {
        AzureEmulator azure = AzureEmulator.shared();
        azure.addSubscription(subscription).addResourceGroup(subscription, resourceGroup);
        azure.addRegistry(subscription, resourceGroup, name);
        return "/subscriptions/" + subscription + "/resourceGroups/" + resourceGroup
                + "/providers/Microsoft.ContainerRegistry/registries/" + name;
    }

    /** Registers a freshly seeded registry as an operator and waits for it to be {@code Ready}. */
    public static Registered registered(MockMvc mvc, JdbcClient jdbc) throws Exception {
        return registered(mvc, jdbc, seeded());
    }

    /** Registers the (already seeded) registry as an operator and waits for its create job to succeed. */
    public static Registered registered(MockMvc mvc, JdbcClient jdbc, String resourceId) throws Exception {
        return registered(Api.operator(mvc), mvc, jdbc, resourceId);
    }

    /** Registers the (already seeded) registry as the given caller and waits for its create job to succeed. */
    public static Registered registered(Api caller, MockMvc mvc, JdbcClient jdbc, String resourceId)
            throws Exception {
        MockHttpServletResponse created = caller.post("/api/v1/registries",
                        "{\"resourceId\": \"" + resourceId + "\"}")
                .andExpect(status().isAccepted())
                .andReturn().getResponse();
        String location = created.getHeader(HttpHeaders.LOCATION);
        UUID job = jobOf(created);
        awaitSucceeded(jdbc, job);
        String etag = Api.reader(mvc).get(location).andExpect(status().isOk())
                .andReturn().getResponse().getHeader(HttpHeaders.ETAG);
        return new Registered(UUID.fromString(location.substring(location.lastIndexOf('/') + 1)), location,
                resourceId, etag, job);
    }

    /** The create job named by a create answer's {@code Operation-Location}. */
    public static UUID jobOf(MockHttpServletResponse created) {
        String operation = created.getHeader("Operation-Location");
        assertThat(operation).as("Operation-Location").matches("/api/v1/jobs/[0-9a-f-]{36}");
        return UUID.fromString(operation.substring(operation.lastIndexOf('/') + 1));
    }

    /** Waits for a registry's create job to end, and checks that it succeeded (the registry is {@code Ready}). */
    public static void awaitSucceeded(JdbcClient jdbc, UUID job) {
        await("registry create job " + job + " to end").atMost(TIMEOUT).until(() -> ENDED.contains(state(jdbc, job)));
        String lastError = jdbc.sql("select last_error::text from jobs where id = ?").param(job)
                .query(String.class).optional().orElse(null);
        assertThat(state(jdbc, job)).as("registry create job %s (last error: %s)", job, lastError)
                .isEqualTo("succeeded");
    }

    private static String state(JdbcClient jdbc, UUID job) {
        return jdbc.sql("select state from jobs where id = ?").param(job).query(String.class).single();
    }
}
