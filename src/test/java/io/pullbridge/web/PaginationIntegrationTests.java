package io.pullbridge.web;

import com.jayway.jsonpath.JsonPath;
import io.pullbridge.support.Api;
import io.pullbridge.support.IntegrationTest;
import io.pullbridge.support.Registries;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasSize;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** Keyset pagination and filters, exercised on registries (every list uses {@link PageQuery}). */
@IntegrationTest
class PaginationIntegrationTests {

    private static final String REGISTRIES = "/api/v1/registries";

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @Test
    void walksEveryItemOnceInCreationOrder() throws Exception {
        UUID subscription = UUID.randomUUID();
        List<String> created = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            created.add(create(subscription, "rg-pages", "acrpage" + i + suffix()));
        }

        List<String> seen = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        String token = null;
        do {
            String page = Api.reader(mvc).get(REGISTRIES + "?limit=3&subscriptionId=" + subscription
                            + (token == null ? "" : "&pageToken=" + token))
                    .andExpect(status().isOk())
                    .andExpect(content().contentType("application/json"))
                    .andReturn().getResponse().getContentAsString();
            List<String> ids = JsonPath.read(page, "$.items[*].id");
            seen.addAll(ids);
            pageSizes.add(ids.size());
            token = JsonPath.<List<String>>read(page, "$..nextPageToken").stream().findFirst().orElse(null);
        } while (token != null && pageSizes.size() < 10);

        assertThat(pageSizes).containsExactly(3, 3, 1);
        assertThat(seen).containsExactlyElementsOf(created);
    }

    @Test
    void aPageThatEndsExactlyOnTheLastItemHasNoNextToken() throws Exception {
        UUID subscription = UUID.randomUUID();
        for (int i = 1; i <= 3; i++) {
            create(subscription, "rg-exact", "acrexact" + i + suffix());
        }

        Api.reader(mvc).get(REGISTRIES + "?limit=3&subscriptionId=" + subscription)
                .andExpect(jsonPath("$.items", hasSize(3)))
                .andExpect(jsonPath("$.nextPageToken").doesNotExist());
        Api.reader(mvc).get(REGISTRIES + "?limit=2&subscriptionId=" + subscription)
                .andExpect(jsonPath("$.items", hasSize(2)))
                .andExpect(jsonPath("$.nextPageToken").isString());
    }

    @Test
    void anEmptyListIsAnEmptyPage() throws Exception {
        Api.reader(mvc).get(REGISTRIES + "?subscriptionId=" + UUID.randomUUID())
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.items", hasSize(0)))
                .andExpect(jsonPath("$.nextPageToken").doesNotExist());
    }

    @Test
    void itemsCreatedWhileWalkingDoNotShiftThePagesAlreadyRead() throws Exception {
        UUID subscription = UUID.randomUUID();
        List<String> created = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            created.add(create(subscription, "rg-walk", "acrwalk" + i + suffix()));
        }
        String first = Api.reader(mvc).get(REGISTRIES + "?limit=2&subscriptionId=" + subscription)
                .andReturn().getResponse().getContentAsString();
        String token = JsonPath.read(first, "$.nextPageToken");

        created.add(create(subscription, "rg-walk", "acrwalk5" + suffix()));

        String second = Api.reader(mvc).get(REGISTRIES + "?limit=10&subscriptionId=" + subscription
                + "&pageToken=" + token).andReturn().getResponse().getContentAsString();
        List<String> seen = new ArrayList<>(JsonPath.<List<String>>read(first, "$.items[*].id"));
        seen.addAll(JsonPath.read(second, "$.items[*].id"));
        assertThat(seen).containsExactlyElementsOf(created);
    }

    @Test
    void theDefaultPageHoldsFifty() throws Exception {
        UUID subscription = UUID.randomUUID();
        create(subscription, "rg-default", "acrdefault" + suffix());
        Api.reader(mvc).get(REGISTRIES + "?subscriptionId=" + subscription)
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.items", hasSize(1)));
        Api.reader(mvc).get(REGISTRIES + "?limit=500&subscriptionId=" + subscription)
                .andExpect(status().isOk());
        Api.reader(mvc).get(REGISTRIES + "?limit=1&subscriptionId=" + subscription)
                .andExpect(status().isOk());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "501", "100000"})
    void aLimitOutsideOneTo500IsRefused(String limit) throws Exception {
        refused(REGISTRIES + "?limit=" + limit, "limit", "must be between 1 and 500");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ten", "1.5", "99999999999"})
    void aLimitThatIsNotANumberIsRefused(String limit) throws Exception {
        refused(REGISTRIES + "?limit=" + limit, "limit", "must be a number");
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "!!!", "djE6eDp5Ono", "djI6MTc2MzkwMDAwMDowOjZmMWMyYTBlLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwMQ"})
    void aPageTokenThisApiDidNotIssueIsRefused(String pageToken) throws Exception {
        refused(REGISTRIES + "?pageToken=" + pageToken, "pageToken", "is not a token this API returned; start again without it");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "v1:99999999999999999:0:6f1c2a0e-0000-4000-8000-000000000001",
            "v1:-99999999999999999:0:6f1c2a0e-0000-4000-8000-000000000001",
            "v1:0:9223372036854775807:6f1c2a0e-0000-4000-8000-000000000001",
            "v1:1763900000:-1:6f1c2a0e-0000-4000-8000-000000000001",
            "v1:9000000000000:0:6f1c2a0e-0000-4000-8000-000000000001",
            "v1:9223372036854775807:999999999:6f1c2a0e-0000-4000-8000-000000000001"})
    void aForgedPageTokenOutsideTheTimelineIsRefusedNotAnError(String raw) throws Exception {
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
        refused(REGISTRIES + "?pageToken=" + token, "pageToken", "is not a token this API returned; start again without it");
    }

    @Test
    void filtersByNameSubscriptionAndResourceGroup() throws Exception {
        UUID subscription = UUID.randomUUID();
        UUID otherSubscription = UUID.randomUUID();
        String name = "acrfilter" + suffix();
        String a = create(subscription, "rg-Alpha", name);
        // Not in Azure: its create job fails, so the phase filter has two phases to tell apart.
        String b = createMissing(subscription, "rg-beta", "acrother" + suffix());
        String c = create(otherSubscription, "rg-alpha", "acrthird" + suffix());

        assertThat(ids("?subscriptionId=" + subscription)).containsExactly(a, b);
        assertThat(ids("?subscriptionId=" + otherSubscription)).containsExactly(c);
        assertThat(ids("?name=" + name)).containsExactly(a);
        assertThat(ids("?name=" + name.toUpperCase())).containsExactly(a);
        assertThat(ids("?subscriptionId=" + subscription + "&resourceGroup=rg-alpha")).containsExactly(a);
        assertThat(ids("?subscriptionId=" + subscription + "&resourceGroup=RG-BETA")).containsExactly(b);
        assertThat(ids("?resourceGroup=rg-alpha&name=" + name)).containsExactly(a);
        assertThat(ids("?subscriptionId=" + otherSubscription + "&name=" + name)).isEmpty();
        assertThat(ids("?subscriptionId=" + subscription + "&phase=Ready")).containsExactly(a);
        assertThat(ids("?subscriptionId=" + subscription + "&phase=Failed")).containsExactly(b);
        assertThat(ids("?subscriptionId=" + subscription + "&phase=Pending")).isEmpty();
    }

    @Test
    void filtersAndPagesTogether() throws Exception {
        UUID subscription = UUID.randomUUID();
        List<String> inGroup = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            inGroup.add(create(subscription, "rg-paged", "acrpaged" + i + suffix()));
            create(subscription, "rg-noise", "acrnoise" + i + suffix());
        }

        String first = Api.reader(mvc).get(REGISTRIES + "?limit=2&resourceGroup=rg-paged&subscriptionId=" + subscription)
                .andReturn().getResponse().getContentAsString();
        String token = JsonPath.read(first, "$.nextPageToken");
        String rest = Api.reader(mvc).get(REGISTRIES + "?limit=3&resourceGroup=rg-paged&subscriptionId="
                + subscription + "&pageToken=" + token).andReturn().getResponse().getContentAsString();

        List<String> seen = new ArrayList<>(JsonPath.<List<String>>read(first, "$.items[*].id"));
        seen.addAll(JsonPath.read(rest, "$.items[*].id"));
        assertThat(seen).containsExactlyElementsOf(inGroup);
        assertThat(JsonPath.<List<String>>read(rest, "$..nextPageToken")).isEmpty();
    }

    private void refused(String path, String field, String message) throws Exception {
        Api.reader(mvc).get(path)
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value("https://pullbridge.io/problems/validation-failed"))
                .andExpect(jsonPath("$.errors", hasSize(1)))
                .andExpect(jsonPath("$.errors[0].field").value(field))
                .andExpect(jsonPath("$.errors[0].message").value(message));
    }

    private List<String> ids(String query) throws Exception {
        return JsonPath.read(Api.reader(mvc).get(REGISTRIES + query).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString(), "$.items[*].id");
    }

    /** Registers a registry that exists in Azure and waits for its create job, so it is {@code Ready}. */
    private String create(UUID subscription, String resourceGroup, String name) throws Exception {
        return Registries.registered(mvc, jdbc, Registries.seeded(subscription.toString(), resourceGroup, name))
                .id().toString();
    }

    /** Registers a registry Azure does not have and waits for its create job to fail, so it is {@code Failed}. */
    private String createMissing(UUID subscription, String resourceGroup, String name) throws Exception {
        var created = Api.operator(mvc).post(REGISTRIES, """
                        {"resourceId": "/subscriptions/%s/resourceGroups/%s/providers/Microsoft.ContainerRegistry/registries/%s"}"""
                        .formatted(subscription, resourceGroup, name))
                .andExpect(status().isAccepted())
                .andReturn().getResponse();
        UUID job = Registries.jobOf(created);
        await("registry create job " + job + " to fail").atMost(Registries.TIMEOUT).until(() -> "failed".equals(
                jdbc.sql("select state from jobs where id = ?").param(job).query(String.class).single()));
        String location = created.getHeader(HttpHeaders.LOCATION);
        return location.substring(location.lastIndexOf('/') + 1);
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
