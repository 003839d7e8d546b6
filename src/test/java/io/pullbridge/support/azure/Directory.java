package io.pullbridge.support.azure;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The emulated Entra ID tenant: applications, service principals, other principals (users, groups) that role
 * assignments may name, client credentials, and the access tokens issued. Shared by the token endpoint, Graph and
 * ARM (which asks it whether a principal exists yet).
 */
final class Directory {

    private static final String SECRET_ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.~";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String tenantId;
    private final Supplier<Clock> clock;
    private final Map<String, GraphApplication> applications = new LinkedHashMap<>();
    private final Map<String, GraphServicePrincipal> servicePrincipals = new LinkedHashMap<>();
    private final Map<String, String> otherPrincipals = new LinkedHashMap<>();
    private final Set<String> federatedClients = ConcurrentHashMap.newKeySet();
    private final Map<String, IssuedToken> issuedTokens = new LinkedHashMap<>();
    /** Other tenants the token endpoint serves, as a multi-tenant application's client signs in to them too. */
    private final Set<String> otherTenants = ConcurrentHashMap.newKeySet();
    private Duration propagationDelay = Duration.ZERO;

    Directory(String tenantId, Supplier<Clock> clock) {
        this.tenantId = tenantId;
        this.clock = clock;
    }

    String tenantId() {
        return tenantId;
    }

    /**
     * Serves another tenant as well: the token endpoint issues tokens in it (its {@code tid}) to the clients of this
     * directory, as Entra does for a multi-tenant application consented to in that tenant.
     */
    void addTenant(String otherTenantId) {
        otherTenants.add(otherTenantId.toLowerCase(Locale.ROOT));
    }

    /** Whether the token endpoint signs clients in to this tenant: the directory's own or one added. */
    boolean servesTenant(String tenant) {
        return tenant.equalsIgnoreCase(tenantId) || otherTenants.contains(tenant.toLowerCase(Locale.ROOT));
    }

    Instant now() {
        return clock.get().instant();
    }

    synchronized void clear() {
        clear(false);
    }

    synchronized void clear(boolean keepTokens) {
        if (!keepTokens) {
            issuedTokens.clear();
        }
        applications.clear();
        servicePrincipals.clear();
        otherPrincipals.clear();
        federatedClients.clear();
        otherTenants.clear();
        propagationDelay = Duration.ZERO;
    }

    synchronized void propagationDelay(Duration delay) {
        this.propagationDelay = delay;
    }

    synchronized void completePropagation() {
        Instant now = now();
        servicePrincipals.values().forEach(sp -> {
            if (sp.visibleToArmAt().isAfter(now)) {
                sp.visibleToArmAt(now);
            }
        });
    }

    // ---- applications and service principals

    synchronized GraphApplication createApplication(String displayName, String appId) {
        GraphApplication application = new GraphApplication(UUID.randomUUID().toString(),
                appId != null ? appId : UUID.randomUUID().toString(), displayName, now());
        applications.put(application.id(), application);
        return application;
    }

    synchronized GraphServicePrincipal createServicePrincipal(GraphApplication application, String displayName) {
        return createServicePrincipal(application, displayName, UUID.randomUUID().toString());
    }

    synchronized GraphServicePrincipal createServicePrincipal(GraphApplication application, String displayName,
                                                              String objectId) {
        Instant now = now();
        GraphServicePrincipal servicePrincipal = new GraphServicePrincipal(objectId,
                application.appId(), displayName != null ? displayName : application.displayName(), "Application", now,
                now.plus(propagationDelay));
        servicePrincipals.put(servicePrincipal.id(), servicePrincipal);
        return servicePrincipal;
    }

    /** A managed identity's service principal (no application); ARM sees it at once, it is not new. */
    synchronized GraphServicePrincipal addManagedIdentity(String objectId, String clientId, String displayName) {
        GraphServicePrincipal existing = servicePrincipals.get(objectId);
        if (existing != null) {
            return existing;
        }
        Instant now = now();
        GraphServicePrincipal identity = new GraphServicePrincipal(objectId, clientId, displayName, "ManagedIdentity",
                now, now);
        servicePrincipals.put(objectId, identity);
        return identity;
    }

    synchronized Optional<GraphApplication> application(String objectId) {
        return Optional.ofNullable(applications.get(objectId));
    }

    synchronized Optional<GraphApplication> applicationByAppId(String appId) {
        return applications.values().stream().filter(a -> a.appId().equalsIgnoreCase(appId)).findFirst();
    }

    synchronized List<GraphApplication> applications() {
        return List.copyOf(applications.values());
    }

    synchronized Optional<GraphServicePrincipal> servicePrincipal(String objectId) {
        return Optional.ofNullable(servicePrincipals.get(objectId));
    }

    synchronized Optional<GraphServicePrincipal> servicePrincipalByAppId(String appId) {
        return servicePrincipals.values().stream().filter(sp -> sp.appId().equalsIgnoreCase(appId)).findFirst();
    }

    synchronized List<GraphServicePrincipal> servicePrincipals() {
        return List.copyOf(servicePrincipals.values());
    }

    synchronized void deleteApplication(GraphApplication application) {
        applications.remove(application.id());
        // Entra deletes an application's service principal with it.
        servicePrincipals.values().removeIf(sp -> sp.appId().equalsIgnoreCase(application.appId())
                && "Application".equals(sp.servicePrincipalType()));
    }

    synchronized void deleteServicePrincipal(GraphServicePrincipal servicePrincipal) {
        servicePrincipals.remove(servicePrincipal.id());
    }

    synchronized void addOtherPrincipal(String objectId, String principalType) {
        otherPrincipals.put(objectId.toLowerCase(Locale.ROOT), principalType);
    }

    /** The principal's RBAC type if ARM can see it now ({@code ServicePrincipal}, {@code User}, {@code Group}). */
    synchronized Optional<String> principalTypeVisibleToArm(String objectId) {
        GraphServicePrincipal servicePrincipal = servicePrincipals.values().stream()
                .filter(sp -> sp.id().equalsIgnoreCase(objectId)).findFirst().orElse(null);
        if (servicePrincipal != null) {
            return servicePrincipal.visibleToArmAt().isAfter(now()) ? Optional.empty() : Optional.of("ServicePrincipal");
        }
        return Optional.ofNullable(otherPrincipals.get(objectId.toLowerCase(Locale.ROOT)));
    }

    /** A new password, its secret generated by the server as Entra does (40 characters, like {@code abc8Q~...}). */
    synchronized PasswordCredential newPassword(String displayName, Instant start, Instant end) {
        Instant startDateTime = start != null ? start : now();
        Instant endDateTime = end != null ? end : startDateTime.plus(Duration.ofDays(730));
        return new PasswordCredential(UUID.randomUUID().toString(), displayName, generateSecret(), startDateTime,
                endDateTime);
    }

    static String generateSecret() {
        StringBuilder secret = new StringBuilder(40);
        for (int i = 0; i < 3; i++) {
            secret.append(SECRET_ALPHABET.charAt(RANDOM.nextInt(62)));
        }
        secret.append("8Q~");
        for (int i = 0; i < 34; i++) {
            secret.append(SECRET_ALPHABET.charAt(RANDOM.nextInt(SECRET_ALPHABET.length())));
        }
        return secret.toString();
    }

    // ---- credentials and tokens

    synchronized void allowFederatedClient(String clientId) {
        federatedClients.add(clientId.toLowerCase(Locale.ROOT));
    }

    boolean isFederatedClient(String clientId) {
        return federatedClients.contains(clientId.toLowerCase(Locale.ROOT));
    }

    /** Whether the client is known: an application, or a service principal of a managed identity. */
    synchronized boolean clientExists(String clientId) {
        return applicationByAppId(clientId).isPresent() || servicePrincipalByAppId(clientId).isPresent()
                || isFederatedClient(clientId);
    }

    /** The client's passwords: those of its application and of its service principal. */
    synchronized List<PasswordCredential> clientPasswords(String clientId) {
        List<PasswordCredential> passwords = new ArrayList<>();
        applicationByAppId(clientId).ifPresent(a -> passwords.addAll(a.mutablePasswords()));
        servicePrincipalByAppId(clientId).ifPresent(sp -> passwords.addAll(sp.mutablePasswords()));
        return passwords;
    }

    synchronized IssuedToken issueToken(String clientId, String scope) {
        return issueToken(clientId, scope, tenantId);
    }

    /** A token in {@code tenant} (one {@link #servesTenant} says yes to). */
    synchronized IssuedToken issueToken(String clientId, String scope, String tenant) {
        Instant expiresAt = now().plusSeconds(3599);
        String accessToken = EmulatedManagedCluster.isAksScope(scope)
                ? jwt(clientId, EmulatedManagedCluster.AKS_SERVER_ID, expiresAt, tenant)
                : "emulated." + UUID.randomUUID() + "." + UUID.randomUUID();
        IssuedToken token = new IssuedToken(accessToken, tenant, clientId, scope, expiresAt);
        issuedTokens.put(accessToken, token);
        return token;
    }

    /**
     * A token shaped as Entra's are (header, claims, signature; base64url): what API servers and clients read from it
     * are its claims, {@code aud}, {@code tid}, {@code oid} (the caller's object id), {@code appid} and {@code exp}.
     * Its signature is random: the emulator knows the tokens it issued.
     */
    private String jwt(String clientId, String audience, Instant expiresAt, String tenantId) {
        Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
        String header = "{\"typ\":\"JWT\",\"alg\":\"RS256\",\"kid\":\"emulator\"}";
        String claims = "{\"aud\":\"" + audience + "\",\"iss\":\"https://sts.windows.net/" + tenantId + "/\","
                + "\"iat\":" + now().getEpochSecond() + ",\"exp\":" + expiresAt.getEpochSecond() + ",\"appid\":\""
                + clientId + "\",\"oid\":\"" + callerObjectId(clientId) + "\",\"tid\":\"" + tenantId + "\","
                + "\"uti\":\"" + UUID.randomUUID() + "\"}";
        byte[] signature = new byte[64];
        RANDOM.nextBytes(signature);
        return encoder.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + encoder.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "." + encoder.encodeToString(signature);
    }

    synchronized Optional<IssuedToken> token(String accessToken) {
        return Optional.ofNullable(issuedTokens.get(accessToken));
    }

    synchronized List<IssuedToken> issuedTokens() {
        return List.copyOf(issuedTokens.values());
    }

    /** The object id ARM names in its errors for a caller: its service principal's, or the client id. */
    synchronized String callerObjectId(String clientId) {
        return servicePrincipalByAppId(clientId).map(GraphServicePrincipal::id).orElse(clientId);
    }
}
