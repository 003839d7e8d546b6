package io.pullbridge.audit;

import com.jayway.jsonpath.JsonPath;
import io.pullbridge.support.Api;
import io.pullbridge.support.DeleteJobs;
import io.pullbridge.support.IntegrationTest;
import io.pullbridge.support.Registries;
import io.pullbridge.support.TestTokens;
import io.pullbridge.web.RequestContext;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.hamcrest.Matchers.hasSize;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** The audit trail as an Admin reads it: who did what to which resource, under which request, and how it ended. */
@IntegrationTest
class AuditIntegrationTests {

    private static final String EVENTS = "/api/v1/audit-events";

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    AuditLog audit;

    @Autowired
    PlatformTransactionManager transactions;

    @Test
    void aSuccessfulCreateWritesOneSuccessEventWithCallerResourceAndRequestId() throws Exception {
        String subject = "auditor-" + UUID.randomUUID();
        String requestId = "req-" + UUID.randomUUID();
        String resourceId = registryId();

        var created = as(subject, "Operator", post("/api/v1/registries").contentType("application/json")
                        .content(body(resourceId)).header("X-Request-Id", requestId))
                .andExpect(status().isAccepted())
                .andReturn().getResponse();
        String id = JsonPath.read(created.getContentAsString(), "$.id");
        Registries.awaitSucceeded(jdbc, Registries.jobOf(created));

        // The create job that read the registry from Azure writes its own events, as the engine.
        assertThat(trail(id)).containsExactly("registry.create by " + subject,
                "job.start by " + RequestContext.SYSTEM_ACTOR, "job.end by " + RequestContext.SYSTEM_ACTOR);
        Map<String, Object> event = jdbc.sql("select * from audit_events where resource_id = ? and actor = ?")
                .param(id).param(subject).query().singleRow();
        assertThat(event.get("action")).isEqualTo("registry.create");
        assertThat(event.get("outcome")).isEqualTo("success");
        assertThat(event.get("actor")).isEqualTo(subject);
        assertThat(event.get("resource_kind")).isEqualTo("registry");
        assertThat(event.get("request_id")).isEqualTo(requestId);
        assertThat(event.get("detail")).isEqualTo(resourceId);
        assertThat(jdbc.sql("select count(*) from audit_events where request_id = ?").param(requestId)
                .query(Long.class).single()).isEqualTo(1);

        Api.admin(mvc).get(EVENTS + "?resourceId=" + id + "&actor=" + subject)
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.items", hasSize(1)))
                .andExpect(jsonPath("$.items[0].action").value("registry.create"))
                .andExpect(jsonPath("$.items[0].actor").value(subject))
                .andExpect(jsonPath("$.items[0].resourceKind").value("registry"))
                .andExpect(jsonPath("$.items[0].resourceId").value(id))
                .andExpect(jsonPath("$.items[0].outcome").value("success"))
                .andExpect(jsonPath("$.items[0].requestId").value(requestId))
                .andExpect(jsonPath("$.items[0].occurredAt").isString())
                .andExpect(jsonPath("$.items[0].httpStatus").doesNotExist());
    }

    @Test
    void aDeleteWritesItsOwnEvents() throws Exception {
        String subject = "remover-" + UUID.randomUUID();
        String resourceId = registryId();
        var created = as(subject, "Operator", post("/api/v1/registries").contentType("application/json")
                .content(body(resourceId))).andExpect(status().isAccepted()).andReturn().getResponse();
        String location = created.getHeader(HttpHeaders.LOCATION);
        String id = location.substring(location.lastIndexOf('/') + 1);
        Registries.awaitSucceeded(jdbc, Registries.jobOf(created));

        UUID job = DeleteJobs.accepted(as(subject, "Operator", delete(location)));
        DeleteJobs.awaitSucceeded(jdbc, job);

        // The caller asked for the delete and, through its job, removed the registry; the engine ran the jobs
        // (first the create job that read the registry from Azure).
        assertThat(trail(id)).containsExactly(
                        "registry.create by " + subject,
                        "job.start by " + RequestContext.SYSTEM_ACTOR,
                        "job.end by " + RequestContext.SYSTEM_ACTOR,
                        "registry.delete-requested by " + subject,
                        "job.start by " + RequestContext.SYSTEM_ACTOR,
                        "registry.delete by " + subject,
                        "job.end by " + RequestContext.SYSTEM_ACTOR);
        assertThat(jdbc.sql("select detail from audit_events where action = 'registry.delete' and resource_id = ?")
                .param(id).query(String.class).single()).isEqualTo(resourceId);
    }

    @Test
    void aRefusedWriteIsAFailureEventWithItsStatusAndNoSuccessEvent() throws Exception {
        String subject = "clumsy-" + UUID.randomUUID();
        String requestId = "req-" + UUID.randomUUID();
        Timestamp since = Timestamp.from(Instant.now());

        as(subject, "Operator", post("/api/v1/registries").contentType("application/json").header("X-Request-Id", requestId)
                .content("{\"resourceId\": \"/subscriptions/not-a-guid/resourceGroups/rg/providers/"
                        + "Microsoft.ContainerRegistry/registries/contosoacr\"}"))
                .andExpect(status().isBadRequest());

        Map<String, Object> event = jdbc.sql("select * from audit_events where request_id = ?").param(requestId)
                .query().singleRow();
        assertThat(event.get("outcome")).isEqualTo("failure");
        assertThat(event.get("http_status")).isEqualTo(400);
        assertThat(event.get("actor")).isEqualTo(subject);
        assertThat(event.get("action")).isEqualTo("POST /api/v1/registries");
        assertThat((String) event.get("detail")).contains("validation-failed").contains("resourceId");
        assertThat(jdbc.sql("select count(*) from registries where created_at >= ?").param(since)
                .query(Long.class).single()).as("registries stored since the refused request").isZero();
    }

    @Test
    void aRolledBackChangeLeavesNoSuccessEvent() {
        UUID resource = UUID.randomUUID();
        TransactionTemplate transaction = new TransactionTemplate(transactions);

        assertThatIllegalStateException().isThrownBy(() -> transaction.executeWithoutResult(status -> {
            audit.record("registry.create", "registry", resource, "about to fail");
            throw new IllegalStateException("the change failed after it was audited");
        }));

        assertThat(eventsFor(resource)).isZero();
        transaction.executeWithoutResult(status -> audit.record("registry.create", "registry", resource, "kept"));
        assertThat(eventsFor(resource)).isEqualTo(1);
    }

    @Test
    void aChangeCannotBeAuditedOutsideItsTransaction() {
        UUID resource = UUID.randomUUID();

        assertThatExceptionOfType(IllegalTransactionStateException.class)
                .isThrownBy(() -> audit.record("registry.create", "registry", resource, null));
        assertThat(eventsFor(resource)).isZero();
    }

    @Test
    void listsAnActorsEventsOldestFirstFilteredByOutcomeActionAndResource() throws Exception {
        String subject = "busy-" + UUID.randomUUID();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            var created = as(subject, "Operator", post("/api/v1/registries").contentType("application/json")
                    .content(body(registryId()))).andExpect(status().isAccepted()).andReturn().getResponse();
            ids.add(JsonPath.read(created.getContentAsString(), "$.id"));
            Registries.awaitSucceeded(jdbc, Registries.jobOf(created));
        }
        as(subject, "Operator", post("/api/v1/registries").contentType("application/json").content("{\"nope\": 1}"))
                .andExpect(status().isBadRequest());
        as(subject, "Operator", get(EVENTS)).andExpect(status().isForbidden());

        assertThat(actions("?actor=" + subject)).containsExactly("registry.create", "registry.create",
                "registry.create", "POST /api/v1/registries", "GET /api/v1/audit-events");
        assertThat(field("?actor=" + subject, "resourceId")).containsExactly(ids.get(0), ids.get(1), ids.get(2));
        assertThat(field("?actor=" + subject + "&outcome=success", "resourceId")).containsExactlyElementsOf(ids);
        assertThat(field("?actor=" + subject + "&outcome=failure", "httpStatus")).containsExactly(400);
        assertThat(field("?actor=" + subject + "&outcome=denied", "httpStatus")).containsExactly(403);
        assertThat(actions("?actor=" + subject + "&action=registry.create")).hasSize(3);
        assertThat(field("?resourceId=" + ids.get(1), "actor"))
                .containsExactly(subject, RequestContext.SYSTEM_ACTOR, RequestContext.SYSTEM_ACTOR);
        assertThat(field("?resourceId=" + ids.get(1) + "&actor=" + subject, "action")).containsExactly("registry.create");
        assertThat(actions("?actor=nobody-" + UUID.randomUUID())).isEmpty();
    }

    @Test
    void filtersByTimeRangeSinceInclusiveUntilExclusive() throws Exception {
        String subject = "timely-" + UUID.randomUUID();
        for (int i = 0; i < 4; i++) {
            as(subject, "Operator", post("/api/v1/registries").contentType("application/json")
                    .content(body(registryId()))).andExpect(status().isAccepted());
        }
        List<String> times = field("?actor=" + subject, "occurredAt");
        List<String> ids = field("?actor=" + subject, "id");
        assertThat(times).hasSize(4).isSorted();

        assertThat(field("?actor=" + subject + "&since=" + times.get(1), "id")).containsExactlyElementsOf(ids.subList(1, 4));
        assertThat(field("?actor=" + subject + "&until=" + times.get(2), "id")).containsExactlyElementsOf(ids.subList(0, 2));
        assertThat(field("?actor=" + subject + "&since=" + times.get(1) + "&until=" + times.get(3), "id"))
                .containsExactlyElementsOf(ids.subList(1, 3));
        assertThat(field("?actor=" + subject + "&since=2999-01-01T00:00:00Z", "id")).isEmpty();
    }

    @Test
    void pagesThroughTheTrailWithoutGapsOrDuplicates() throws Exception {
        String subject = "paged-" + UUID.randomUUID();
        for (int i = 0; i < 5; i++) {
            as(subject, "Operator", post("/api/v1/registries").contentType("application/json")
                    .content(body(registryId()))).andExpect(status().isAccepted());
        }
        List<String> all = field("?actor=" + subject, "id");

        List<String> seen = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        String token = null;
        do {
            String page = Api.admin(mvc).get(EVENTS + "?limit=2&actor=" + subject + (token == null ? "" : "&pageToken=" + token))
                    .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
            List<String> ids = JsonPath.read(page, "$.items[*].id");
            seen.addAll(ids);
            sizes.add(ids.size());
            token = JsonPath.<List<String>>read(page, "$..nextPageToken").stream().findFirst().orElse(null);
        } while (token != null && sizes.size() < 10);

        assertThat(sizes).containsExactly(2, 2, 1);
        assertThat(seen).hasSize(5).doesNotHaveDuplicates().containsExactlyElementsOf(all);
    }

    @Test
    void badFiltersAreRefusedByName() throws Exception {
        refused("?since=yesterday", "since");
        refused("?until=2026-13-01T00:00:00Z", "until");
        refused("?limit=0", "limit");
        refused("?pageToken=garbage", "pageToken");
        refused("?since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z", "until");
        refused("?outcome=succeeded", "outcome")
                .andExpect(jsonPath("$.errors[0].message").value("must be one of success, failure, denied"));
    }

    private ResultActions refused(String query, String field) throws Exception {
        return Api.admin(mvc).get(EVENTS + query)
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.type").value("https://pullbridge.io/problems/validation-failed"))
                .andExpect(jsonPath("$.errors[0].field").value(field));
    }

    private List<String> actions(String query) throws Exception {
        return field(query, "action");
    }

    private <T> List<T> field(String query, String name) throws Exception {
        String page = Api.admin(mvc).get(EVENTS + query).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        return JsonPath.read(page, "$.items[*]." + name);
    }

    private long eventsFor(UUID resource) {
        return jdbc.sql("select count(*) from audit_events where resource_id = ?").param(resource.toString())
                .query(Long.class).single();
    }

    private ResultActions as(String subject, String role,
                             org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder request)
            throws Exception {
        return mvc.perform(request.header(HttpHeaders.AUTHORIZATION,
                "Bearer " + TestTokens.instance().token(subject, role)));
    }

    private static String body(String resourceId) {
        return "{\"resourceId\": \"" + resourceId + "\"}";
    }

    /** A registry that exists in Azure (the emulator), so its create job succeeds. */
    private static String registryId() {
        return Registries.seeded(UUID.randomUUID().toString(), "rg-audit",
                "acr" + UUID.randomUUID().toString().substring(0, 8));
    }

    /** The registry's audit trail, oldest first, as "action by actor". */
    private List<String> trail(String id) {
        return jdbc.sql("select action || ' by ' || actor from audit_events where resource_id = ? order by seq")
                .param(id).query(String.class).list();
    }
}
