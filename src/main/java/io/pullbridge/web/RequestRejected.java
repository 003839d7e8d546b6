package io.pullbridge.web;

/**
 * Published when a request is refused (401, 403, or any 4xx on a write), so the audit trail records failed
 * attempts. Holds no request body: the payload may carry secrets.
 */
public record RequestRejected(String actor, String method, String path, int status, String problemType,
                              String detail, String requestId) {
}
