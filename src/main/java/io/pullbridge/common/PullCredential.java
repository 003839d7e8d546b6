package io.pullbridge.common;

import java.time.Instant;
import java.util.UUID;

/**
 * The username and password a pull secret carries for a registry: a service principal's application id and
 * password, or a registry token's name and password. Decrypted only in memory, for the moment it is written;
 * {@link #toString()} never shows the password.
 *
 * @param source      the credential this comes from ({@code service-principal} or {@code registry-token} and its id)
 * @param fingerprint the keyed fingerprint of the password, so users can tell which password they hold
 *                    without seeing it
 */
public record PullCredential(Reference source, String username, String password, String fingerprint,
                             Instant expiresAt) {

    @Override
    public String toString() {
        return "PullCredential[source=" + source.kind() + "/" + source.id() + ", username=" + username
                + ", fingerprint=" + fingerprint + ", expiresAt=" + expiresAt + "]";
    }

    public UUID sourceId() {
        return source.id();
    }
}
