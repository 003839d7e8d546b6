package io.pullbridge.clusters;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The bearer tokens PullBridge presents to Entra-integrated API servers: one per tenant and server application, kept
 * in memory and replaced {@code pullbridge.clusters.entra.refresh-before} ahead of its expiry (on the injected
 * {@link Clock}). When a replacement cannot be had, the current token is used until it really expires; an API server
 * that refuses a token gets one fresh token through {@link #refresh}, once per refusal.
 */
@Service
public class EntraTokens {

    private static final Logger log = LoggerFactory.getLogger(EntraTokens.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final EntraTokenIssuer issuer;
    private final Clock clock;
    private final Duration refreshBefore;
    private final String defaultScope;
    private final Map<Key, Slot> slots = new ConcurrentHashMap<>();

    public EntraTokens(EntraTokenIssuer issuer, Clock clock, ClustersProperties properties) {
        this.issuer = issuer;
        this.clock = clock;
        this.refreshBefore = properties.entra().refreshBefore();
        this.defaultScope = properties.entra().scope();
    }

    /** {@code tenantId} is empty for PullBridge's own tenant. */
    private record Key(String tenantId, String scope) {
    }

    /** Holds one token; its monitor keeps two callers from asking Entra ID for the same token at once. */
    private static final class Slot {
        private EntraTokenIssuer.Token current;
    }

    /**
     * A token for the server application's scope in the tenant (null: PullBridge's own): the kept one while it is not due for refresh, else a
     * new one, else (when that fails) the kept one while it has not expired.
     *
     * @throws io.pullbridge.jobs.JobFailure when no valid token can be had
     */
    public String token(String tenantId, String scope) {
        Slot slot = slot(tenantId, scope);
        synchronized (slot) {
            Instant now = clock.instant();
            EntraTokenIssuer.Token current = slot.current;
            if (current != null && now.isBefore(current.expiresAt().minus(refreshBefore))) {
                return current.token();
            }
            try {
                slot.current = issuer.issue(tenantId, scope);
                return slot.current.token();
            } catch (RuntimeException failed) {
                if (current != null && now.isBefore(current.expiresAt())) {
                    log.warn("Could not refresh the token for {} in tenant {}; using the current one until it expires "
                            + "at {}", scope, tenantId, current.expiresAt());
                    return current.token();
                }
                throw failed;
            }
        }
    }

    /**
     * A new token after an API server refused {@code rejected}: when another caller already replaced it, that
     * replacement; otherwise one newly issued. Never a loop: callers retry once with what this returns.
     */
    public String refresh(String tenantId, String scope, String rejected) {
        Slot slot = slot(tenantId, scope);
        synchronized (slot) {
            EntraTokenIssuer.Token current = slot.current;
            if (current != null && !current.token().equals(rejected)
                    && clock.instant().isBefore(current.expiresAt())) {
                return current.token();
            }
            slot.current = issuer.issue(tenantId, scope);
            return slot.current.token();
        }
    }

    /** The scope of the configured server application ({@code pullbridge.clusters.entra.server-id}). */
    public String serverScope() {
        return defaultScope;
    }

    /**
     * Whom the tenant's token names: the {@code oid} claim, PullBridge's object id in that tenant (what Azure RBAC
     * assignments and Kubernetes RBAC bindings name). Empty when the token is not a JWT that says.
     */
    public Optional<UUID> objectId(String tenantId, String scope) {
        return claim(token(tenantId, scope), "oid").flatMap(EntraTokens::uuid);
    }

    /** A claim of a JWT's payload, read without checking its signature: the token is PullBridge's own. */
    static Optional<String> claim(String token, String name) {
        String[] parts = token.split("\\.");
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            JsonNode payload = JSON.readTree(new String(Base64.getUrlDecoder().decode(parts[1]),
                    StandardCharsets.UTF_8));
            JsonNode value = payload.get(name);
            return value == null || !value.isString() ? Optional.empty() : Optional.of(value.asString());
        } catch (IllegalArgumentException | JacksonException notJwt) {
            return Optional.empty();
        }
    }

    private static Optional<UUID> uuid(String value) {
        try {
            return Optional.of(UUID.fromString(value));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private Slot slot(String tenantId, String scope) {
        return slots.computeIfAbsent(new Key(tenantId == null ? "" : tenantId.toLowerCase(Locale.ROOT), scope), key -> new Slot());
    }
}
