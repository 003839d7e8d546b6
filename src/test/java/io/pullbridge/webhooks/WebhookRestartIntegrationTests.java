package io.pullbridge.webhooks;

import com.github.kagkarlsson.scheduler.Scheduler;
import io.pullbridge.PullBridgeApplication;
import io.pullbridge.support.EmbeddedDatabase;
import io.pullbridge.support.TestPlatform;
import io.pullbridge.support.TestTokens;
import io.pullbridge.support.kube.EmulatedCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A restart in the middle of a delivery, with the whole service twice on one database: the receiver has the event
 * and accepts it, but the replica stops before it records that; the next replica sends it again, with the same
 * {@code webhook-id}, so the receiver that de-duplicates sees it exactly once.
 */
class WebhookRestartIntegrationTests {

    private static final Duration BOUND = Duration.ofSeconds(60);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String ADMIN = TestTokens.instance().token("user-admin", "Admin");

    private final String database = EmbeddedDatabase.newDatabase("webhook_restart");
    private final String masterKey = TestPlatform.randomKey();

    @Test
    void aReplicaStoppedMidDeliveryLeavesItToTheNextAndTheReceiverSeesTheEventOnceAfterDeDuplication()
            throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            CountDownLatch arrived = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger requests = new AtomicInteger();
            receiver.answer(request -> {
                if (requests.incrementAndGet() == 1) {
                    arrived.countDown();
                    try {
                        release.await(BOUND.toSeconds(), TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return WebhookReceiver.Answer.ok();
            });

            UUID cluster;
            ConfigurableApplicationContext first = start();
            try {
                HttpResponse<String> subscribed = call(first, "POST", "/api/v1/webhook-subscriptions",
                        JSON.writeValueAsString(Map.of("url", receiver.url(), "eventTypes", List.of("job.succeeded"),
                                "secret", receiver.secret())));
                assertThat(subscribed.statusCode()).as(subscribed.body()).isEqualTo(201);
                HttpResponse<String> registered = call(first, "POST", "/api/v1/clusters", JSON.writeValueAsString(
                        Map.of("name", "restart-" + UUID.randomUUID().toString().substring(0, 8), "kind",
                                "kubeconfig", "kubeconfig", EmulatedCluster.shared().kubeconfig())));
                assertThat(registered.statusCode()).as(registered.body()).isEqualTo(202);
                cluster = UUID.fromString(JSON.readTree(registered.body()).get("id").asString());

                assertThat(arrived.await(BOUND.toSeconds(), TimeUnit.SECONDS)).as("the event reached the receiver")
                        .isTrue();
                // The receiver holds the request open while the replica is told to stop, then accepts it.
                Scheduler scheduler = first.getBean(Scheduler.class);
                Thread stopping = new Thread(first::close, "stopping-first-replica");
                stopping.start();
                await("the first replica to be stopping").atMost(BOUND)
                        .until(() -> scheduler.getSchedulerState().isShuttingDown());
                release.countDown();
                stopping.join(BOUND.toMillis());
                assertThat(stopping.isAlive()).as("the first replica stopped").isFalse();
            } finally {
                release.countDown();
                first.close();
            }

            JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(database, "postgres", "postgres"));
            assertThat(jdbc.sql("select d.state || ' ' || d.attempts || ' ' || j.state from webhook_deliveries d "
                    + "join jobs j on j.id = d.job_id").query(String.class).list())
                    .as("accepted by the receiver, but not recorded as delivered: handed back")
                    .containsExactly("pending 1 queued");

            try (ConfigurableApplicationContext second = start()) {
                await("the second replica to deliver").atMost(BOUND).until(() -> jdbc.sql(
                        "select state from webhook_deliveries").query(String.class).single().equals("delivered"));
            }
            List<WebhookReceiver.Received> sent = receiver.received();
            assertThat(sent).hasSize(2).allSatisfy(request -> assertThat(request.verified()).isTrue());
            assertThat(sent.get(1).webhookId()).isEqualTo(sent.get(0).webhookId());
            assertThat(sent.get(1).body()).isEqualTo(sent.get(0).body());
            assertThat(receiver.deduplicated()).hasSize(1);
            JsonNode event = receiver.deduplicated().values().iterator().next();
            assertThat(event.get("type").asString()).isEqualTo("job.succeeded");
            assertThat(event.get("subject").asString()).isEqualTo("cluster/" + cluster);
            assertThat(jdbc.sql("select attempts from webhook_deliveries").query(Integer.class).single())
                    .isEqualTo(2);
        }
    }

    private ConfigurableApplicationContext start() {
        Map<String, Object> properties = new HashMap<>(TestPlatform.properties("webhook_restart_unused"));
        properties.put("spring.datasource.url", database);
        properties.put("pullbridge.security.master-key", masterKey);
        properties.put("pullbridge.clusters.allowed-hosts", "127.0.0.1");
        properties.put("server.port", "0");
        properties.put("spring.main.banner-mode", "off");
        SpringApplication application = new SpringApplication(PullBridgeApplication.class);
        application.addInitializers(context -> context.getEnvironment().getPropertySources()
                .addFirst(new MapPropertySource("webhook-restart", properties)));
        return application.run();
    }

    private static HttpResponse<String> call(ConfigurableApplicationContext context, String method, String path,
                                             String body) throws Exception {
        String port = context.getEnvironment().getProperty("local.server.port");
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + ADMIN)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
