package io.pullbridge.web;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.tomcat.util.res.StringManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tomcat's error report for what it refuses before any servlet runs (a request line or header it cannot parse, a
 * URL it cannot decode, headers over {@code server.max-http-request-header-size}): an RFC 9457 problem document
 * instead of Tomcat's HTML page, with a type a client can branch on. Nothing is relaxed: these requests are still
 * refused, as problems. Errors inside the application never get here; they are answered by the application's own
 * handlers and {@link ProblemErrorController}.
 */
class ProblemErrorReportValve extends ErrorReportValve {

    private static final String COYOTE = "org.apache.coyote.http11";
    private static final String HEADER_TOO_LARGE = StringManager.getManager(COYOTE)
            .getString("iib.requestheadertoolarge.error");
    private static final String INVALID_TARGET = prefix(StringManager.getManager(COYOTE)
            .getString("iib.invalidRequestTarget"));

    private final Supplier<UnauthenticatedRequests> refusals;
    private final JsonMapper json = JsonMapper.shared();

    ProblemErrorReportValve(Supplier<UnauthenticatedRequests> refusals) {
        this.refusals = refusals;
        setShowReport(false);
        setShowServerInfo(false);
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        if (response.getStatus() < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        ProblemType type = classify(request, response.getStatus(), throwable);
        String requestId = response.getHeader(RequestIdFilter.HEADER);
        if (requestId == null) {
            requestId = UUID.randomUUID().toString();
        }
        String uri = request.getCoyoteRequest().requestURI().isNull() ? null : request.getRequestURI();
        Problem problem = new Problem(type.uri(), type.title(), type.status().value(), detail(type),
                uri == null ? null : AuditedRequest.path(uri, AuditedRequest.MAX_PATH), requestId, List.of(), List.of());
        UnauthenticatedRequests counter = refusals.get();
        if (counter != null) {
            counter.refused(type, request);
        }
        try {
            response.setStatus(type.status().value());
            response.setContentType(Problems.PROBLEM_JSON.toString());
            response.setCharacterEncoding("UTF-8");
            response.setHeader(RequestIdFilter.HEADER, requestId);
            PrintWriter writer = response.getReporter();
            if (writer != null) {
                writer.write(json.writeValueAsString(problem));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // The client is gone or the response was committed meanwhile: nothing left to tell it.
        }
    }

    /**
     * What Tomcat refused, from what it had parsed when it did: a request line it could not parse or a path it could
     * not decode is a malformed URL; headers over the limit are 431, or 414 when the request line alone was too long.
     */
    static ProblemType classify(Request request, int status, Throwable throwable) {
        if (status != 400) {
            return ProblemType.forStatus(status);
        }
        boolean targetParsed = !request.getCoyoteRequest().requestURI().isNull();
        String message = throwable == null || throwable.getMessage() == null ? "" : throwable.getMessage();
        if (throwable instanceof IllegalArgumentException && message.equals(HEADER_TOO_LARGE)) {
            return targetParsed ? ProblemType.REQUEST_HEADER_TOO_LARGE : ProblemType.URI_TOO_LONG;
        }
        if (message.startsWith(INVALID_TARGET)) {
            return ProblemType.MALFORMED_URL;
        }
        if (!targetParsed) {
            return ProblemType.BAD_REQUEST;
        }
        if (throwable == null && request.getCoyoteRequest().decodedURI().isNull()) {
            return ProblemType.MALFORMED_URL;
        }
        return throwable == null ? ProblemType.BAD_REQUEST : ProblemType.MALFORMED_HEADER;
    }

    private static String detail(ProblemType type) {
        return switch (type) {
            case MALFORMED_URL -> "The URL could not be read: use only the characters RFC 3986 allows (percent-encode "
                    + "others, in UTF-8), no encoded NUL, '/' or '\\', and no '..' above the root";
            case MALFORMED_HEADER -> "A header could not be read: header lines must follow RFC 9110 and RFC 9112";
            case URI_TOO_LONG -> "The request line is longer than this service accepts";
            case REQUEST_HEADER_TOO_LARGE -> "The request headers are larger than this service accepts";
            case PAYLOAD_TOO_LARGE -> "The request body is larger than this service accepts";
            case METHOD_NOT_ALLOWED -> "This method is not supported";
            case NOT_FOUND -> "No resource at this URL";
            case INTERNAL_ERROR -> "Something went wrong on our side; quote the requestId when you report it";
            default -> "The request is not well-formed HTTP";
        };
    }

    private static String prefix(String pattern) {
        int argument = pattern.indexOf('[');
        return argument < 0 ? pattern : pattern.substring(0, argument);
    }
}
