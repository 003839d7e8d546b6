package io.pullbridge.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.List;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The caller's ticket: an optional {@code X-Correlation-Id} on an API request (1 to 128 letters, digits and
 * {@code . _ : # / -}, such as {@code INC0012345} or {@code JIRA-42}) is put in the logging context, where the jobs
 * the request enqueues and its audit events take it from, and echoed back. Any other value is refused with a 400
 * problem before anything is changed; it runs after authentication (so a missing token is still a 401) and before
 * the {@code Idempotency-Key} is claimed.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE - 10)
class CorrelationIdFilter extends OncePerRequestFilter {

    static final String HEADER = "X-Correlation-Id";
    private static final String RULE = RequestContext.CORRELATION_ID_RULE;

    private final Problems problems;

    CorrelationIdFilter(Problems problems) {
        this.problems = problems;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return request.getHeader(HEADER) == null || !request.getRequestURI().startsWith("/api/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        List<String> values = Collections.list(request.getHeaders(HEADER));
        String correlationId = values.get(0);
        if (values.size() > 1 || !RequestContext.isCorrelationId(correlationId)) {
            problems.write(ProblemType.VALIDATION_FAILED, HEADER + ": " + RULE + (values.size() > 1
                    ? ", sent once" : ""), List.of(new FieldViolation(HEADER, RULE)), request, response);
            return;
        }
        MDC.put(RequestContext.CORRELATION_ID_MDC_KEY, correlationId);
        response.setHeader(HEADER, correlationId);
        try {
            chain.doFilter(request, response);
        } finally {
            MDC.remove(RequestContext.CORRELATION_ID_MDC_KEY);
        }
    }
}
