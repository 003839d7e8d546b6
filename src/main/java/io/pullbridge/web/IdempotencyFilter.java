package io.pullbridge.web;

import io.pullbridge.crypto.SecretCipher;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.http.HttpHeaders;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * {@code Idempotency-Key} on POST: the first request with a key is carried out and its answer kept for a day;
 * the same key with the same body replays that answer; the same key with another body is a 409. Only a keyed
 * fingerprint of the body is kept, never the body (it may hold secrets). Keys are per caller.
 */
@Component
class IdempotencyFilter extends OncePerRequestFilter {

    static final String HEADER = "Idempotency-Key";
    static final String REPLAYED_HEADER = "Idempotent-Replayed";
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");
    private static final Duration RETENTION = Duration.ofHours(24);
    // A claim still unfinished after this long belongs to a request that died with its replica; a retry of the
    // same request may take it over instead of being told to wait until the record expires a day later.
    private static final Duration ABANDONED_AFTER = Duration.ofMinutes(5);
    private static final List<String> REPLAYED_HEADERS = List.of(HttpHeaders.LOCATION, "Operation-Location",
            HttpHeaders.ETAG, HttpHeaders.CONTENT_TYPE);

    private final IdempotencyStore store;
    private final SecretCipher cipher;
    private final Problems problems;
    private final Clock clock;
    private final int maxBodyBytes;

    IdempotencyFilter(IdempotencyStore store, SecretCipher cipher, Problems problems, Clock clock,
                      WebProperties properties) {
        this.store = store;
        this.cipher = cipher;
        this.problems = problems;
        this.clock = clock;
        this.maxBodyBytes = (int) properties.maxRequestBody().toBytes();
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"POST".equals(request.getMethod()) || request.getHeader(HEADER) == null
                || !request.getRequestURI().startsWith("/api/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String key = request.getHeader(HEADER);
        if (!KEY.matcher(key).matches()) {
            String rule = "must be 1 to 255 visible ASCII characters";
            problems.write(ProblemType.VALIDATION_FAILED, HEADER + ": " + rule,
                    List.of(new FieldViolation(HEADER, rule)), request, response);
            return;
        }
        byte[] body;
        try {
            body = request.getInputStream().readNBytes(maxBodyBytes + 1);
        } catch (RequestBodyTooLargeException e) {
            body = null;
        }
        if (body == null || body.length > maxBodyBytes) {
            problems.write(ProblemType.PAYLOAD_TOO_LARGE, RequestBodyTooLargeException.detail(maxBodyBytes), request,
                    response);
            return;
        }
        String actor = RequestContext.actor();
        String fingerprint = fingerprint(request, body);
        Instant now = clock.instant();
        store.purgeExpired(actor, key, now.minus(RETENTION));
        if (!store.claim(actor, key, fingerprint, request.getRequestURI(), now, now.minus(ABANDONED_AFTER))) {
            IdempotencyStore.Record record = store.find(actor, key).orElse(null);
            if (record == null) {
                problems.write(ProblemType.IDEMPOTENCY_KEY_IN_PROGRESS,
                        "A request with this Idempotency-Key is being handled; retry shortly", request, response);
            } else if (!record.fingerprint().equals(fingerprint)) {
                problems.write(ProblemType.IDEMPOTENCY_KEY_REUSED, "Idempotency-Key '" + key
                        + "' was used with a different request in the last 24 hours; use a new key", request, response);
            } else if (!record.completed()) {
                response.setHeader(HttpHeaders.RETRY_AFTER, "1");
                problems.write(ProblemType.IDEMPOTENCY_KEY_IN_PROGRESS,
                        "The first request with this Idempotency-Key is still being handled; retry shortly", request,
                        response);
            } else {
                replay(record, response);
            }
            return;
        }
        ContentCachingResponseWrapper captured = new ContentCachingResponseWrapper(response);
        boolean stored = false;
        try {
            chain.doFilter(new CachedBodyRequest(request, body), captured);
            int status = captured.getStatus();
            if (status < 500) {
                store.complete(actor, key, status, headersOf(captured), captured.getContentAsByteArray());
                stored = true;
            }
        } finally {
            if (!stored) {
                store.release(actor, key);
            }
            captured.copyBodyToResponse();
        }
    }

    @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT5M")
    void purge() {
        store.purgeOlderThan(clock.instant().minus(RETENTION));
    }

    private String fingerprint(HttpServletRequest request, byte[] body) {
        byte[] target = (request.getMethod() + " " + request.getRequestURI() + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[target.length + body.length];
        System.arraycopy(target, 0, all, 0, target.length);
        System.arraycopy(body, 0, all, target.length, body.length);
        return HexFormat.of().formatHex(cipher.fingerprintBytes(all));
    }

    private static String headersOf(HttpServletResponse response) {
        StringBuilder headers = new StringBuilder();
        for (String name : REPLAYED_HEADERS) {
            String value = response.getHeader(name);
            if (value != null) {
                headers.append(name).append(": ").append(value).append('\n');
            }
        }
        return headers.toString();
    }

    private static void replay(IdempotencyStore.Record record, HttpServletResponse response) throws IOException {
        response.setStatus(record.status());
        for (String line : record.headers().split("\n")) {
            int colon = line.indexOf(": ");
            if (colon > 0) {
                response.setHeader(line.substring(0, colon), line.substring(colon + 2));
            }
        }
        response.setHeader(REPLAYED_HEADER, "true");
        response.getOutputStream().write(record.body());
    }

    /** Lets the rest of the chain read a body this filter has already consumed. */
    private static final class CachedBodyRequest extends HttpServletRequestWrapper {
        private final byte[] body;

        CachedBodyRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("synchronous reads only");
                }

                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
