package io.pullbridge.jobs;

import com.jayway.jsonpath.JsonPath;
import io.pullbridge.support.Api;
import io.pullbridge.support.IntegrationTest;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasSize;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

@IntegrationTest
class JobIntegrationTests {

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @Test
    void jobsAreReadableFilterableAndPaginated() throws Exception {
        UUID target = UUID.randomUUID();
        Instant base = Instant.now().truncatedTo(ChronoUnit.MICROS);
        UUID failed = job("registry.verify", target, "failed", base);
        job("registry.verify", target, "succeeded", base.plusMillis(1));
        job("binding.apply", UUID.randomUUID(), "queued", base.plusMillis(2));
        Api reader = Api.reader(mvc);

        reader.get("/api/v1/jobs/" + failed)
                .andExpect(status().isOk())
                .andExpect(header().exists("ETag"))
                .andExpect(jsonPath("$.type").value("registry.verify"))
                .andExpect(jsonPath("$.target.kind").value("registry"))
                .andExpect(jsonPath("$.target.id").value(target.toString()))
                .andExpect(jsonPath("$.state").value("failed"))
                .andExpect(jsonPath("$.steps[0].name").value("read-registry"))
                .andExpect(jsonPath("$.lastError.type").value("https://pullbridge.io/problems/azure-not-found"));

        reader.get("/api/v1/jobs?targetId=" + target).andExpect(jsonPath("$.items", hasSize(2)));
        reader.get("/api/v1/jobs?targetId=" + target + "&state=failed")
                .andExpect(jsonPath("$.items", hasSize(1)))
                .andExpect(jsonPath("$.items[0].id").value(failed.toString()));
        reader.get("/api/v1/jobs?type=binding.apply&since=" + base).andExpect(jsonPath("$.items", hasSize(1)));

        String next = reader.get("/api/v1/jobs?targetId=" + target + "&limit=1")
                .andExpect(jsonPath("$.items[0].id").value(failed.toString()))
                .andExpect(jsonPath("$.nextPageToken").exists())
                .andReturn().getResponse().getContentAsString().replaceAll(".*\"nextPageToken\":\"([^\"]+)\".*", "$1");
        reader.get("/api/v1/jobs?targetId=" + target + "&limit=1&pageToken=" + next)
                .andExpect(jsonPath("$.items[0].state").value("succeeded"))
                .andExpect(jsonPath("$.nextPageToken").doesNotExist());
    }

    @Test
    void pagesOldestFirstOrNewestFirstWithoutGapsOrDuplicatesAndATokenKeepsItsOrder() throws Exception {
        UUID target = UUID.randomUUID();
        Instant base = Instant.parse("2026-03-01T10:00:00Z");
        record Stored(Instant at, UUID id) {
        }
        List<Stored> stored = new ArrayList<>();
        // Jobs created at the same moment are ordered by id, in both directions.
        for (int i = 0; i < 8; i++) {
            Instant at = i % 3 == 0 ? base : base.plusSeconds(i);
            stored.add(new Stored(at, job("registry.verify", target, "succeeded", at)));
        }
        // PostgreSQL orders uuids byte by byte, as their hex text sorts (UUID.compareTo compares signed halves).
        stored.sort(Comparator.comparing(Stored::at).thenComparing(job -> job.id().toString()));
        List<String> oldestFirst = stored.stream().map(job -> job.id().toString()).toList();
        List<String> newestFirst = new ArrayList<>(oldestFirst);
        Collections.reverse(newestFirst);

        assertThat(walk("?targetId=" + target + "&limit=3")).containsExactlyElementsOf(oldestFirst);
        assertThat(walk("?targetId=" + target + "&limit=3&order=asc")).containsExactlyElementsOf(oldestFirst);
        assertThat(walk("?targetId=" + target + "&limit=3&order=desc")).containsExactlyElementsOf(newestFirst);
        assertThat(walk("?targetId=" + target + "&limit=1&order=desc&state=succeeded"))
                .containsExactlyElementsOf(newestFirst);

        String first = Api.reader(mvc).get("/api/v1/jobs?targetId=" + target + "&limit=2&order=desc")
                .andReturn().getResponse().getContentAsString();
        String token = JsonPath.read(first, "$.nextPageToken");
        Api.reader(mvc).get("/api/v1/jobs?targetId=" + target + "&limit=2&order=asc&pageToken=" + token)
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.errors[0].field").value("pageToken"))
                .andExpect(jsonPath("$.errors[0].message").value(
                        "was returned for order=desc; pass order=desc with it, or start again without it"));
        Api.reader(mvc).get("/api/v1/jobs?order=latest")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("order"));
    }

    @Test
    void anUnknownJobOrStateIsAProblem() throws Exception {
        Api.reader(mvc).get("/api/v1/jobs/" + UUID.randomUUID())
                .andExpect(status().isNotFound())
                .andExpect(content().contentType("application/problem+json"));
        Api.reader(mvc).get("/api/v1/jobs?state=finished")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("state"))
                .andExpect(jsonPath("$.errors[0].message")
                        .value("must be one of queued, running, succeeded, failed, cancelled"));
    }

    /** Every id the jobs list yields, following nextPageToken to its end. */
    private List<String> walk(String query) throws Exception {
        List<String> seen = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            String page = Api.reader(mvc).get("/api/v1/jobs" + query + (token == null ? "" : "&pageToken=" + token))
                    .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
            seen.addAll(JsonPath.<List<String>>read(page, "$.items[*].id"));
            token = JsonPath.<List<String>>read(page, "$..nextPageToken").stream().findFirst().orElse(null);
        } while (token != null && ++pages < 20);
        return seen;
    }

    private UUID job(String type, UUID target, String state, Instant createdAt) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                insert into jobs (id, type, target_kind, target_id, state, attempts, steps, last_error, requested_by,
                  created_at)
                values (?, ?, 'registry', ?, ?, 1,
                  '[{"name": "read-registry", "state": "failed", "detail": "registry not found"}]'::jsonb,
                  '{"type": "https://pullbridge.io/problems/azure-not-found", "status": 404}'::jsonb, 'user-operator', ?)""")
                .params(id, type, target, state, Timestamp.from(createdAt)).update();
        return id;
    }
}
