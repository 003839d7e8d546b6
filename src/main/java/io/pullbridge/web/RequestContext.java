package io.pullbridge.web;

import java.util.regex.Pattern;
import org.slf4j.MDC;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;

/** Who is asking, under which request id and ticket (correlation id), for audit events and job records. */
public final class RequestContext {

    public static final String REQUEST_ID_MDC_KEY = "requestId";
    public static final String CORRELATION_ID_MDC_KEY = "correlationId";
    public static final String SYSTEM_ACTOR = "system:pullbridge";
    public static final String ANONYMOUS_ACTOR = "anonymous";
    public static final String CORRELATION_ID_RULE = "must be 1 to 128 letters, digits and . _ : # / -";
    private static final Pattern CORRELATION_ID = Pattern.compile("[A-Za-z0-9._:#/-]{1,128}");

    private RequestContext() {
    }

    /** The subject of the caller's token, {@code anonymous} without one, or the system actor outside a request. */
    public static String actor() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null) {
            return MDC.get(REQUEST_ID_MDC_KEY) == null ? SYSTEM_ACTOR : ANONYMOUS_ACTOR;
        }
        if (!authentication.isAuthenticated() || "anonymousUser".equals(authentication.getName())) {
            return ANONYMOUS_ACTOR;
        }
        return authentication.getName();
    }

    public static String requestId() {
        return MDC.get(REQUEST_ID_MDC_KEY);
    }

    /** Whether {@code value} is a well-formed correlation id (a ticket number): what {@code X-Correlation-Id} takes. */
    public static boolean isCorrelationId(String value) {
        return value != null && CORRELATION_ID.matcher(value).matches();
    }

    /**
     * The caller's {@code X-Correlation-Id} (a ticket number, validated by the web module), or, while a job runs, the
     * one of the request that enqueued it; null when there is none.
     */
    public static String correlationId() {
        return MDC.get(CORRELATION_ID_MDC_KEY);
    }

    /**
     * Whether the caller holds {@code role} (directly or through the role hierarchy: Admin implies Operator implies
     * Reader). For rules that depend on a request's content, which URL-based rules cannot see.
     */
    public static boolean callerHas(Role role) {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null || !authentication.isAuthenticated()) {
            return false;
        }
        for (GrantedAuthority authority : authentication.getAuthorities()) {
            Role held = Role.fromAuthority(authority.getAuthority());
            if (held != null && held.includes(role)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Refuses the request with a 403 problem unless the caller holds {@code role}.
     *
     * @param rule what the caller tried, in words, and the rule (or setting) that reserves it, e.g.
     *             "registering a cluster is reserved to Admin"
     */
    public static void require(Role role, String rule) {
        if (!callerHas(role)) {
            throw new ApiException(ProblemType.FORBIDDEN, "Your token's roles do not allow this: " + rule);
        }
    }
}
