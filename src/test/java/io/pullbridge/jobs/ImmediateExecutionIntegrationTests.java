package io.pullbridge.jobs;

import io.pullbridge.support.Api;
import io.pullbridge.support.DeleteJobs;
import io.pullbridge.support.IntegrationTest;
import io.pullbridge.support.Registries;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * A job enqueued by a request runs as soon as the request's transaction commits, not at the scheduler's next poll:
 * with polling once an hour, only that wake-up can run it within the wait.
 */
@IntegrationTest
@TestPropertySource(properties = "db-scheduler.polling-interval=PT1H")
class ImmediateExecutionIntegrationTests {

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aJobEnqueuedByARequestRunsOnceTheRequestCommits() throws Exception {
        Api operator = Api.operator(mvc);
        // Registering enqueues the registry's create job: it too must run within the wait, not at the next poll.
        String location = Registries.registered(operator, mvc, jdbc, Registries.seeded(UUID.randomUUID().toString(),
                "rg-now", "acrnow" + UUID.randomUUID().toString().substring(0, 8))).location();

        UUID job = DeleteJobs.accepted(operator.delete(location));

        DeleteJobs.awaitSucceeded(jdbc, job);
        Api.reader(mvc).get(location).andExpect(status().isNotFound());
    }
}
