package io.pullbridge.webhooks;

import io.pullbridge.jobs.JobRequest;
import io.pullbridge.jobs.JobService;
import io.pullbridge.support.Api;
import io.pullbridge.support.Clusters;
import io.pullbridge.support.IntegrationTest;
import io.pullbridge.support.Principals;
import io.pullbridge.support.Registries;
import io.pullbridge.support.azure.AzureEmulator;
import io.pullbridge.support.azure.GraphServicePrincipal;
import io.pullbridge.support.kube.EmulatedCluster;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Events delivered to a loopback HTTPS receiver that verifies every signature and de-duplicates by
 * {@code webhook-id}: each kind of event arrives as a CloudEvent with no secret in it, exactly once after
 * de-duplication, whether the receiver failed first, or a delivery was sent again.
 */
@IntegrationTest
@TestPropertySource(properties = {"pullbridge.jobs.initial-backoff=PT0.2S", "pullbridge.jobs.max-backoff=PT1S"})
class WebhookDeliveryIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final List<String> ALL = List.of("job.succeeded", "job.failed", "binding.phase-changed",
            "credential.rotated", "cluster.unreachable");

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    JobService jobs;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    CredentialExpiryCheck expiryCheck;

    @Autowired
    WebhookRetention retention;

    final WebhookReceiver receiver = new WebhookReceiver();
    String subscription;

    @AfterEach
    void removeSubscription() throws Exception {
        if (subscription != null) {
            Api.admin(mvc).delete(subscription).andExpect(status().isNoContent());
        }
        receiver.close();
    }

    @Test
    void aJobsEndArrivesSignedAsACloudEventWithoutSecretsOnceAndTheDeliveryShowsIt() throws Exception {
        subscribe(ALL);
        MockHttpServletResponse registered = Api.admin(mvc).perform(Api.jsonPost("/api/v1/clusters",
                        JSON.writeValueAsString(Map.of("name", unique("hooked"), "kind", "kubeconfig",
                                "kubeconfig", EmulatedCluster.shared().kubeconfig())))
                        .header("X-Correlation-Id", "CHG-4711"))
                .andExpect(status().isAccepted()).andReturn().getResponse();
        String location = registered.getHeader(HttpHeaders.LOCATION);
        Clusters.Registered cluster = new Clusters.Registered(UUID.fromString(location.substring(
                location.lastIndexOf('/') + 1)), location, null, Registries.jobOf(registered));

        JsonNode event = awaitEvent("job.succeeded", "cluster/" + cluster.id());
        assertThat(event.get("correlationid").asString()).as("the ticket of the request that caused it")
                .isEqualTo("CHG-4711");
        assertThat(event.at("/data/job/correlationId").asString()).isEqualTo("CHG-4711");
        assertThat(event.get("specversion").asString()).isEqualTo("1.0");
        assertThat(event.get("source").asString()).isEqualTo("/api/v1/jobs/" + cluster.job());
        assertThat(event.get("datacontenttype").asString()).isEqualTo("application/json");
        assertThat(Instant.parse(event.get("time").asString())).isBefore(Instant.now());
        assertThat(event.at("/data/job/id").asString()).isEqualTo(cluster.job().toString());
        assertThat(event.at("/data/job/type").asString()).isEqualTo("cluster.connect");
        assertThat(event.at("/data/job/state").asString()).isEqualTo("succeeded");
        assertThat(event.at("/data/job/target/id").asString()).isEqualTo(cluster.id().toString());
        assertThat(event.at("/data/job/steps").isMissingNode()).isTrue();

        assertThat(receiver.received()).isNotEmpty().allSatisfy(request -> {
            assertThat(request.verified()).as("signature of %s", request.webhookId()).isTrue();
            assertThat(request.contentType()).startsWith("application/cloudevents+json");
            assertThat(request.body()).doesNotContain(EmulatedCluster.TOKEN)
                    .doesNotContain(receiver.secret().substring(6));
        });
        String webhookId = receiver.received(sent -> sent.get("id").asString().equals(event.get("id").asString()))
                .get(0).webhookId();
        JsonNode delivery = delivery(webhookId);
        assertThat(delivery.get("state").asString()).isEqualTo("delivered");
        assertThat(delivery.get("attempts").asInt()).isEqualTo(1);
        assertThat(delivery.get("lastStatusCode").asInt()).isEqualTo(200);
        assertThat(delivery.get("eventType").asString()).isEqualTo("job.succeeded");
        assertThat(delivery.get("eventId").asString()).isEqualTo(event.get("id").asString());
        assertThat(delivery.get("lastAttemptAt")).isNotNull();
        assertThat(jdbc.sql("select correlation_id from webhook_events where id = ?")
                .param(UUID.fromString(event.get("id").asString())).query(String.class).single())
                .isEqualTo("CHG-4711");
        assertThat(jdbc.sql("select count(*) from webhook_events where body like ?")
                .param("%" + EmulatedCluster.TOKEN + "%").query(Long.class).single()).isZero();
    }

    @Test
    void aFailingReceiverGetsTheSameEventAgainAfterItsRetryAfterUntilItAcceptsIt() throws Exception {
        AtomicInteger refusals = new AtomicInteger();
        receiver.answer(request -> request.event().get("subject").asString().startsWith("cluster/")
                && refusals.incrementAndGet() <= 2
                ? new WebhookReceiver.Answer(503, Map.of("Retry-After", "1")) : WebhookReceiver.Answer.ok());
        subscribe(List.of("job.succeeded"));
        Clusters.Registered cluster = Clusters.registered(mvc, jdbc, unique("flaky"));

        await("three attempts").atMost(TIMEOUT).until(() -> receiver.received(event ->
                event.get("subject").asString().equals("cluster/" + cluster.id())).size() >= 3);
        List<WebhookReceiver.Received> attempts = receiver.received(event ->
                event.get("subject").asString().equals("cluster/" + cluster.id()));
        assertThat(attempts).hasSize(3).allSatisfy(attempt -> assertThat(attempt.verified()).isTrue());
        assertThat(attempts).extracting(WebhookReceiver.Received::webhookId).containsOnly(attempts.get(0).webhookId());
        assertThat(attempts).extracting(WebhookReceiver.Received::body).containsOnly(attempts.get(0).body());
        assertThat(Duration.between(attempts.get(0).at(), attempts.get(1).at()))
                .as("the receiver's Retry-After: 1 is honoured").isGreaterThanOrEqualTo(Duration.ofMillis(900));
        assertThat(receiver.deduplicated().values()).filteredOn(event ->
                event.get("subject").asString().equals("cluster/" + cluster.id())).hasSize(1);

        await("the delivery to be recorded").atMost(TIMEOUT).until(() ->
                delivery(attempts.get(0).webhookId()).get("state").asString().equals("delivered"));
        JsonNode delivery = delivery(attempts.get(0).webhookId());
        assertThat(delivery.get("attempts").asInt()).isEqualTo(3);
        assertThat(delivery.get("lastStatusCode").asInt()).isEqualTo(200);
        JsonNode job = JSON.readTree(Api.admin(mvc).get("/api/v1/jobs/" + delivery.get("jobId").asString())
                .andReturn().getResponse().getContentAsString());
        assertThat(job.get("type").asString()).isEqualTo("webhook.deliver");
        assertThat(job.get("failedAttempts").asInt()).isEqualTo(2);
        assertThat(job.get("state").asString()).isEqualTo("succeeded");
    }

    @Test
    void aDeliveryIsSentAgainOnRequestWithTheSameWebhookId() throws Exception {
        subscribe(List.of("job.succeeded"));
        Clusters.Registered cluster = Clusters.registered(mvc, jdbc, unique("again"));
        awaitEvent("job.succeeded", "cluster/" + cluster.id());
        WebhookReceiver.Received first = receiver.received(event ->
                event.get("subject").asString().equals("cluster/" + cluster.id())).get(0);
        JsonNode delivery = delivery(first.webhookId());
        await("the delivery to be recorded").atMost(TIMEOUT).until(() ->
                delivery(first.webhookId()).get("state").asString().equals("delivered"));

        MockHttpServletResponse accepted = Api.admin(mvc).post(subscription + "/deliveries/"
                        + delivery.get("id").asString() + ":redeliver", "")
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.type").value("webhook.deliver"))
                .andExpect(jsonPath("$.target.id").value(delivery.get("id").asString()))
                .andReturn().getResponse();
        String operation = accepted.getHeader("Operation-Location");
        assertThat(operation).isEqualTo("/api/v1/jobs/" + JSON.readTree(accepted.getContentAsString()).get("id")
                .asString());
        Clusters.awaitEnded(jdbc, UUID.fromString(operation.substring(operation.lastIndexOf('/') + 1)), "succeeded");

        List<WebhookReceiver.Received> sent = receiver.received(event ->
                event.get("subject").asString().equals("cluster/" + cluster.id()));
        assertThat(sent).hasSize(2).allSatisfy(request -> assertThat(request.verified()).isTrue());
        assertThat(sent.get(1).webhookId()).isEqualTo(first.webhookId());
        assertThat(sent.get(1).body()).isEqualTo(first.body());
        assertThat(receiver.deduplicated().values()).filteredOn(event ->
                event.get("subject").asString().equals("cluster/" + cluster.id())).hasSize(1);
        assertThat(delivery(first.webhookId()).get("attempts").asInt()).isEqualTo(2);

        Api.admin(mvc).post(subscription + "/deliveries/" + UUID.randomUUID() + ":redeliver", "")
                .andExpect(status().isNotFound())
                .andExpect(content().contentType("application/problem+json"));
    }

    @Test
    void aClusterThatCannotBeReachedIsToldOnceAndAJobThatFailsIsToo() throws Exception {
        subscribe(ALL);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String kubeconfig = EmulatedCluster.kubeconfig("https://127.0.0.1:" + port,
                EmulatedCluster.shared().certificateAuthorityData(), "t");
        MockHttpServletResponse created = Api.admin(mvc).post("/api/v1/clusters", JSON.writeValueAsString(Map.of(
                "name", unique("down"), "kind", "kubeconfig", "kubeconfig", kubeconfig)))
                .andExpect(status().isAccepted()).andReturn().getResponse();
        String location = created.getHeader(HttpHeaders.LOCATION);
        String clusterId = location.substring(location.lastIndexOf('/') + 1);
        UUID job = Registries.jobOf(created);

        JsonNode unreachable = awaitEvent("cluster.unreachable", "cluster/" + clusterId);
        assertThat(unreachable.get("source").asString()).isEqualTo("/api/v1/clusters/" + clusterId);
        assertThat(unreachable.at("/data/cluster/reason").asString()).isEqualTo("Unreachable");
        assertThat(unreachable.at("/data/jobId").asString()).isEqualTo(job.toString());
        // With this class's short backoff the connect job gives up after its 10 attempts within seconds.
        Clusters.awaitEnded(jdbc, job, "failed");
        JsonNode failed = awaitEvent("job.failed", "cluster/" + clusterId);
        assertThat(failed.at("/data/job/id").asString()).isEqualTo(job.toString());
        assertThat(failed.at("/data/job/lastError/type").asString())
                .isEqualTo("https://pullbridge.io/problems/kubernetes-unreachable");
        assertThat(failed.at("/data/job/failedAttempts").asInt()).isEqualTo(10);
        assertThat(receiver.deduplicated().values()).filteredOn(event -> event.get("type").asString()
                .equals("cluster.unreachable") && event.get("subject").asString().equals("cluster/" + clusterId))
                .as("told once, not at each of the 10 failed attempts").hasSize(1);
        assertThat(receiver.received()).allSatisfy(request -> assertThat(request.verified()).isTrue());
    }

    @Test
    void aBindingReachingReadyAndACredentialRotatedAreTold() throws Exception {
        subscribe(ALL);
        AzureEmulator azure = AzureEmulator.shared();
        UUID clusterId = Clusters.registered(mvc, jdbc, unique("bound")).id();
        Registries.Registered registry = Registries.registered(mvc, jdbc);
        String password = "webhook-test-" + UUID.randomUUID();
        GraphServicePrincipal principal = azure.addServicePrincipal("hooked-" + UUID.randomUUID());
        azure.addPassword(principal, password, Instant.now().plus(Duration.ofDays(30)));
        UUID principalId = Principals.created(Api.admin(mvc), jdbc, JSON.writeValueAsString(Map.of(
                "mode", "adopt", "appId", principal.appId(), "password", password,
                "grants", List.of(Map.of("registryId", registry.id().toString(), "role", "acrpull")))),
                "succeeded").id();
        String binding = JSON.readTree(Api.operator(mvc).post("/api/v1/bindings", """
                {"registryId": "%s", "clusterId": "%s", "method": "pull-secret", "pullSecret": {
                 "credential": {"servicePrincipalId": "%s"}, "secretName": "hooked-secret", "namespaces": ["team-a"],
                 "serviceAccounts": []}}""".formatted(registry.id(), clusterId, principalId))
                .andExpect(status().isAccepted()).andReturn().getResponse().getContentAsString()).get("id").asString();

        JsonNode ready = awaitEvent("binding.phase-changed", "binding/" + binding);
        assertThat(ready.get("source").asString()).isEqualTo("/api/v1/bindings/" + binding);
        assertThat(ready.at("/data/binding/previousPhase").asString()).isEqualTo("Pending");
        assertThat(ready.at("/data/binding/phase").asString()).isEqualTo("Ready");
        assertThat(ready.at("/data/jobType").asString()).isEqualTo("binding.apply");
        Api.operator(mvc).delete("/api/v1/bindings/" + binding).andExpect(status().isAccepted());
        await("the binding's removal to be told").atMost(TIMEOUT).until(() -> !receiver.received(event ->
                event.get("subject").asString().equals("binding/" + binding)
                        && event.at("/data/binding/phase").asString().equals("Deleted")).isEmpty());
        assertThat(receiver.deduplicated().values()).filteredOn(event ->
                        event.get("type").asString().equals("binding.phase-changed")
                                && event.get("subject").asString().equals("binding/" + binding))
                .extracting(event -> event.at("/data/binding/previousPhase").asString() + " -> "
                        + event.at("/data/binding/phase").asString())
                .containsExactly("Pending -> Ready", "Ready -> Deleted");

        Principals.Accepted created = Principals.created(Api.operator(mvc), jdbc, """
                {"mode": "create", "displayName": "%s", "grants": [{"registryId": "%s", "role": "acrpull"}]}"""
                .formatted(unique("rotated"), registry.id()), "succeeded");
        String rotation = Api.operator(mvc).post(created.location() + ":rotate", "")
                .andExpect(status().isAccepted()).andReturn().getResponse().getHeader("Operation-Location");
        JsonNode rotated = awaitEvent("credential.rotated", "service-principal/" + created.id());
        assertThat(rotated.at("/data/credential/id").asString()).isEqualTo(created.id().toString());
        assertThat(rotated.get("source").asString()).isEqualTo(rotation);

        assertThat(receiver.received()).allSatisfy(request -> {
            assertThat(request.verified()).isTrue();
            assertThat(request.body()).doesNotContain(password);
        });
    }

    @Test
    void aPasswordNearItsExpiryIsToldOnceAcrossChecks() throws Exception {
        subscribe(List.of("credential.expiring"));
        assertThat(expiryCheck.reconcileRequests()).as("the reconcile pass asks for a check while one is wanted")
                .extracting(JobRequest::type).containsExactly(CredentialExpiryCheck.TYPE);
        AzureEmulator azure = AzureEmulator.shared();
        Registries.Registered registry = Registries.registered(mvc, jdbc);
        String password = "expiring-" + UUID.randomUUID();
        Instant expiresAt = Instant.now().plus(Duration.ofDays(2)).truncatedTo(ChronoUnit.SECONDS);
        GraphServicePrincipal principal = azure.addServicePrincipal("expiring-" + UUID.randomUUID());
        azure.addPassword(principal, password, expiresAt);
        UUID principalId = Principals.created(Api.admin(mvc), jdbc, JSON.writeValueAsString(Map.of(
                "mode", "adopt", "appId", principal.appId(), "password", password,
                "passwordExpiresAt", expiresAt.toString(),
                "grants", List.of(Map.of("registryId", registry.id().toString(), "role", "acrpull")))),
                "succeeded").id();

        check();
        JsonNode expiring = awaitEvent("credential.expiring", "service-principal/" + principalId);
        assertThat(expiring.get("source").asString()).isEqualTo("/api/v1/service-principals/" + principalId);
        assertThat(Instant.parse(expiring.at("/data/credential/expiresAt").asString())).isEqualTo(expiresAt);
        assertThat(expiring.at("/data/credential/expired").asBoolean()).isFalse();
        check();

        assertThat(receiver.deduplicated().values()).filteredOn(event ->
                event.get("subject").asString().equals("service-principal/" + principalId))
                .as("told once, though two checks found it").hasSize(1);
        assertThat(receiver.received()).allSatisfy(request -> {
            assertThat(request.verified()).isTrue();
            assertThat(request.body()).doesNotContain(password);
        });
    }

    @Test
    void eventsOlderThanTheRetentionGoWithTheirDeliveriesUnlessOneIsStillPending() throws Exception {
        subscribe(List.of("job.failed"));
        UUID subscriptionId = UUID.fromString(subscription.substring(subscription.lastIndexOf('/') + 1));
        Instant old = Instant.now().minus(Duration.ofDays(31));
        UUID delivered = storedEvent(subscriptionId, old, "delivered");
        UUID pending = storedEvent(subscriptionId, old, "pending");
        UUID recent = storedEvent(subscriptionId, Instant.now().minus(Duration.ofDays(1)), "failed");
        assertThat(retention.reconcileRequests()).extracting(JobRequest::type).containsExactly(WebhookRetention.TYPE);

        UUID job = tx.execute(status -> jobs.enqueue(JobRequest.of(WebhookRetention.TYPE, CredentialExpiryCheck.KIND,
                WebhookRetention.TARGET))).id();
        Clusters.awaitEnded(jdbc, job, "succeeded");

        assertThat(jdbc.sql("select id from webhook_events where id in (?, ?, ?)").params(delivered, pending, recent)
                .query(UUID.class).list()).containsExactlyInAnyOrder(pending, recent);
        assertThat(jdbc.sql("select count(*) from webhook_deliveries where event_id = ?").param(delivered)
                .query(Long.class).single()).isZero();
        assertThat(jdbc.sql("select steps->0->>'detail' from jobs where id = ?").param(job).query(String.class)
                .single()).startsWith("1 event(s) created before");
    }

    private UUID storedEvent(UUID subscriptionId, Instant at, String state) {
        UUID event = UUID.randomUUID();
        jdbc.sql("insert into webhook_events (id, type, subject, body, created_at) values (?, 'job.failed', 's', "
                + "'{}', ?)").params(event, java.sql.Timestamp.from(at)).update();
        jdbc.sql("insert into webhook_deliveries (id, subscription_id, event_id, state, created_at) "
                + "values (?, ?, ?, ?, ?)").params(UUID.randomUUID(), subscriptionId, event, state,
                java.sql.Timestamp.from(at)).update();
        return event;
    }

    /**
     * One delivery per page, following nextPageToken, gives every delivery of the whole list, once each, newest first
     * (a delivery made meanwhile may come first, on the first page).
     */
    private void assertDeliveriesPageNewestFirst() throws Exception {
        List<String> all = new java.util.ArrayList<>();
        JsonNode whole = JSON.readTree(Api.admin(mvc).get(subscription + "/deliveries?limit=500")
                .andReturn().getResponse().getContentAsString());
        whole.get("items").forEach(item -> all.add(item.get("createdAt").asString() + " " + item.get("id").asString()));
        assertThat(all).hasSizeGreaterThan(2).isSortedAccordingTo(java.util.Comparator.comparing(
                (String row) -> Instant.parse(row.substring(0, row.indexOf(' ')))).reversed());
        List<String> paged = new java.util.ArrayList<>();
        String token = null;
        do {
            JsonNode page = JSON.readTree(Api.admin(mvc).get(subscription + "/deliveries?limit=1"
                    + (token == null ? "" : "&pageToken=" + token)).andExpect(status().isOk())
                    .andReturn().getResponse().getContentAsString());
            page.get("items").forEach(item -> paged.add(item.get("createdAt").asString() + " "
                    + item.get("id").asString()));
            token = page.has("nextPageToken") ? page.get("nextPageToken").asString() : null;
        } while (token != null && paged.size() <= all.size() + 50);
        assertThat(paged).doesNotHaveDuplicates().containsAll(all).isSortedAccordingTo(java.util.Comparator.comparing(
                (String row) -> Instant.parse(row.substring(0, row.indexOf(' ')))).reversed());
    }

    private void check() {
        UUID job = tx.execute(status -> jobs.enqueue(JobRequest.of(CredentialExpiryCheck.TYPE,
                CredentialExpiryCheck.KIND, CredentialExpiryCheck.TARGET))).id();
        Clusters.awaitEnded(jdbc, job, "succeeded");
    }

    private void subscribe(List<String> types) throws Exception {
        subscription = Api.admin(mvc).post("/api/v1/webhook-subscriptions", JSON.writeValueAsString(Map.of(
                        "url", receiver.url(), "eventTypes", types, "secret", receiver.secret())))
                .andExpect(status().isCreated()).andReturn().getResponse().getHeader(HttpHeaders.LOCATION);
    }

    private JsonNode awaitEvent(String type, String subject) {
        await(type + " for " + subject).atMost(TIMEOUT).until(() -> !receiver.received(event ->
                event.get("type").asString().equals(type) && event.get("subject").asString().equals(subject))
                .isEmpty());
        return receiver.received(event -> event.get("type").asString().equals(type)
                && event.get("subject").asString().equals(subject)).get(0).event();
    }

    /** The delivery with this {@code webhook-id}, as the subscription's deliveries list shows it. */
    private JsonNode delivery(String webhookId) throws Exception {
        JsonNode page = JSON.readTree(Api.admin(mvc).get(subscription + "/deliveries?limit=500")
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString());
        for (JsonNode delivery : page.get("items")) {
            if (delivery.get("webhookId").asString().equals(webhookId)) {
                return delivery;
            }
        }
        throw new AssertionError("no delivery " + webhookId + " in " + page);
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
