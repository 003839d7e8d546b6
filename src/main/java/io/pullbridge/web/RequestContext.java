package io.pullbridge.web;

import org.slf4j.MDC;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/** Who is asking and under which request id, for audit events and job records. */
public final class RequestContext {

    public static final String REQUEST_ID_MDC_KEY = "requestId";
    public static final String SYSTEM_ACTOR = "system:pullbridge";
    public static final String ANONYMOUS_ACTOR = "anonymous";

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
}
