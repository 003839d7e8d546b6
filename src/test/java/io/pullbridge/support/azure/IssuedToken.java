package io.pullbridge.support.azure;

import java.time.Instant;

/** An access token the emulator's token endpoint issued, and to whom. */
public record IssuedToken(String accessToken, String tenantId, String clientId, String scope, Instant expiresAt) {
}
