package io.pullbridge.clusters;

import java.time.Instant;
import java.util.Objects;

/**
 * Port: access tokens from PullBridge's own Azure credential (client secret, workload identity or managed identity),
 * implemented by the {@code azure} adapter. {@link EntraTokens} keeps and refreshes them; this only asks.
 */
public interface EntraTokenIssuer {

    /**
     * A token issued now for {@code scope} in {@code tenantId}, never one an SDK cache kept: callers refresh on their
     * own schedule, and after an API server refused the previous one.
     *
     * @throws io.pullbridge.jobs.JobFailure when Entra ID refuses or cannot be reached
     */
    Token issue(String tenantId, String scope);

    /** A bearer token and when it expires. The token is a secret: {@link #toString()} does not show it. */
    record Token(String token, Instant expiresAt) {

        public Token {
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(expiresAt, "expiresAt");
        }

        @Override
        public String toString() {
            return "Token[(secret), expiresAt=" + expiresAt + "]";
        }
    }
}
