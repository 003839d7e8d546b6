package io.pullbridge.web;

import io.pullbridge.common.Reference;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds problem documents, writes them outside Spring MVC (security filters), and reports refusals: an
 * authenticated caller's to the audit trail, an unauthenticated request's to {@link UnauthenticatedRequests}.
 */
@Component
public class Problems {

    public static final MediaType PROBLEM_JSON = MediaType.APPLICATION_PROBLEM_JSON;
    private static final Set<String> READ_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    /** Request attribute: why the bearer token was refused, set before a 401 is written. */
    static final String TOKEN_FAILURE = Problems.class.getName() + ".tokenFailure";

    private final JsonMapper jsonMapper;
    private final ApplicationEventPublisher events;
    private final UnauthenticatedRequests unauthenticated;

    Problems(JsonMapper jsonMapper, ApplicationEventPublisher events, UnauthenticatedRequests unauthenticated) {
        this.jsonMapper = jsonMapper;
        this.events = events;
        this.unauthenticated = unauthenticated;
    }

    public Problem problem(ProblemType type, String detail, HttpServletRequest request, List<FieldViolation> errors,
                           List<Reference> references) {
        return new Problem(type.uri(), type.title(), type.status().value(), detail,
                request == null ? null : AuditedRequest.requestedPath(request),
                RequestContext.requestId(), errors, references);
    }

    public ResponseEntity<Problem> respond(ProblemType type, String detail, HttpServletRequest request,
                                           List<FieldViolation> errors, List<Reference> references) {
        Problem problem = problem(type, detail, request, errors, references);
        report(request, type, problem);
        return ResponseEntity.status(type.status()).contentType(PROBLEM_JSON).body(problem);
    }

    /** For filters and security handlers, which answer before Spring MVC's message converters. */
    public void write(ProblemType type, String detail, HttpServletRequest request,
                      jakarta.servlet.http.HttpServletResponse response) throws IOException {
        write(type, detail, List.of(), request, response);
    }

    /**
     * As {@link #write(ProblemType, String, HttpServletRequest, jakarta.servlet.http.HttpServletResponse)}, naming
     * the invalid fields (or headers) so a filter's 400 reads like every other one.
     */
    public void write(ProblemType type, String detail, List<FieldViolation> errors, HttpServletRequest request,
                      jakarta.servlet.http.HttpServletResponse response) throws IOException {
        Problem problem = problem(type, detail, request, errors, List.of());
        report(request, type, problem);
        response.setStatus(type.status().value());
        response.setContentType(PROBLEM_JSON.toString());
        if (type == ProblemType.UNAUTHENTICATED) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        jsonMapper.writeValue(response.getOutputStream(), problem);
    }

    private void report(HttpServletRequest request, ProblemType type, Problem problem) {
        if (request == null) {
            return;
        }
        if (!authenticated()) {
            if (request.getAttribute(TOKEN_FAILURE) instanceof UnauthenticatedRequests.TokenFailure failure) {
                unauthenticated.refused(failure, request);
            } else {
                unauthenticated.refused(type, request);
            }
            return;
        }
        int status = problem.status();
        boolean refusedWrite = status >= 400 && status < 500 && !READ_METHODS.contains(request.getMethod());
        if (status == 401 || status == 403 || refusedWrite) {
            events.publishEvent(new RequestRejected(RequestContext.actor(), AuditedRequest.method(request),
                    AuditedRequest.route(request), AuditedRequest.resourceId(request), status,
                    problem.type().toString(), problem.detail(), RequestContext.requestId()));
        }
    }

    private static boolean authenticated() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication != null && authentication.isAuthenticated()
                && !(authentication instanceof AnonymousAuthenticationToken);
    }
}
