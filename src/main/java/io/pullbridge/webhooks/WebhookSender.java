package io.pullbridge.webhooks;

import io.pullbridge.clusters.ServerHostPolicy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.springframework.stereotype.Component;

/**
 * Sends one signed event to a receiver over HTTPS. Connects only to addresses the cluster host policy accepts,
 * checked for every address the receiver's name resolves to, and follows no redirect (a redirect could lead past
 * that check).
 */
@Component
class WebhookSender {

    static final MediaType CLOUDEVENTS_JSON = MediaType.get("application/cloudevents+json");

    private final ServerHostPolicy hostPolicy;
    private final OkHttpClient http;
    private final Clock clock;

    WebhookSender(ServerHostPolicy hostPolicy, WebhooksProperties properties, Clock clock) {
        this.hostPolicy = hostPolicy;
        this.clock = clock;
        this.http = new OkHttpClient.Builder()
                .dns(this::resolve)
                .proxy(Proxy.NO_PROXY)
                .followRedirects(false)
                .followSslRedirects(false)
                .protocols(List.of(Protocol.HTTP_1_1))
                .connectTimeout(properties.connectTimeout())
                .readTimeout(properties.requestTimeout())
                .writeTimeout(properties.requestTimeout())
                .callTimeout(properties.connectTimeout().plus(properties.requestTimeout()))
                .build();
    }

    /** What one attempt got: the answer's status, or why there was none. */
    record Outcome(Integer status, Duration retryAfter, String error) {

        boolean delivered() {
            return status != null && status >= 200 && status < 300;
        }
    }

    /** @throws IllegalArgumentException when the host policy refuses the receiver's host as written */
    Outcome send(String url, String webhookId, String body, String secret) {
        URI target = URI.create(url);
        hostPolicy.check(target.getHost());
        long timestamp = clock.instant().getEpochSecond();
        Request request = new Request.Builder()
                .url(url)
                .header("User-Agent", "PullBridge-Webhooks")
                .header("webhook-id", webhookId)
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", WebhookSignature.sign(secret, webhookId, timestamp, body))
                .post(RequestBody.create(body.getBytes(StandardCharsets.UTF_8), CLOUDEVENTS_JSON))
                .build();
        try (Response response = http.newCall(request).execute()) {
            return new Outcome(response.code(), retryAfter(response.header("Retry-After")), null);
        } catch (RefusedAddress e) {
            return new Outcome(null, null, e.getMessage());
        } catch (UnknownHostException e) {
            return new Outcome(null, null, "cannot resolve " + target.getHost());
        } catch (javax.net.ssl.SSLException e) {
            return new Outcome(null, null, "TLS with " + target.getHost() + " failed: the receiver's certificate "
                    + "is not trusted by PullBridge's JVM or does not name that host");
        } catch (IOException e) {
            return new Outcome(null, null, "no answer from " + target.getHost() + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
        }
    }

    private List<InetAddress> resolve(String host) throws UnknownHostException {
        InetAddress[] addresses = InetAddress.getAllByName(host);
        for (InetAddress address : addresses) {
            try {
                hostPolicy.checkResolved(host, address);
            } catch (IllegalArgumentException refused) {
                throw new RefusedAddress(refused.getMessage());
            }
        }
        return List.of(addresses);
    }

    /** Seconds or an HTTP date, as RFC 9110 allows; anything else is ignored. */
    private Duration retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            long seconds = Long.parseLong(header.strip());
            return seconds < 0 ? null : Duration.ofSeconds(Math.min(seconds, 86_400));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration delay = Duration.between(clock.instant(), ZonedDateTime.parse(header.strip(),
                        DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return delay.isNegative() ? null : delay;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    /** A name that resolved to an address the host policy refuses. */
    private static final class RefusedAddress extends UnknownHostException {
        RefusedAddress(String reason) {
            super(reason);
        }
    }
}
