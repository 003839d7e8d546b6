package io.pullbridge.web;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The servlet container's error page ({@code /error}) as a problem document: what a filter refused with
 * {@code sendError}, or an exception that escaped the filters, is answered like every other refusal instead of
 * Spring Boot's default error body. Replaces Spring Boot's {@code BasicErrorController}.
 */
@Hidden
@RestController
class ProblemErrorController implements ErrorController {

    private static final Logger log = LoggerFactory.getLogger(ProblemErrorController.class);

    private final Problems problems;

    ProblemErrorController(Problems problems) {
        this.problems = problems;
    }

    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<Problem> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer value ? value : 500;
        Object exception = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        if (exception instanceof Throwable failure && RequestBodyTooLargeException.in(failure) != null) {
            status = ProblemType.PAYLOAD_TOO_LARGE.status().value();
        } else if (exception instanceof Throwable failure) {
            log.error("Unexpected error on {} {}", AuditedRequest.method(request), AuditedRequest.path(
                    AuditedRequest.requestedPath(request), AuditedRequest.MAX_PATH), failure);
            status = 500;
        }
        ProblemType type = ProblemType.forStatus(status);
        return problems.respond(type, detail(type), request, List.of(), List.of());
    }

    private static String detail(ProblemType type) {
        return switch (type) {
            case INTERNAL_ERROR -> "Something went wrong on our side; quote the requestId when you report it";
            case PAYLOAD_TOO_LARGE -> "The request body is larger than this service accepts";
            case NOT_FOUND -> "No resource at this URL";
            default -> type.title();
        };
    }
}
