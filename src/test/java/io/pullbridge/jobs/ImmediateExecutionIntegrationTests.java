package io.pullbridge.jobs;

import io.pullbridge.support.Api;
import io.pullbridge.support.DeleteJobs;
import io.pullbridge.support.IntegrationTest;
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
        String location = operator.post("/api/v1/registries", """
                        {"resourceId": "/subscriptions/%s/resourceGroups/rg-now/providers/Microsoft.ContainerRegistry/registries/acrnow%s"}"""
                        .formatted(UUID.randomUUID(), UUID.randomUUID().toString().substring(0, 8)))
                .andExpect(status().isAccepted())
                .andReturn().getResponse().getHeader("Location");

        UUID job = DeleteJobs.accepted(operator.delete(location));

        DeleteJobs.awaitSucceeded(jdbc, job);
        Api.reader(mvc).get(location).andExpect(status().isNotFound());
    }
}
