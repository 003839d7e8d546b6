package io.pullbridge.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pullbridge.common.Causes;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.InsufficientAuthenticationException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.stereotype.Component;

/**
 * Requests refused before anyone was authenticated: counted in {@code pullbridge.http.unauthenticated} (tag
 * {@code reason}, from a fixed set) and logged at most once per {@code pullbridge.web.refusal-log-interval}, never
 * written to the audit trail. Anyone on the network can send them, so they must not grow the database or the logs.
 */
@Component
class UnauthenticatedRequests {

    static final String METRIC = "pullbridge.http.unauthenticated";

    private static final Logger log = LoggerFactory.getLogger(UnauthenticatedRequests.class);
    private static final int LOGGED_PATH_LENGTH = 120;

    /** Why a bearer token was refused; the tag values of the metric for 401 answers. */
    enum TokenFailure {
        MISSING_TOKEN("missing-token"),
        MALFORMED_TOKEN("malformed-token"),
        EXPIRED_TOKEN("expired-token"),
        WRONG_ISSUER("wrong-issuer"),
        WRONG_AUDIENCE("wrong-audience"),
        INVALID_TOKEN("invalid-token");

        private final String reason;

        TokenFailure(String reason) {
            this.reason = reason;
        }

        String reason() {
            return reason;
        }

        static TokenFailure of(AuthenticationException e) {
            if (e instanceof InsufficientAuthenticationException) {
                return MISSING_TOKEN;
            }
            boolean decoded = false;
            for (Throwable cause : Causes.chain(e)) {
                if (cause instanceof JwtValidationException invalid) {
                    for (OAuth2Error error : invalid.getErrors()) {
                        String description = error.getDescription() == null ? "" : error.getDescription();
                        if (description.contains("expired")) {
                            return EXPIRED_TOKEN;
                        }
                        if (description.contains("iss claim")) {
                            return WRONG_ISSUER;
                        }
                        if (description.contains("aud claim")) {
                            return WRONG_AUDIENCE;
                        }
                    }
                    return INVALID_TOKEN;
                }
                decoded |= cause instanceof BadJwtException;
            }
            // A JWT that could not be decoded or verified, or a header that holds no bearer token at all.
            return decoded ? INVALID_TOKEN : MALFORMED_TOKEN;
        }
    }

    private final MeterRegistry meters;
    private final Clock clock;
    private final Duration interval;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Object logLock = new Object();
    private Instant nextLineAt;
    private long suppressed;

    UnauthenticatedRequests(MeterRegistry meters, Clock clock, WebProperties properties) {
        this.meters = meters;
        this.clock = clock;
        this.interval = properties.refusalLogInterval();
    }

    /** A 401: the request had no bearer token, or one that was refused. */
    void refused(TokenFailure failure, HttpServletRequest request) {
        record(failure.reason(), request);
    }

    /** Another refusal of a request that was not authenticated (yet): a malformed URL, an oversized header. */
    void refused(ProblemType type, HttpServletRequest request) {
        record(type.slug(), request);
    }

    private void record(String reason, HttpServletRequest request) {
        counters.computeIfAbsent(reason, tag -> Counter.builder(METRIC)
                .description("Requests refused without a valid bearer token, by reason")
                .tag("reason", tag)
                .register(meters)).increment();
        Instant now = clock.instant();
        long before;
        synchronized (logLock) {
            if (nextLineAt != null && now.isBefore(nextLineAt)) {
                suppressed++;
                return;
            }
            before = suppressed;
            suppressed = 0;
            nextLineAt = now.plus(interval);
        }
        log.info("Refused an unauthenticated request ({}): {} {} from {}{}", reason, AuditedRequest.method(request),
                AuditedRequest.path(AuditedRequest.requestedPath(request), LOGGED_PATH_LENGTH), request.getRemoteAddr(),
                before == 0 ? "" : "; " + before + " more refused since the previous line (logged at most every "
                        + interval + ", all counted in " + METRIC + ")");
    }
}
