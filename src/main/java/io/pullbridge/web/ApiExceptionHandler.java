package io.pullbridge.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.ConstraintViolationException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.Period;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.BindException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Turns every refusal into an RFC 9457 problem document with a stable type. Details name fields and rules,
 * never the rejected values (they may be secrets), stack traces, class names or SQL.
 */
@RestControllerAdvice
class ApiExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    private final Problems problems;

    ApiExceptionHandler(Problems problems) {
        this.problems = problems;
    }

    @ExceptionHandler(ApiException.class)
    ResponseEntity<Problem> api(ApiException e, HttpServletRequest request) {
        return problems.respond(e.type(), e.getMessage(), request, e.errors(), e.references());
    }

    @ExceptionHandler(BindException.class)
    ResponseEntity<Problem> bind(BindException e, HttpServletRequest request) {
        List<FieldViolation> errors = new ArrayList<>();
        e.getBindingResult().getFieldErrors()
                .forEach(error -> errors.add(new FieldViolation(error.getField(), error.getDefaultMessage())));
        e.getBindingResult().getGlobalErrors()
                .forEach(error -> errors.add(new FieldViolation(error.getObjectName(), error.getDefaultMessage())));
        return invalid(errors, request);
    }

    @ExceptionHandler(HandlerMethodValidationException.class)
    ResponseEntity<Problem> methodValidation(HandlerMethodValidationException e, HttpServletRequest request) {
        List<FieldViolation> errors = new ArrayList<>();
        e.getParameterValidationResults().forEach(result -> {
            String name = result.getMethodParameter().getParameterName();
            result.getResolvableErrors().forEach(error -> errors.add(new FieldViolation(name, error.getDefaultMessage())));
        });
        return invalid(errors, request);
    }

    @ExceptionHandler(ConstraintViolationException.class)
    ResponseEntity<Problem> constraint(ConstraintViolationException e, HttpServletRequest request) {
        List<FieldViolation> errors = e.getConstraintViolations().stream()
                .map(v -> new FieldViolation(lastNode(v.getPropertyPath().toString()), v.getMessage()))
                .toList();
        return invalid(errors, request);
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Problem> unreadable(HttpMessageNotReadableException e, HttpServletRequest request) {
        RequestBodyTooLargeException tooLarge = RequestBodyTooLargeException.in(e);
        if (tooLarge != null) {
            return tooLarge(tooLarge, request);
        }
        if (e.getCause() instanceof StreamConstraintsException) {
            // Nesting beyond the bound, or a number or string beyond Jackson's: never a field's fault.
            return problems.respond(ProblemType.MALFORMED_REQUEST, "The request body exceeds a JSON limit: at most "
                    + WebConfiguration.MAX_JSON_NESTING_DEPTH + " levels of nesting, numbers of at most "
                    + WebConfiguration.MAX_JSON_NUMBER_LENGTH + " digits", request, List.of(), List.of());
        }
        // Bytes that are not JSON (invalid UTF-8, a raw control character) are never a field's fault, wherever they are.
        boolean notJson = e.getCause() instanceof StreamReadException && !(e.getCause() instanceof InputCoercionException);
        if (!notJson && e.getCause() instanceof JacksonException jackson && !jackson.getPath().isEmpty()) {
            String field = path(jackson);
            return invalid(List.of(new FieldViolation(field, describe(jackson))), request);
        }
        return problems.respond(ProblemType.MALFORMED_REQUEST,
                "The request body is missing or is not well-formed JSON", request, List.of(), List.of());
    }

    @ExceptionHandler(RequestBodyTooLargeException.class)
    ResponseEntity<Problem> tooLarge(RequestBodyTooLargeException e, HttpServletRequest request) {
        return problems.respond(ProblemType.PAYLOAD_TOO_LARGE, RequestBodyTooLargeException.detail(e.limit()), request,
                List.of(), List.of());
    }

    /** Tomcat decodes the query string when a parameter is first read, and refuses what is not percent-encoded UTF-8. */
    @ExceptionHandler(InvalidParameterException.class)
    ResponseEntity<Problem> invalidQuery(InvalidParameterException e, HttpServletRequest request) {
        return problems.respond(ProblemType.MALFORMED_URL, "The query string could not be decoded: parameters must be "
                + "percent-encoded UTF-8, without NUL characters, and at most " + WebConfiguration.MAX_PARAMETERS
                + " of them", request, List.of(), List.of());
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<Problem> missingParameter(MissingServletRequestParameterException e, HttpServletRequest request) {
        return invalid(List.of(new FieldViolation(e.getParameterName(), "is required")), request);
    }

    @ExceptionHandler(MissingRequestHeaderException.class)
    ResponseEntity<Problem> missingHeader(MissingRequestHeaderException e, HttpServletRequest request) {
        return invalid(List.of(new FieldViolation(e.getHeaderName(), "header is required")), request);
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<Problem> typeMismatch(MethodArgumentTypeMismatchException e, HttpServletRequest request) {
        if (e.getParameter().hasParameterAnnotation(PathVariable.class)) {
            return problems.respond(ProblemType.NOT_FOUND, "No resource at " + request.getRequestURI(), request,
                    List.of(), List.of());
        }
        String expected = e.getRequiredType() == null ? "a valid value" : describeType(e.getRequiredType());
        return invalid(List.of(new FieldViolation(e.getName(), "must be " + expected)), request);
    }

    /**
     * What Spring MVC refuses before a controller runs (no route, method or media type for the request), from its
     * {@link ErrorResponse}: its status picks the problem type, and a 405 says what is allowed.
     */
    @ExceptionHandler({NoResourceFoundException.class, NoHandlerFoundException.class,
            HttpRequestMethodNotSupportedException.class, HttpMediaTypeNotSupportedException.class,
            HttpMediaTypeNotAcceptableException.class})
    ResponseEntity<Problem> unrouted(ErrorResponse e, HttpServletRequest request) {
        String detail = e instanceof HttpRequestMethodNotSupportedException
                ? request.getMethod() + " is not supported here"
                : e instanceof HttpMediaTypeNotSupportedException unsupported ? "Send the body as " + unsupported
                .getSupportedMediaTypes().stream().map(Object::toString).collect(Collectors.joining(" or "))
                : e instanceof HttpMediaTypeNotAcceptableException ? "This resource is served as application/json"
                : "No resource at " + request.getRequestURI();
        ResponseEntity<Problem> response = problems.respond(ProblemType.forStatus(e.getStatusCode().value()), detail,
                request, List.of(), List.of());
        if (!(e instanceof HttpRequestMethodNotSupportedException unsupported)
                || unsupported.getSupportedHttpMethods() == null) {
            return response;
        }
        HttpHeaders headers = new HttpHeaders();
        headers.putAll(response.getHeaders());
        headers.setAllow(unsupported.getSupportedHttpMethods());
        return new ResponseEntity<>(response.getBody(), headers, response.getStatusCode());
    }

    @ExceptionHandler(OptimisticLockingFailureException.class)
    ResponseEntity<Problem> optimisticLock(OptimisticLockingFailureException e, HttpServletRequest request) {
        return problems.respond(ProblemType.CONCURRENT_MODIFICATION,
                "The resource was changed by another request; read it again and retry", request, List.of(), List.of());
    }

    @ExceptionHandler(DataIntegrityViolationException.class)
    ResponseEntity<Problem> integrity(DataIntegrityViolationException e, HttpServletRequest request) {
        log.info("Refused a write that conflicts with stored data: {}", e.getMostSpecificCause().getClass().getSimpleName());
        return problems.respond(ProblemType.ALREADY_EXISTS,
                "The request conflicts with an existing resource or reference", request, List.of(), List.of());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Problem> unexpected(Exception e, HttpServletRequest request) {
        RequestBodyTooLargeException tooLarge = RequestBodyTooLargeException.in(e);
        if (tooLarge != null) {
            return tooLarge(tooLarge, request);
        }
        log.error("Unexpected error on {} {}", AuditedRequest.method(request),
                AuditedRequest.path(request.getRequestURI(), AuditedRequest.MAX_PATH), e);
        return problems.respond(ProblemType.INTERNAL_ERROR,
                "Something went wrong on our side; quote the requestId when you report it", request, List.of(),
                List.of());
    }

    private ResponseEntity<Problem> invalid(List<FieldViolation> errors, HttpServletRequest request) {
        String detail = errors.size() == 1 ? errors.get(0).field() + ": " + errors.get(0).message()
                : errors.size() + " fields are not valid";
        return problems.respond(ProblemType.VALIDATION_FAILED, detail, request, errors, List.of());
    }

    private static String path(JacksonException e) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference reference : e.getPath()) {
            if (reference.getPropertyName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String describe(JacksonException e) {
        if (e instanceof UnrecognizedPropertyException) {
            return "is not a known field";
        }
        if (e instanceof InvalidFormatException invalid && invalid.getTargetType() != null) {
            return "must be " + describeType(invalid.getTargetType());
        }
        if (e instanceof MismatchedInputException mismatched && mismatched.getTargetType() != null) {
            return "must be " + describeType(mismatched.getTargetType());
        }
        return "is not valid";
    }

    private static String describeType(Class<?> type) {
        if (type.isEnum()) {
            return "one of " + Arrays.stream(type.getEnumConstants()).map(Object::toString)
                    .collect(Collectors.joining(", "));
        }
        if (type == UUID.class) {
            return "a UUID";
        }
        if (type == Instant.class || type == OffsetDateTime.class) {
            return "an RFC 3339 timestamp";
        }
        if (type == Duration.class || type == Period.class) {
            return "an ISO-8601 duration";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "a number";
        }
        if (Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (type == String.class) {
            return "a string";
        }
        return "an object";
    }

    private static String lastNode(String propertyPath) {
        int dot = propertyPath.indexOf('.');
        return dot < 0 ? propertyPath : propertyPath.substring(dot + 1);
    }
}
