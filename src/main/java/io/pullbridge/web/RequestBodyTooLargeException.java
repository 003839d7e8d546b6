package io.pullbridge.web;

import io.pullbridge.common.Causes;
import java.io.IOException;

/** Thrown while a request body is read, when it grows past {@code pullbridge.web.max-request-body}. */
class RequestBodyTooLargeException extends IOException {

    private final long limit;

    RequestBodyTooLargeException(long limit) {
        super("The request body is larger than " + limit + " bytes", null);
        this.limit = limit;
    }

    long limit() {
        return limit;
    }

    /** The detail of the 413 problem. */
    static String detail(long limit) {
        return "The request body is larger than the " + limit + " bytes this service accepts";
    }

    /** The exception among {@code e} and its causes, or null. */
    static RequestBodyTooLargeException in(Throwable e) {
        return Causes.find(e, RequestBodyTooLargeException.class).orElse(null);
    }
}
