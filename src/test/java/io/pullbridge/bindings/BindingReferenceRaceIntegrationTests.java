package io.pullbridge.bindings;

import io.pullbridge.audit.AuditLog;
import io.pullbridge.support.Api;
import io.pullbridge.support.IntegrationTest;
import io.pullbridge.support.ManualScheduling;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;
import org.springframework.test.util.AopTestUtils;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;

/**
 * A delete of a registry, cluster, service principal or registry token and a binding that starts using it, as two
 * real transactions on PostgreSQL: the first is held open after its checks (paused in its audit call, the last thing
 * before it commits) while the second runs.
 * The second must wait for the first, then see what it did: exactly one wins, the other gets a 409 problem, and the
 * database never holds a binding onto something being deleted. The job engine is manual, so no job touches the rows
 * meanwhile.
 */
@IntegrationTest
@Import(ManualScheduling.class)
class BindingReferenceRaceIntegrationTests {

    private static final Duration BOUND = Duration.ofSeconds(20);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @MockitoSpyBean
    AuditLog audit;

    BindingFixtures fixtures;
    ExecutorService threads;
    /** The audit action at which the next request waits for the test: one pause per test. */
    final AtomicReference<String> pauseAt = new AtomicReference<>();
    final CountDownLatch paused = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void pauseOnDemand() {
        fixtures = new BindingFixtures(jdbc);
        threads = Executors.newFixedThreadPool(2);
        doAnswer(call -> {
            String armed = pauseAt.get();
            if (call.getArgument(0).equals(armed) && pauseAt.compareAndSet(armed, null)) {
                paused.countDown();
                assertThat(release.await(BOUND.toSeconds(), TimeUnit.SECONDS)).as("released").isTrue();
            }
            return call.callRealMethod();
        }).when(spy()).record(anyString(), any(), any(), any());
    }

    /** The spy behind the bean's transactional proxy: stubbing the proxy would run its transaction advice. */
    private AuditLog spy() {
        return AopTestUtils.getUltimateTargetObject(audit);
    }

    @AfterEach
    void stop() {
        release.countDown();
        threads.shutdownNow();
    }

    /**
     * What the race is about: a delete of {@code target}, and a binding request that starts using it (a create, or
     * with {@code changedBinding} a PATCH of that binding's credential), answered 202 when it wins.
     */
    record Race(String kind, String table, UUID target, String deletePath, Api deleter, String bindingBody,
                UUID changedBinding) {

        Race(String kind, String table, UUID target, String deletePath, Api deleter, String bindingBody) {
            this(kind, table, target, deletePath, deleter, bindingBody, null);
        }

        String pauseAt() {
            return changedBinding == null ? "binding.create" : "binding.update";
        }

        MockHttpServletResponse use(MockMvc mvc) throws Exception {
            Api operator = Api.operator(mvc);
            return (changedBinding == null ? operator.post("/api/v1/bindings", bindingBody)
                    : operator.patch("/api/v1/bindings/" + changedBinding, bindingBody)).andReturn().getResponse();
        }
    }

    @Test
    void aServicePrincipalDeleteWaitsForTheBindingThatUsesItAndIsRefused() throws Exception {
        bindingFirst(principalRace());
    }

    @Test
    void aBindingWaitsForTheServicePrincipalDeleteAndIsRefused() throws Exception {
        deleteFirst(principalRace());
    }

    @Test
    void aServicePrincipalDeleteWaitsForTheBindingSwitchingToItAndIsRefused() throws Exception {
        bindingFirst(switchingRace());
    }

    @Test
    void aBindingSwitchingToAServicePrincipalWaitsForItsDeleteAndIsRefused() throws Exception {
        deleteFirst(switchingRace());
    }

    @Test
    void aRegistryTokenDeleteWaitsForTheBindingThatUsesItAndIsRefused() throws Exception {
        bindingFirst(tokenRace());
    }

    @Test
    void aBindingWaitsForTheRegistryTokenDeleteAndIsRefused() throws Exception {
        deleteFirst(tokenRace());
    }

    @Test
    void aRegistryTokenDeleteWaitsForTheBindingSwitchingToItAndIsRefused() throws Exception {
        bindingFirst(switchingTokenRace());
    }

    @Test
    void aBindingSwitchingToARegistryTokenWaitsForItsDeleteAndIsRefused() throws Exception {
        deleteFirst(switchingTokenRace());
    }

    @Test
    void aClusterDeleteWaitsForTheBindingOntoItAndIsRefused() throws Exception {
        bindingFirst(clusterRace());
    }

    @Test
    void aBindingWaitsForTheClusterDeleteAndIsRefused() throws Exception {
        deleteFirst(clusterRace());
    }

    @Test
    void aRegistryDeleteWaitsForTheBindingToItAndIsRefused() throws Exception {
        bindingFirst(registryRace());
    }

    @Test
    void aBindingWaitsForTheRegistryDeleteAndIsRefused() throws Exception {
        deleteFirst(registryRace());
    }

    private void bindingFirst(Race race) throws Exception {
        String before = row(race);
        pauseAt.set(race.pauseAt());
        Future<MockHttpServletResponse> binding = threads.submit(() -> race.use(mvc));
        awaitPaused(binding);
        Future<MockHttpServletResponse> delete = threads.submit(() -> race.deleter().delete(race.deletePath())
                .andReturn().getResponse());
        awaitBlocked(delete, "the " + race.kind() + " delete, while the binding's transaction is open");

        release.countDown();
        MockHttpServletResponse created = binding.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        MockHttpServletResponse refused = delete.get(BOUND.toSeconds(), TimeUnit.SECONDS);

        assertThat(created.getStatus()).as("binding: %s", created.getContentAsString()).isEqualTo(202);
        UUID bindingId = UUID.fromString(JSON.readTree(created.getContentAsString()).get("id").asString());
        JsonNode problem = problem(refused, 409, "resource-in-use");
        assertThat(problem.at("/references/0/kind").asString()).isEqualTo("binding");
        assertThat(problem.at("/references/0/id").asString()).isEqualTo(bindingId.toString());
        assertThat(row(race)).as("the %s after its refused delete", race.kind()).isEqualTo(before);
        assertThat(count("select count(*) from jobs where target_id = ?", race.target())).as("delete jobs").isZero();
    }

    private void deleteFirst(Race race) throws Exception {
        pauseAt.set(race.kind() + ".delete-requested");
        Future<MockHttpServletResponse> delete = threads.submit(() -> race.deleter().delete(race.deletePath())
                .andReturn().getResponse());
        awaitPaused(delete);
        Future<MockHttpServletResponse> binding = threads.submit(() -> race.use(mvc));
        awaitBlocked(binding, "the binding request, while the " + race.kind() + " delete's transaction is open");

        release.countDown();
        MockHttpServletResponse deleted = delete.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        MockHttpServletResponse refused = binding.get(BOUND.toSeconds(), TimeUnit.SECONDS);

        assertThat(deleted.getStatus()).as("delete: %s", deleted.getContentAsString()).isEqualTo(202);
        JsonNode problem = problem(refused, 409, "invalid-state");
        assertThat(problem.get("detail").asString()).contains(race.kind() + " " + race.target() + " is being deleted");
        assertThat(count("select count(*) from bindings where ? in (cluster_id, registry_id, service_principal_id, "
                + "token_id)", race.target())).as("bindings onto the %s being deleted", race.kind()).isZero();
        assertThat(jdbc.sql("select phase from " + race.table() + " where id = ?").param(race.target())
                .query(String.class).single()).isEqualTo("Deleting");
    }

    private Race principalRace() {
        UUID registry = fixtures.registry("race" + shortId());
        UUID cluster = fixtures.cluster("race-" + shortId(), "kubeconfig", null);
        UUID principal = fixtures.servicePrincipal("race-" + shortId(), registry);
        return new Race("service-principal", "service_principals", principal, "/api/v1/service-principals/"
                + principal, Api.operator(mvc), pullSecret(registry, cluster, "{\"servicePrincipalId\": \"" + principal
                + "\"}"));
    }

    /** A pull-secret binding on one principal, switching to another that is being deleted. */
    private Race switchingRace() throws Exception {
        UUID registry = fixtures.registry("race" + shortId());
        UUID cluster = fixtures.cluster("race-" + shortId(), "kubeconfig", null);
        UUID first = fixtures.servicePrincipal("race-" + shortId(), registry);
        UUID second = fixtures.servicePrincipal("race-" + shortId(), registry);
        MockHttpServletResponse created = Api.operator(mvc).post("/api/v1/bindings", pullSecret(registry, cluster,
                "{\"servicePrincipalId\": \"" + first + "\"}")).andReturn().getResponse();
        assertThat(created.getStatus()).as(created.getContentAsString()).isEqualTo(202);
        UUID binding = UUID.fromString(JSON.readTree(created.getContentAsString()).get("id").asString());
        return new Race("service-principal", "service_principals", second, "/api/v1/service-principals/" + second,
                Api.operator(mvc), "{\"pullSecret\": {\"credential\": {\"servicePrincipalId\": \"" + second + "\"}}}",
                binding);
    }

    /** A pull-secret binding on one registry token, switching to another that is being deleted. */
    private Race switchingTokenRace() throws Exception {
        UUID registry = fixtures.registry("race" + shortId());
        UUID cluster = fixtures.cluster("race-" + shortId(), "kubeconfig", null);
        UUID first = fixtures.token(registry, "race-" + shortId());
        UUID second = fixtures.token(registry, "race-" + shortId());
        MockHttpServletResponse created = Api.operator(mvc).post("/api/v1/bindings", pullSecret(registry, cluster,
                "{\"tokenId\": \"" + first + "\"}")).andReturn().getResponse();
        assertThat(created.getStatus()).as(created.getContentAsString()).isEqualTo(202);
        UUID binding = UUID.fromString(JSON.readTree(created.getContentAsString()).get("id").asString());
        return new Race("registry-token", "registry_tokens", second, "/api/v1/registries/" + registry + "/tokens/"
                + second, Api.operator(mvc), "{\"pullSecret\": {\"credential\": {\"tokenId\": \"" + second + "\"}}}",
                binding);
    }

    private Race tokenRace() {
        UUID registry = fixtures.registry("race" + shortId());
        UUID cluster = fixtures.cluster("race-" + shortId(), "kubeconfig", null);
        UUID token = fixtures.token(registry, "race-" + shortId());
        return new Race("registry-token", "registry_tokens", token, "/api/v1/registries/" + registry + "/tokens/"
                + token, Api.operator(mvc), pullSecret(registry, cluster, "{\"tokenId\": \"" + token + "\"}"));
    }

    private Race clusterRace() {
        UUID registry = fixtures.registry("race" + shortId());
        UUID cluster = fixtures.cluster("race-" + shortId(), "aks", null);
        return new Race("cluster", "clusters", cluster, "/api/v1/clusters/" + cluster, Api.admin(mvc),
                kubelet(registry, cluster));
    }

    private Race registryRace() {
        UUID registry = fixtures.registry("race" + shortId());
        UUID cluster = fixtures.cluster("race-" + shortId(), "aks", null);
        return new Race("registry", "registries", registry, "/api/v1/registries/" + registry, Api.operator(mvc),
                kubelet(registry, cluster));
    }

    private static String pullSecret(UUID registry, UUID cluster, String credential) {
        return """
                {"registryId": "%s", "clusterId": "%s", "method": "pull-secret",
                 "pullSecret": {"credential": %s, "namespaces": ["team-a"]}}""".formatted(registry, cluster,
                credential);
    }

    private static String kubelet(UUID registry, UUID cluster) {
        return """
                {"registryId": "%s", "clusterId": "%s", "method": "kubelet-identity"}""".formatted(registry, cluster);
    }

    private void awaitPaused(Future<MockHttpServletResponse> first) throws Exception {
        await("the first transaction to pass its checks").atMost(BOUND)
                .until(() -> paused.getCount() == 0 || first.isDone());
        if (first.isDone()) {
            MockHttpServletResponse response = first.get();
            throw new AssertionError("the first request ended without reaching its pause: " + response.getStatus()
                    + " " + response.getContentAsString());
        }
    }

    /** Waits until the second request waits on a row lock; fails at once if it ended instead. */
    private void awaitBlocked(Future<?> second, String what) {
        await(what + " to wait on a lock or end").atMost(BOUND).until(() -> second.isDone() || waitingOnLocks() > 0);
        assertThat(second.isDone()).as(what + " went through instead of waiting for the other transaction").isFalse();
    }

    private long waitingOnLocks() {
        return count("select count(*) from pg_stat_activity where datname = current_database() "
                + "and wait_event_type = 'Lock'");
    }

    private static JsonNode problem(MockHttpServletResponse response, int status, String slug) throws Exception {
        assertThat(response.getStatus()).as("answer: %s", response.getContentAsString()).isEqualTo(status);
        assertThat(response.getContentType()).isEqualTo("application/problem+json");
        JsonNode problem = JSON.readTree(response.getContentAsString());
        assertThat(problem.get("type").asString()).isEqualTo("https://pullbridge.io/problems/" + slug);
        return problem;
    }

    private String row(Race race) {
        return jdbc.sql("select row_to_json(r)::text from " + race.table() + " r where id = ?").param(race.target())
                .query(String.class).single();
    }

    private long count(String sql, Object... params) {
        return jdbc.sql(sql).params(params).query(Long.class).single();
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
