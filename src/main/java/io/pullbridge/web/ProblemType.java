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
