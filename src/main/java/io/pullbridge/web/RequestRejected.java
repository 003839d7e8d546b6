package io.pullbridge.web;

/**
 * Published when an authenticated caller's request is refused (403, or any 4xx on a write), so the audit trail
 * records failed attempts. Holds no request body: the payload may carry secrets. Requests refused before anyone was
 * authenticated are not published: {@link UnauthenticatedRequests} counts them.
 *
 * @param method     the request's method, {@code OTHER} for one the API does not know
 * @param route      the route the request matched ({@code /api/v1/registries/{id}}), else its path made plain and
 *                   cut to 200 characters
 * @param resourceId the {@code id} of the matched route, or null
 */
public record RequestRejected(String actor, String method, String route, String resourceId, int status,
                              String problemType, String detail, String requestId) {
}
