package io.pullbridge.webhooks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.pullbridge.support.azure.AzureEmulatorTrust;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A webhook receiver on a loopback HTTPS port, with the certificate the test JVM trusts. It does what the Standard
 * Webhooks specification asks of a receiver, written here from the specification and not from PullBridge's code:
 * it checks every request's signature ({@code v1,} base64 HMAC-SHA256 of {@code id.timestamp.body} under the
 * secret's decoded key, compared in constant time) and timestamp (5 minutes' tolerance), and de-duplicates events
 * by {@code webhook-id}. How it answers is up to the test ({@link #answer}).
 */
final class WebhookReceiver implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final long TOLERANCE_SECONDS = 300;

    /** One request as it arrived, and whether its signature and timestamp passed. */
    record Received(String webhookId, long timestamp, String signature, String contentType, String body,
                    boolean verified, Instant at) {

        JsonNode event() {
            return JSON.readTree(body);
        }
    }

    /** How to answer a request: a status and headers. */
    record Answer(int status, Map<String, String> headers) {

        static Answer ok() {
            return new Answer(200, Map.of());
        }
    }

    private final String secret = "whsec_" + Base64.getEncoder().encodeToString(randomKey());
    private final HttpsServer server;
    private final List<Received> received = new ArrayList<>();
    private volatile Function<Received, Answer> answer = request -> Answer.ok();

    WebhookReceiver() {
        try {
            server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setHttpsConfigurator(new HttpsConfigurator(AzureEmulatorTrust.trustedServerContext()));
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/hooks/pullbridge", this::handle);
        server.start();
    }

    String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort() + "/hooks/pullbridge?token=receiver-own-token";
    }

    String secret() {
        return secret;
    }

    /** From now on, answers each request as {@code answer} says (it may block, to hold a request open). */
    WebhookReceiver answer(Function<Received, Answer> answer) {
        this.answer = answer;
        return this;
    }

    synchronized List<Received> received() {
        return List.copyOf(received);
    }

    synchronized List<Received> received(Predicate<JsonNode> event) {
        return received.stream().filter(request -> event.test(request.event())).toList();
    }

    /** Each event once, by {@code webhook-id}, as a receiver that de-duplicates sees them: the first of each. */
    synchronized Map<String, JsonNode> deduplicated() {
        Map<String, JsonNode> events = new LinkedHashMap<>();
        for (Received request : received) {
            events.putIfAbsent(request.webhookId(), request.event());
        }
        return events;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String id = exchange.getRequestHeaders().getFirst("webhook-id");
        String timestamp = exchange.getRequestHeaders().getFirst("webhook-timestamp");
        String signature = exchange.getRequestHeaders().getFirst("webhook-signature");
        long seconds = timestamp == null ? -1 : Long.parseLong(timestamp);
        Received request = new Received(id, seconds, signature,
                exchange.getRequestHeaders().getFirst("Content-Type"), body,
                "POST".equals(exchange.getRequestMethod()) && verify(id, timestamp, signature, body), Instant.now());
        synchronized (this) {
            received.add(request);
        }
        Answer reply;
        try {
            reply = answer.apply(request);
        } catch (RuntimeException e) {
            reply = new Answer(500, Map.of());
        }
        reply.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
        exchange.sendResponseHeaders(reply.status(), -1);
        exchange.close();
    }

    private boolean verify(String id, String timestamp, String signatures, String body) {
        if (id == null || timestamp == null || signatures == null) {
            return false;
        }
        if (Math.abs(Instant.now().getEpochSecond() - Long.parseLong(timestamp)) > TOLERANCE_SECONDS) {
            return false;
        }
        byte[] expected;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())),
                    "HmacSHA256"));
            expected = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        for (String versioned : signatures.split(" ")) {
            if (versioned.startsWith("v1,") && MessageDigest.isEqual(expected,
                    Base64.getDecoder().decode(versioned.substring(3)))) {
                return true;
            }
        }
        return false;
    }

    private static byte[] randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
