package io.pullbridge.support.azure;

import java.time.Instant;
import java.util.Map;

/**
 * One request the emulator received, kept so that tests can assert the exact calls an adapter made.
 *
 * @param time when it arrived
 * @param surface which API answered it
 * @param method the HTTP method
 * @param rawPath the path exactly as sent (scope-based ARM calls start with {@code //})
 * @param path the path with one leading slash, decoded
 * @param query the decoded query string, parameters in the order sent ({@code ""} when there is none)
 * @param queryParameters the decoded query parameters
 * @param body the request body ({@code ""} when there is none); a client secret sent to the token endpoint is
 *             replaced by {@code <redacted>}
 * @param clientId the client id of the bearer token (or of the token request), {@code null} when there is none
 * @param status the status the emulator answered
 */
public record RecordedRequest(Instant time, Surface surface, String method, String rawPath, String path, String query,
                              Map<String, String> queryParameters, String body, String clientId, int status) {

    /** The {@code api-version} query parameter, or {@code null}. */
    public String apiVersion() {
        return queryParameters.get("api-version");
    }

    /** {@code METHOD /path?query}, e.g. {@code GET /subscriptions/.../registries/r1?api-version=2025-11-01}. */
    public String line() {
        return method + " " + path + (query.isEmpty() ? "" : "?" + query);
    }

    @Override
    public String toString() {
        return line() + " -> " + status;
    }

    /** The three APIs the emulator serves on one port, told apart by path. */
    public enum Surface {
        /** Entra ID: {@code /{tenant}/oauth2/v2.0/token} and the OpenID/instance discovery documents. */
        TOKEN,
        /** Microsoft Graph: {@code /v1.0/...}. */
        GRAPH,
        /** Azure Resource Manager: everything else. */
        ARM
    }
}
