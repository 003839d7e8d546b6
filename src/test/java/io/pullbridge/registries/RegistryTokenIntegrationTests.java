package io.pullbridge.registries;

import com.jayway.jsonpath.JsonPath;
import io.pullbridge.common.Reference;
import io.pullbridge.common.ResourceReferences;
import io.pullbridge.support.Api;
import io.pullbridge.support.DeleteJobs;
import io.pullbridge.support.IntegrationTest;
import io.pullbridge.support.Registries;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.ResultActions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

@IntegrationTest
class RegistryTokenIntegrationTests {

    static final String PROBLEMS = "https://pullbridge.io/problems/";

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    /** Stands in for the bindings feature, which will report the bindings that use a token. */
    @MockitoBean(name = "bindingReferences")
    ResourceReferences bindings;

    Api operator;
    UUID registryId;
    String tokens;

    @BeforeEach
    void registry() throws Exception {
        operator = Api.operator(mvc);
        registryId = newRegistry();
        tokens = "/api/v1/registries/" + registryId + "/tokens";
    }

    // ---- create ---------------------------------------------------------------------------------------------

    @Test
    void createsATokenWhoseJobMakesItReadyWithAPassword() throws Exception {
        var created = operator.post(tokens, """
                        {"name": "team-a-pull", "repositories": {"team-a/*": ["content/read", "metadata/read"],
                         "shared/base-images": ["content/read"]}, "passwordLifetime": "P30D"}""")
                .andExpect(status().isAccepted())
                .andExpect(header().string("ETag", "\"0\""))
                .andExpect(header().string("Operation-Location", startsWith("/api/v1/jobs/")))
                .andExpect(jsonPath("$.registryId").value(registryId.toString()))
                .andExpect(jsonPath("$.name").value("team-a-pull"))
                .andExpect(jsonPath("$.repositories['team-a/*']", containsInAnyOrder("content/read", "metadata/read")))
                .andExpect(jsonPath("$.repositories['shared/base-images'][0]").value("content/read"))
                .andExpect(jsonPath("$.passwordLifetime").value("P30D"))
                .andExpect(jsonPath("$.credential.set").value(false))
                .andExpect(jsonPath("$.credential.expiresAt").value(nullValue()))
                .andExpect(jsonPath("$.credential.fingerprint").value(nullValue()))
                .andExpect(jsonPath("$.createdBy").value("user-operator"))
                .andExpect(jsonPath("$.status.phase").value("Pending"))
                .andReturn().getResponse();
        String location = created.getHeader("Location");
        assertThat(location).matches(tokens + "/[0-9a-f-]{36}");
        UUID job = Registries.jobOf(created);
        Api.reader(mvc).get(location).andExpect(jsonPath("$.status.jobId").value(job.toString()));

        TokenFixtures.awaitSucceeded(jdbc, job);
        Api.reader(mvc).get(location)
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.name").value("team-a-pull"))
                .andExpect(jsonPath("$.status.phase").value("Ready"))
                .andExpect(jsonPath("$.credential.set").value(true))
                .andExpect(jsonPath("$.credential.slot").value("password1"))
                .andExpect(jsonPath("$.credential.fingerprint", startsWith("sha256:")));
        assertThat(auditDetail("registry-token.create", idOf(location)))
                .contains("team-a-pull").contains("team-a/*").contains("content/read");
    }

    @Test
    void aTokenWithoutALifetimeGetsTheConfiguredDefault() throws Exception {
        Api.reader(mvc).get(create(tokenBody("default-life")))
                .andExpect(jsonPath("$.passwordLifetime").value("P90D"));
    }

    @Test
    void tokenNamesAreUniqueInARegistryWhateverTheirCase() throws Exception {
        create(tokenBody("team-b-pull"));
        String before = snapshot();
        operator.post(tokens, tokenBody("TEAM-B-PULL"))
                .andExpect(status().isConflict())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEMS + "already-exists"))
                .andExpect(jsonPath("$.errors[0].field").value("name"));
        assertThat(snapshot()).isEqualTo(before);
        // another registry may have a token of the same name
        TokenFixtures.created(operator, jdbc, newRegistry(), tokenBody("team-b-pull"));
    }

    @Test
    void anUnknownRegistryHasNoTokens() throws Exception {
        String unknown = "/api/v1/registries/" + UUID.randomUUID() + "/tokens";
        String before = snapshot();
        notFound(operator.post(unknown, tokenBody("orphan-token")));
        notFound(Api.reader(mvc).get(unknown));
        notFound(Api.reader(mvc).get(unknown + "/" + UUID.randomUUID()));
        notFound(operator.patch(unknown + "/" + UUID.randomUUID(), "{\"passwordLifetime\": \"P30D\"}"));
        notFound(operator.delete(unknown + "/" + UUID.randomUUID()));
        notFound(operator.post(unknown + "/" + UUID.randomUUID() + ":rotate", ""));
        notFound(Api.reader(mvc).get("/api/v1/registries/not-a-registry/tokens"));
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void aTokenIsNotFoundUnderAnotherRegistry() throws Exception {
        String location = create(tokenBody("mine-only"));
        String elsewhere = "/api/v1/registries/" + newRegistry() + "/tokens/" + idOf(location);
        String before = snapshot();
        notFound(Api.reader(mvc).get(elsewhere));
        notFound(operator.patch(elsewhere, "{\"passwordLifetime\": \"P30D\"}"));
        notFound(operator.delete(elsewhere));
        notFound(operator.post(elsewhere + ":rotate", ""));
        notFound(Api.reader(mvc).get(tokens + "/" + UUID.randomUUID()));
        assertThat(snapshot()).isEqualTo(before);
    }

    static Stream<Arguments> invalidTokens() {
        String repositories = "\"repositories\": {\"team-a/*\": [\"content/read\"]}";
        String manyRepositories = IntStream.range(0, 501).mapToObj(i -> "\"repo-" + i + "\": [\"content/read\"]")
                .collect(Collectors.joining(", ", "{", "}"));
        return Stream.of(
                Arguments.of("a name is required", "{" + repositories + "}", List.of("name")),
                Arguments.of("a name of 4 characters", "{\"name\": \"abcd\", " + repositories + "}", List.of("name")),
                Arguments.of("a name of 51 characters", "{\"name\": \"" + "a".repeat(51) + "\", " + repositories + "}",
                        List.of("name")),
                Arguments.of("a name with an underscore", "{\"name\": \"team_a_pull\", " + repositories + "}",
                        List.of("name")),
                Arguments.of("a name with a space", "{\"name\": \"team a pull\", " + repositories + "}",
                        List.of("name")),
                Arguments.of("repositories are required", "{\"name\": \"team-a-pull\"}", List.of("repositories")),
                Arguments.of("repositories must not be empty", "{\"name\": \"team-a-pull\", \"repositories\": {}}",
                        List.of("repositories")),
                Arguments.of("at most 500 repositories", "{\"name\": \"team-a-pull\", \"repositories\": "
                        + manyRepositories + "}", List.of("repositories")),
                Arguments.of("an upper-case repository", "{\"name\": \"team-a-pull\", \"repositories\": "
                        + "{\"Team-A/app\": [\"content/read\"]}}", List.of("repositories.Team-A/app")),
                Arguments.of("a repository ending in a slash", "{\"name\": \"team-a-pull\", \"repositories\": "
                        + "{\"team-a/\": [\"content/read\"]}}", List.of("repositories.team-a/")),
                Arguments.of("a repository component starting with a separator", "{\"name\": \"team-a-pull\", "
                        + "\"repositories\": {\"team-a/-app\": [\"content/read\"]}}",
                        List.of("repositories.team-a/-app")),
                Arguments.of("two dots in a row", "{\"name\": \"team-a-pull\", \"repositories\": "
                        + "{\"team..a\": [\"content/read\"]}}", List.of("repositories.team..a")),
                Arguments.of("a wildcard not after a slash", "{\"name\": \"team-a-pull\", \"repositories\": "
                        + "{\"team-a*\": [\"content/read\"]}}", List.of("repositories.team-a*")),
                Arguments.of("a wildcard in the middle", "{\"name\": \"team-a-pull\", \"repositories\": "
                        + "{\"team/*/app\": [\"content/read\"]}}", List.of("repositories.team/*/app")),
                Arguments.of("a repository of 257 characters", "{\"name\": \"team-a-pull\", \"repositories\": {\""
                        + "a".repeat(257) + "\": [\"content/read\"]}}", List.of("repositories." + "a".repeat(257))),
                Arguments.of("a repository without actions", "{\"name\": \"team-a-pull\", \"repositories\": "
                        + "{\"team-a/*\": []}}", List.of("repositories.team-a/*")),
                Arguments.of("a repository with null actions", "{\"name\": \"team-a-pull\", \"repositories\": "
                        + "{\"team-a/*\": null}}", List.of("repositories.team-a/*")),
                Arguments.of("actions given as a string", "{\"name\": \"team-a-pull\", \"repositories\": "
                        + "{\"team-a/*\": \"content/read\"}}", List.of("repositories.team-a/*")),
                Arguments.of("an action ACR does not have", "{\"name\": \"team-a-pull\", \"repositories\": "
                        + "{\"team-a/*\": [\"content/read\", \"pull\"]}}", List.of("repositories.team-a/*[1]")),
                Arguments.of("a null action", "{\"name\": \"team-a-pull\", \"repositories\": "
                        + "{\"team-a/*\": [null]}}", List.of("repositories.team-a/*[0]")),
                Arguments.of("an action twice", "{\"name\": \"team-a-pull\", \"repositories\": "
                        + "{\"team-a/*\": [\"content/read\", \"metadata/read\", \"content/read\"]}}",
                        List.of("repositories.team-a/*[2]")),
                Arguments.of("a password lifetime that is no ISO-8601 duration", "{\"name\": \"team-a-pull\", "
                        + repositories + ", \"passwordLifetime\": \"90 days\"}", List.of("passwordLifetime")),
                Arguments.of("a password lifetime in months", "{\"name\": \"team-a-pull\", " + repositories
                        + ", \"passwordLifetime\": \"P3M\"}", List.of("passwordLifetime")),
                Arguments.of("a password lifetime below the minimum", "{\"name\": \"team-a-pull\", " + repositories
                        + ", \"passwordLifetime\": \"PT12H\"}", List.of("passwordLifetime")),
                Arguments.of("a password lifetime above the maximum", "{\"name\": \"team-a-pull\", " + repositories
                        + ", \"passwordLifetime\": \"P366D\"}", List.of("passwordLifetime")),
                Arguments.of("an unknown field", "{\"name\": \"team-a-pull\", " + repositories
                        + ", \"password\": \"x\"}", List.of("password")),
                Arguments.of("every broken rule at once", "{\"name\": \"a\", \"repositories\": "
                        + "{\"UP\": [\"pull\"], \"ok/*\": []}, \"passwordLifetime\": \"P0D\"}",
                        List.of("name", "repositories.UP", "repositories.UP[0]", "repositories.ok/*",
                                "passwordLifetime")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidTokens")
    void refusesAnInvalidTokenAndStoresNothing(String rule, String body, List<String> fields) throws Exception {
        String before = snapshotOf(registryId);
        operator.post(tokens, body)
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEMS + "validation-failed"))
                .andExpect(jsonPath("$.errors[*].field", containsInAnyOrder(fields.toArray())));
        assertThat(snapshotOf(registryId)).isEqualTo(before);
    }

    @Test
    void acceptsRepositoryNamesAndWildcardsAsAcrDoes() throws Exception {
        // Write and delete actions are Admin's to give (pullbridge.security.operator-token-actions).
        String location = TokenFixtures.created(Api.admin(mvc), jdbc, registryId, """
                        {"name": "Wide-Reader-01", "repositories": {
                          "hello-world": ["content/read"],
                          "team-a/*": ["content/read", "content/write", "content/delete", "metadata/read", "metadata/write"],
                          "a.b_c__d--e/f0/*": ["metadata/read"],
                          "library/nginx": ["content/read"]}}""");
        Api.reader(mvc).get(location)
                .andExpect(jsonPath("$.name").value("Wide-Reader-01"))
                .andExpect(jsonPath("$.repositories['team-a/*']", hasSize(5)));
    }

    @Test
    void writeDeleteAndMetadataWriteActionsAreAdminsToGiveAndAPatchMayKeepThem() throws Exception {
        String before = snapshotOf(registryId);
        for (String action : List.of("content/write", "content/delete", "metadata/write")) {
            operator.post(tokens, """
                            {"name": "op-token-%s", "repositories": {"team-a/*": ["content/read", "%s"]}}"""
                            .formatted(UUID.randomUUID().toString().substring(0, 8), action))
                    .andExpect(status().isForbidden())
                    .andExpect(content().contentType("application/problem+json"))
                    .andExpect(jsonPath("$.type").value(PROBLEMS + "forbidden"))
                    .andExpect(jsonPath("$.detail", containsString("giving a registry token " + action
                            + " is reserved to Admin")))
                    .andExpect(jsonPath("$.detail", containsString("Operators may give only content/read, "
                            + "metadata/read (pullbridge.security.operator-token-actions)")));
        }
        assertThat(snapshotOf(registryId)).isEqualTo(before);

        String location = TokenFixtures.created(Api.admin(mvc), jdbc, registryId, """
                {"name": "team-a-push", "repositories": {"team-a/*": ["content/read", "content/write"]}}""");
        // Keeping content/write where it is, adding only reads: an Operator's change.
        TokenFixtures.awaitSucceeded(jdbc, Registries.jobOf(operator.patch(location, """
                        {"repositories": {"team-a/*": ["content/write", "content/read", "metadata/read"],
                                          "team-b/app": ["content/read"]}}""")
                .andExpect(status().isAccepted()).andReturn().getResponse()));
        String kept = snapshotOf(registryId);
        operator.patch(location, """
                        {"repositories": {"team-a/*": ["content/read", "content/write", "content/delete"]}}""")
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.detail", containsString("giving a registry token content/delete")));
        operator.patch(location, """
                        {"repositories": {"team-a/*": ["content/read", "content/write"], "team-b/app": ["content/write"]}}""")
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.detail", containsString("giving a registry token content/write")));
        assertThat(snapshotOf(registryId)).isEqualTo(kept);
        Api.admin(mvc).patch(location, """
                        {"repositories": {"team-a/*": ["content/read", "content/write", "content/delete"]}}""")
                .andExpect(status().isAccepted());
    }

    // ---- list -----------------------------------------------------------------------------------------------

    @Test
    void listsARegistrysTokensByNameAndPhase() throws Exception {
        UUID pull = idOf(create(tokenBody("Team-C-Pull")));
        UUID push = idOf(create(tokenBody("team-c-push")));
        TokenFixtures.created(operator, jdbc, newRegistry(), tokenBody("team-c-pull"));
        jdbc.sql("update registry_tokens set phase = 'Failed' where id = ?").param(push).update();

        assertThat(ids("")).containsExactly(pull, push);
        assertThat(ids("?name=team-c-pull")).containsExactly(pull);
        assertThat(ids("?phase=Failed")).containsExactly(push);
        assertThat(ids("?phase=Ready&name=TEAM-C-PULL")).containsExactly(pull);
        assertThat(ids("?phase=Pending")).isEmpty();
        Api.reader(mvc).get(tokens + "?phase=Broken")
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.errors[0].field").value("phase"));
    }

    @Test
    void pagesOfOneWalkEveryTokenOnce() throws Exception {
        List<UUID> created = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            created.add(idOf(create(tokenBody("page-token-" + i))));
        }
        List<UUID> seen = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            MvcResult page = Api.reader(mvc).get(tokens + "?limit=1" + (token == null ? "" : "&pageToken=" + token))
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.items", hasSize(1)))
                    .andReturn();
            String json = page.getResponse().getContentAsString();
            seen.add(UUID.fromString(JsonPath.read(json, "$.items[0].id")));
            token = JsonPath.<List<String>>read(json, "$..nextPageToken").stream().findFirst().orElse(null);
            pages++;
        } while (token != null && pages < 10);
        assertThat(seen).containsExactlyElementsOf(created);
    }

    // ---- update ---------------------------------------------------------------------------------------------

    @Test
    void changingTheRepositoriesPutsTheTokenBackToPendingUntilItsJobHasRun() throws Exception {
        String location = create(tokenBody("scope-change"));
        UUID id = idOf(location);
        long version = version(id);
        var patched = operator.perform(Api.jsonPatch(location, """
                        {"repositories": {"team-a/*": ["content/read", "metadata/read"], "team-b/app": ["content/read"]}}""")
                        .header("If-Match", etag(version)))
                .andExpect(status().isAccepted())
                .andExpect(header().string("Location", location))
                .andExpect(header().string("Operation-Location", startsWith("/api/v1/jobs/")))
                .andExpect(header().string("ETag", etag(version + 1)))
                .andExpect(jsonPath("$.status.phase").value("Pending"))
                .andExpect(jsonPath("$.repositories['team-b/app'][0]").value("content/read"))
                .andReturn().getResponse();
        assertThat(jdbc.sql("select repositories::text from registry_tokens where id = ?").param(id)
                .query(String.class).single()).contains("team-b/app");
        assertThat(auditDetail("registry-token.update", id)).contains("team-b/app");
        UUID job = Registries.jobOf(patched);
        TokenFixtures.awaitSucceeded(jdbc, job);
        Api.reader(mvc).get(location)
                .andExpect(jsonPath("$.status.phase").value("Ready"))
                .andExpect(jsonPath("$.status.jobId").value(job.toString()));
        Api.reader(mvc).get("/api/v1/jobs/" + job).andExpect(jsonPath("$.type").value("registry-token.update"));
    }

    @Test
    void reorderingActionsOrChangingTheLifetimeAnswersOkAndLeavesThePhase() throws Exception {
        String location = create("""
                        {"name": "reorder-me", "repositories": {"team-a/*": ["content/read", "metadata/read"]}}""");
        long version = version(idOf(location));
        long jobs = jdbc.sql("select count(*) from jobs where target_id = ?").param(idOf(location)).query(Long.class)
                .single();
        operator.patch(location, """
                        {"repositories": {"team-a/*": ["metadata/read", "content/read"]}, "passwordLifetime": "P7D"}""")
                .andExpect(status().isOk())
                .andExpect(header().doesNotExist("Operation-Location"))
                .andExpect(header().string("ETag", etag(version + 1)))
                .andExpect(jsonPath("$.passwordLifetime").value("P7D"))
                .andExpect(jsonPath("$.repositories['team-a/*'][0]").value("metadata/read"))
                .andExpect(jsonPath("$.status.phase").value("Ready"));
        operator.patch(location, "{}").andExpect(status().isOk()).andExpect(header().string("ETag", etag(version + 1)));
        assertThat(jdbc.sql("select count(*) from jobs where target_id = ?").param(idOf(location)).query(Long.class)
                .single()).isEqualTo(jobs);
    }

    @Test
    void aTokenCannotBeRenamed() throws Exception {
        String location = create(tokenBody("fixed-name"));
        String before = snapshot();
        operator.patch(location, "{\"name\": \"other-name\"}")
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEMS + "validation-failed"))
                .andExpect(jsonPath("$.errors[0].field").value("name"))
                .andExpect(jsonPath("$.errors[0].message", containsString("immutable")));
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void anInvalidPatchChangesNothing() throws Exception {
        String location = create(tokenBody("patch-invalid"));
        String before = snapshot();
        operator.patch(location, """
                        {"repositories": {"team-a/*": ["content/read", "content/read"], "Bad": ["content/read"]},
                         "passwordLifetime": "P1000D"}""")
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEMS + "validation-failed"))
                .andExpect(jsonPath("$.errors[*].field",
                        containsInAnyOrder("repositories.team-a/*[1]", "repositories.Bad", "passwordLifetime")));
        operator.patch(location, "{\"repositories\": {}}")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("repositories"));
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void aStaleIfMatchIsRefusedOnPatchAndDelete() throws Exception {
        String location = create(tokenBody("etag-token"));
        long version = version(idOf(location));
        operator.patch(location, "{\"passwordLifetime\": \"P30D\"}").andExpect(header().string("ETag", etag(version + 1)));
        String before = snapshot();
        operator.perform(Api.jsonPatch(location, "{\"passwordLifetime\": \"P60D\"}").header("If-Match", etag(version)))
                .andExpect(status().isPreconditionFailed())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEMS + "precondition-failed"));
        operator.perform(Api.deleteRequest(location).header("If-Match", etag(version)))
                .andExpect(status().isPreconditionFailed())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEMS + "precondition-failed"));
        assertThat(snapshot()).isEqualTo(before);
        UUID job = DeleteJobs.accepted(operator.perform(Api.deleteRequest(location).header("If-Match", etag(version + 1)))
                .andExpect(header().string("ETag", etag(version + 2))));
        DeleteJobs.awaitSucceeded(jdbc, job);
        notFound(Api.reader(mvc).get(location));
        assertThat(auditDetail("registry-token.delete", idOf(location))).contains("etag-token");
    }

    // ---- delete ---------------------------------------------------------------------------------------------

    @Test
    void aTokenThatABindingUsesCannotBeDeleted() throws Exception {
        String location = create(tokenBody("bound-token"));
        UUID binding = UUID.randomUUID();
        when(bindings.referencesTo("registry-token", idOf(location)))
                .thenReturn(List.of(new Reference("binding", binding)));
        String before = snapshot();
        operator.delete(location)
                .andExpect(status().isConflict())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEMS + "resource-in-use"))
                .andExpect(jsonPath("$.references", hasSize(1)))
                .andExpect(jsonPath("$.references[0].kind").value("binding"))
                .andExpect(jsonPath("$.references[0].id").value(binding.toString()));
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void aRegistryWithTokensCannotBeDeleted() throws Exception {
        UUID first = idOf(create(tokenBody("keeps-registry-1")));
        UUID second = idOf(create(tokenBody("keeps-registry-2")));
        operator.delete("/api/v1/registries/" + registryId)
                .andExpect(status().isConflict())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEMS + "resource-in-use"))
                .andExpect(jsonPath("$.references[*].kind", containsInAnyOrder("registry-token", "registry-token")))
                .andExpect(jsonPath("$.references[*].id", containsInAnyOrder(first.toString(), second.toString())))
                .andExpect(jsonPath("$.references[*].name", containsInAnyOrder("keeps-registry-1", "keeps-registry-2")));
        // The tokens hold the registry until their delete jobs have removed them.
        UUID firstJob = DeleteJobs.accepted(operator.delete(tokens + "/" + first));
        UUID secondJob = DeleteJobs.accepted(operator.delete(tokens + "/" + second));
        DeleteJobs.awaitSucceeded(jdbc, firstJob);
        DeleteJobs.awaitSucceeded(jdbc, secondJob);
        notFound(Api.reader(mvc).get(tokens + "/" + first));
        notFound(Api.reader(mvc).get(tokens + "/" + second));
        UUID registryJob = DeleteJobs.accepted(operator.delete("/api/v1/registries/" + registryId));
        DeleteJobs.awaitSucceeded(jdbc, registryJob);
        assertThat(jdbc.sql("select count(*) from registries where id = ?").param(registryId)
                .query(Long.class).single()).isZero();
        notFound(Api.reader(mvc).get("/api/v1/registries/" + registryId));
    }

    // ---- security -------------------------------------------------------------------------------------------

    @Test
    void aReaderMayReadButNotChangeTokens() throws Exception {
        String location = create(tokenBody("read-only"));
        Api reader = Api.reader(mvc);
        String before = snapshot();
        forbidden(reader.post(tokens, tokenBody("not-allowed")));
        forbidden(reader.patch(location, "{\"passwordLifetime\": \"P30D\"}"));
        forbidden(reader.post(location + ":rotate", ""));
        forbidden(reader.delete(location));
        assertThat(snapshot()).isEqualTo(before);
        reader.get(tokens).andExpect(status().isOk());
        reader.get(location).andExpect(status().isOk());
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private static void notFound(ResultActions result) throws Exception {
        result.andExpect(status().isNotFound())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEMS + "not-found"));
    }

    private static void forbidden(ResultActions result) throws Exception {
        result.andExpect(status().isForbidden())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEMS + "forbidden"));
    }

    /** A registry that exists in Azure, with its create job ended so its row stays still (see the snapshots). */
    private UUID newRegistry() throws Exception {
        return Registries.registered(mvc, jdbc).id();
    }

    private static String tokenBody(String name) {
        return TokenFixtures.body(name);
    }

    /** Creates a token in this test's registry and waits for its create job to succeed; returns its location. */
    private String create(String body) throws Exception {
        return TokenFixtures.created(operator, jdbc, registryId, body);
    }

    private long version(UUID token) {
        return jdbc.sql("select version from registry_tokens where id = ?").param(token).query(Long.class).single();
    }

    private static String etag(long version) {
        return "\"" + version + "\"";
    }

    private List<UUID> ids(String query) throws Exception {
        String json = Api.reader(mvc).get(tokens + query)
                .andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        return JsonPath.<List<String>>read(json, "$.items[*].id").stream().map(UUID::fromString).toList();
    }

    private String auditDetail(String action, UUID id) {
        return jdbc.sql("select detail from audit_events where action = ? and resource_id = ? and outcome = 'success'")
                .param(action).param(id.toString()).query(String.class).single();
    }

    /**
     * The registry and every token stored under it, to prove a request refused there changed nothing. Unlike
     * {@link #snapshot()} it ignores other tests' rows, which their delete jobs may still be changing.
     */
    private String snapshotOf(UUID registry) {
        return jdbc.sql("""
                        select coalesce((select string_agg(row_to_json(t)::text, ',' order by t.id) from registry_tokens t
                                         where t.registry_id = ?), '')
                            || '|' || coalesce((select row_to_json(r)::text from registries r where r.id = ?), '')""")
                .params(registry, registry)
                .query(String.class).single();
    }

    /** Every stored token and registry, to prove a refused request changed nothing. */
    private String snapshot() {
        return jdbc.sql("""
                        select coalesce((select string_agg(row_to_json(t)::text, ',' order by t.id) from registry_tokens t), '')
                            || '|' || coalesce((select string_agg(row_to_json(r)::text, ',' order by r.id) from registries r), '')""")
                .query(String.class).single();
    }

    private static UUID idOf(String location) {
        return UUID.fromString(location.substring(location.lastIndexOf('/') + 1));
    }
}
