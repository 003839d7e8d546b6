package io.pullbridge.jobs;

import com.jayway.jsonpath.JsonPath;
import io.pullbridge.support.Api;
import io.pullbridge.support.IntegrationTest;
import io.pullbridge.support.Registries;
import io.pullbridge.web.RequestContext;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.MDC;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasSize;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Ticket correlation: the {@code X-Correlation-Id} of a write is echoed, carried by the job it enqueues (and by the
 * jobs that job enqueues in turn) and by every audit event of the request and of those jobs, and finds the jobs again.
 */
@IntegrationTest
@Import(CorrelationIdIntegrationTests.FollowUps.class)
class CorrelationIdIntegrationTests {

    private static final String HEADER = "X-Correlation-Id";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** A job type whose run enqueues a follow-up job, as a credential rotation enqueues its bindings' updates. */
    @TestConfiguration(proxyBeanMethods = false)
    static class FollowUps {

        static final String PARENT = "test.parent";
        static final String CHILD = "test.child";

        @Bean
        JobHandler followUpHandler(ObjectProvider<JobService> jobs) {
            return new JobHandler() {
                @Override
                public Set<String> types() {
                    return Set.of(PARENT, CHILD);
                }

                @Override
                public JobResult handle(JobContext context) {
                    if (context.type().equals(PARENT)) {
                        context.fenced(() -> jobs.getObject().enqueue(JobRequest.of(CHILD, "test", context.targetId())));
                    }
                    return JobResult.done();
                }
            };
        }
    }

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    JobService jobs;

    @Autowired
    TransactionTemplate tx;

    @Test
    void aWritesTicketIsEchoedAndCarriedByItsJobAndEveryAuditEventOfTheRequestAndTheJob() throws Exception {
        String ticket = "INC-" + suffix();
        String resourceId = Registries.seeded();

        MockHttpServletResponse created = Api.operator(mvc).perform(Api.jsonPost("/api/v1/registries",
                        "{\"resourceId\": \"" + resourceId + "\"}").header(HEADER, ticket))
                .andExpect(status().isAccepted())
                .andExpect(header().string(HEADER, ticket))
                .andReturn().getResponse();
        String registryId = JsonPath.read(created.getContentAsString(), "$.id");
        UUID job = Registries.jobOf(created);
        Registries.awaitSucceeded(jdbc, job);

        Api.reader(mvc).get("/api/v1/jobs/" + job)
                .andExpect(jsonPath("$.correlationId").value(ticket));
        Api.reader(mvc).get("/api/v1/jobs?correlationId=" + ticket)
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.items", hasSize(1)))
                .andExpect(jsonPath("$.items[0].id").value(job.toString()))
                .andExpect(jsonPath("$.items[0].correlationId").value(ticket));
        // The request's own event and the engine's events of the job it enqueued.
        String events = Api.admin(mvc).get("/api/v1/audit-events?resourceId=" + registryId)
                .andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(JsonPath.<List<String>>read(events, "$.items[*].action"))
                .containsExactly("registry.create", "job.start", "job.end");
        assertThat(JsonPath.<List<String>>read(events, "$.items[*].correlationId"))
                .containsExactly(ticket, ticket, ticket);
        assertThat(jdbc.sql("select count(*) from audit_events where correlation_id = ?").param(ticket)
                .query(Long.class).single()).isEqualTo(3);
    }

    @Test
    void aWriteWithoutATicketCarriesNoneAndTheFilterFindsOnlyItsOwnTicketsJobs() throws Exception {
        String ticket = "CHG/" + suffix();
        UUID mine = register(ticket);
        UUID untagged = register(null);
        register("CHG/" + suffix());

        Api.reader(mvc).get("/api/v1/jobs/" + untagged)
                .andExpect(jsonPath("$.correlationId").doesNotExist());
        Api.reader(mvc).get("/api/v1/jobs?correlationId=" + ticket)
                .andExpect(jsonPath("$.items", hasSize(1)))
                .andExpect(jsonPath("$.items[0].id").value(mine.toString()));
        Api.reader(mvc).get("/api/v1/jobs?correlationId=" + "x".repeat(129))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.errors[0].field").value("correlationId"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "two words", "ticket;drop", "<script>", "é-ticket", "129"})
    void aMalformedTicketIsA400NamingTheHeaderAndChangesNothing(String value) throws Exception {
        String ticket = value.equals("129") ? "T".repeat(129) : value;
        String resourceId = Registries.seeded();

        Api.operator(mvc).perform(Api.jsonPost("/api/v1/registries", "{\"resourceId\": \"" + resourceId + "\"}")
                        .header(HEADER, ticket))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value("https://pullbridge.io/problems/validation-failed"))
                .andExpect(jsonPath("$.errors[0].field").value(HEADER))
                .andExpect(header().doesNotExist(HEADER));

        assertThat(jdbc.sql("select count(*) from registries where resource_id = ?").param(resourceId)
                .query(Long.class).single()).isZero();
        assertThat(jdbc.sql("select count(*) from audit_events where action = 'registry.create' and detail = ?")
                .param(resourceId).query(Long.class).single()).isZero();
    }

    @Test
    void aTicketSentTwiceIsRefused() throws Exception {
        String resourceId = Registries.seeded();

        Api.operator(mvc).perform(Api.jsonPost("/api/v1/registries", "{\"resourceId\": \"" + resourceId + "\"}")
                        .header(HEADER, "INC-1", "INC-2"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value(HEADER));

        assertThat(jdbc.sql("select count(*) from registries where resource_id = ?").param(resourceId)
                .query(Long.class).single()).isZero();
    }

    @Test
    void aJobEnqueuedByAJobsRunCarriesTheTicketOfTheRequestBehindIt() {
        String ticket = "JIRA-" + suffix();
        UUID target = UUID.randomUUID();
        // What the web module does for a request that carries the header.
        MDC.put(RequestContext.CORRELATION_ID_MDC_KEY, ticket);
        UUID parent;
        try {
            parent = tx.execute(status -> jobs.enqueue(JobRequest.of(FollowUps.PARENT, "test", target))).id();
        } finally {
            MDC.remove(RequestContext.CORRELATION_ID_MDC_KEY);
        }

        await("the follow-up job to succeed").atMost(TIMEOUT).until(() -> "succeeded".equals(jdbc.sql(
                "select state from jobs where type = ? and target_id = ?").params(FollowUps.CHILD, target)
                .query(String.class).optional().orElse(null)));

        assertThat(jdbc.sql("select correlation_id from jobs where target_id = ? order by created_at, id")
                .param(target).query(String.class).list()).containsExactly(ticket, ticket);
        assertThat(jdbc.sql("select state from jobs where id = ?").param(parent).query(String.class).single())
                .isEqualTo("succeeded");
        // The engine's events of both runs carry it too; a run that had none leaves no ticket behind on its thread.
        assertThat(jdbc.sql("select distinct correlation_id from audit_events where resource_id = ?")
                .param(target.toString()).query(String.class).list()).containsExactly(ticket);
    }

    private UUID register(String ticket) throws Exception {
        var request = Api.jsonPost("/api/v1/registries", "{\"resourceId\": \"" + Registries.seeded() + "\"}");
        if (ticket != null) {
            request.header(HEADER, ticket);
        }
        UUID job = Registries.jobOf(Api.operator(mvc).perform(request).andExpect(status().isAccepted())
                .andReturn().getResponse());
        Registries.awaitSucceeded(jdbc, job);
        return job;
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
