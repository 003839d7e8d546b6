package io.pullbridge.support.azure;

import java.time.Instant;

/**
 * A password of a Graph application or service principal. The secret is kept (Entra keeps a hash) so that the
 * emulator's token endpoint accepts it and tests can compare it with what an adapter stored.
 */
public record PasswordCredential(String keyId, String displayName, String secretText, Instant startDateTime,
                                 Instant endDateTime) {

    /** The first three characters, as Graph shows in {@code hint}. */
    public String hint() {
        return secretText.substring(0, Math.min(3, secretText.length()));
    }

    boolean validAt(Instant instant) {
        return !instant.isBefore(startDateTime) && instant.isBefore(endDateTime);
    }
}
