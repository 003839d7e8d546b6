package io.pullbridge.support.azure;

import java.time.Instant;

/** A registry token's password ({@code password1} or {@code password2}); {@code expiry} may be null (no expiry). */
public record TokenPassword(String name, String value, Instant creationTime, Instant expiry) {
}
