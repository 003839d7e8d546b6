package io.pullbridge.common;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Port: the credentials of one kind whose current password expires soon or has expired, exactly those whose
 * {@code CredentialExpiring} condition is {@code True} at {@code now}. Each feature that holds passwords implements
 * it, with its own warning period; webhooks tell of each password's expiry once.
 */
public interface CredentialExpiries {

    /** The resource kind, as in {@link ResourceKinds}. */
    String kind();

    List<Expiring> expiring(Instant now);

    /**
     * A credential whose current password expires (or expired) at {@code expiresAt}.
     *
     * @param location the credential's path in the API, e.g. {@code /api/v1/service-principals/<id>}
     */
    record Expiring(UUID id, String location, Instant expiresAt) {
    }
}
