package io.pullbridge.web;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.web.servlet.HandlerMapping;

/**
 * How a refused request is named in audit events and logs: bounded and plain whatever the caller sent. A path is
 * attacker-controlled (up to the 8 KB header limit), so it is named by the route it matched when there is one
 * ({@code /api/v1/registries/{id}}, its {@code id} becoming the event's resource id), otherwise by its first
 * characters, with anything but plain URL characters replaced.
 */
final class AuditedRequest {

    static final int MAX_PATH = 200;
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS",
            "TRACE");
    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9/._~:@!$&'()*+,;=%{}-]");

    private AuditedRequest() {
    }

    /** The request's method, or {@code OTHER} for a method the API does not know (any token is valid HTTP). */
    static String method(HttpServletRequest request) {
        String method = request.getMethod();
        return method != null && METHODS.contains(method) ? method : "OTHER";
    }

    /** The route the request matched, else its path made plain and cut to {@link #MAX_PATH} characters. */
    static String route(HttpServletRequest request) {
        Object pattern = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
        if (pattern instanceof String route && route.startsWith("/api/")) {
            return path(route, MAX_PATH);
        }
        return path(requestedPath(request), MAX_PATH);
    }

    /** The path asked for; on the container's error page, the one that failed rather than {@code /error}. */
    static String requestedPath(HttpServletRequest request) {
        if (request.getDispatcherType() == DispatcherType.ERROR
                && request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) instanceof String failed) {
            return failed;
        }
        return request.getRequestURI();
    }

    /** The {@code id} path variable of the matched route, when it is a resource id. */
    static String resourceId(HttpServletRequest request) {
        if (request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE) instanceof Map<?, ?> variables
                && variables.get("id") instanceof String id) {
            try {
                return UUID.fromString(id).toString();
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return null;
    }

    static String path(String path, int max) {
        if (path == null) {
            return "";
        }
        String cut = path.length() > max ? path.substring(0, max) : path;
        String plain = UNSAFE.matcher(cut).replaceAll("?");
        return path.length() > max ? plain + "…" : plain;
    }
}
