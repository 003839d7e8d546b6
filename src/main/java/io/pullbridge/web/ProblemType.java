package io.pullbridge.web;

import java.net.URI;
import org.springframework.http.HttpStatus;

/**
 * The stable problem types the API answers with. Clients branch on {@link #uri()}; the URIs never change
 * once published.
 */
public enum ProblemType {
    VALIDATION_FAILED("validation-failed", HttpStatus.BAD_REQUEST, "The request is not valid"),
    MALFORMED_REQUEST("malformed-request", HttpStatus.BAD_REQUEST, "The request body could not be read"),
    MALFORMED_URL("malformed-url", HttpStatus.BAD_REQUEST, "The request URL is not well-formed"),
    MALFORMED_HEADER("malformed-header", HttpStatus.BAD_REQUEST, "A request header is not well-formed"),
    BAD_REQUEST("bad-request", HttpStatus.BAD_REQUEST, "The request is not well-formed HTTP"),
    UNAUTHENTICATED("unauthenticated", HttpStatus.UNAUTHORIZED, "Authentication required"),
    FORBIDDEN("forbidden", HttpStatus.FORBIDDEN, "Not allowed"),
    NOT_FOUND("not-found", HttpStatus.NOT_FOUND, "Not found"),
    METHOD_NOT_ALLOWED("method-not-allowed", HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed"),
    NOT_ACCEPTABLE("not-acceptable", HttpStatus.NOT_ACCEPTABLE, "Not acceptable"),
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type"),
    ALREADY_EXISTS("already-exists", HttpStatus.CONFLICT, "The resource already exists"),
    RESOURCE_IN_USE("resource-in-use", HttpStatus.CONFLICT, "The resource is in use"),
    INVALID_STATE("invalid-state", HttpStatus.CONFLICT, "The resource is not in a state that allows this"),
    CONCURRENT_MODIFICATION("concurrent-modification", HttpStatus.CONFLICT, "The resource was changed concurrently"),
    IDEMPOTENCY_KEY_REUSED("idempotency-key-reused", HttpStatus.CONFLICT,
            "The Idempotency-Key was already used with another request"),
    IDEMPOTENCY_KEY_IN_PROGRESS("idempotency-key-in-progress", HttpStatus.CONFLICT,
            "A request with this Idempotency-Key is still in progress"),
    PRECONDITION_FAILED("precondition-failed", HttpStatus.PRECONDITION_FAILED, "The If-Match precondition failed"),
    PAYLOAD_TOO_LARGE("payload-too-large", HttpStatus.CONTENT_TOO_LARGE, "The request body is too large"),
    URI_TOO_LONG("uri-too-long", HttpStatus.URI_TOO_LONG, "The request URL is too long"),
    REQUEST_HEADER_TOO_LARGE("request-header-too-large", HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
            "The request headers are too large"),
    UNKNOWN_REFERENCE("unknown-reference", HttpStatus.UNPROCESSABLE_CONTENT, "A referenced resource does not exist"),
    SEMANTIC_ERROR("semantic-error", HttpStatus.UNPROCESSABLE_CONTENT, "The request cannot be carried out as asked"),
    TOO_MANY_REQUESTS("too-many-requests", HttpStatus.TOO_MANY_REQUESTS, "Too many requests"),
    INTERNAL_ERROR("internal-error", HttpStatus.INTERNAL_SERVER_ERROR, "Internal error");

    public static final String BASE = "https://pullbridge.io/problems/";

    private final String slug;
    private final HttpStatus status;
    private final String title;

    ProblemType(String slug, HttpStatus status, String title) {
        this.slug = slug;
        this.status = status;
        this.title = title;
    }

    /**
     * The generic type for an HTTP status that something other than the API's own handlers chose (the servlet
     * container, a filter's {@code sendError}): {@link #BAD_REQUEST} for a 4xx without a type of its own,
     * {@link #INTERNAL_ERROR} for a 5xx.
     */
    public static ProblemType forStatus(int status) {
        return switch (status) {
            case 401 -> UNAUTHENTICATED;
            case 403 -> FORBIDDEN;
            case 404 -> NOT_FOUND;
            case 405 -> METHOD_NOT_ALLOWED;
            case 406 -> NOT_ACCEPTABLE;
            case 413 -> PAYLOAD_TOO_LARGE;
            case 414 -> URI_TOO_LONG;
            case 415 -> UNSUPPORTED_MEDIA_TYPE;
            case 429 -> TOO_MANY_REQUESTS;
            case 431 -> REQUEST_HEADER_TOO_LARGE;
            default -> status >= 400 && status < 500 ? BAD_REQUEST : INTERNAL_ERROR;
        };
    }

    /** The last segment of the type URI, e.g. {@code not-found}. */
    public String slug() {
        return slug;
    }

    public URI uri() {
        return URI.create(BASE + slug);
    }

    public HttpStatus status() {
        return status;
    }

    public String title() {
        return title;
    }
}
