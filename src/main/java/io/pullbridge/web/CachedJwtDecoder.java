package io.pullbridge.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * Remembers tokens the configured decoder accepted, so that a client sending the same token again is not put through
 * the RSA signature check on every request (which costs more than serving a read).
 * <p>
 * Only the exact token string the decoder accepted, with every check it makes (signature, issuer, audience, time), is
 * remembered: a token for another audience, or signed by another key, is another string and goes to the decoder. An
 * entry is served only before the token's {@code exp} (the decoder's clock skew is not granted again) and for at most
 * {@code maxAge}; a token without {@code exp} is never kept. When {@code maxEntries} are kept, the expired ones go;
 * if none has, all go, since a full cache of live tokens is cheaper to rebuild than to order.
 */
final class CachedJwtDecoder implements JwtDecoder {

    private record Entry(Jwt jwt, Instant until) {
    }

    private final JwtDecoder decoder;
    private final Clock clock;
    private final int maxEntries;
    private final Duration maxAge;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    CachedJwtDecoder(JwtDecoder decoder, Clock clock, int maxEntries, Duration maxAge) {
        this.decoder = decoder;
        this.clock = clock;
        this.maxEntries = maxEntries;
        this.maxAge = maxAge;
    }

    @Override
    public Jwt decode(String token) throws JwtException {
        Instant now = clock.instant();
        Entry entry = entries.get(token);
        if (entry != null) {
            if (now.isBefore(entry.until())) {
                return entry.jwt();
            }
            entries.remove(token, entry);
        }
        Jwt jwt = decoder.decode(token);
        Instant expiresAt = jwt.getExpiresAt();
        if (expiresAt != null) {
            Instant latest = now.plus(maxAge);
            Instant until = expiresAt.isBefore(latest) ? expiresAt : latest;
            if (now.isBefore(until)) {
                makeRoom(now);
                entries.put(token, new Entry(jwt, until));
            }
        }
        return jwt;
    }

    /** Tokens kept now, for tests. */
    int size() {
        return entries.size();
    }

    private void makeRoom(Instant now) {
        if (entries.size() < maxEntries) {
            return;
        }
        entries.values().removeIf(kept -> !now.isBefore(kept.until()));
        if (entries.size() >= maxEntries) {
            entries.clear();
        }
    }
}
