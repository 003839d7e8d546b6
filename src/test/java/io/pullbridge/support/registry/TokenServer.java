package io.pullbridge.support.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.pullbridge.support.azure.AzureEmulatorTrust;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Docker registry token service on loopback, as the distribution registry's {@code auth.token} expects one: it
 * checks Basic credentials, grants of the requested {@code scope} only what it was told to grant, and issues an
 * ES256 JWT ({@code iss}, {@code sub}, {@code aud} = the service, {@code exp}, {@code nbf}, {@code iat},
 * {@code jti}, {@code access}) whose header names the signing key by its libtrust key id, the way the registry finds
 * it among the certificates of its {@code rootcertbundle} ({@link #signingCertificatePem()}).
 * <p>
 * Served over HTTPS with the identity the test JVM trusts, or over plain HTTP to test that clients refuse to send
 * credentials there. Records every request it gets.
 */
public final class TokenServer implements AutoCloseable {

    public static final String ISSUER = "pullbridge-test-token-service";

    private final String service;
    private final HttpServer server;
    private final SelfSignedIdentity signing = SelfSignedIdentity.create("PullBridge test token signer");
    private final Map<String, String> passwords = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Set<String>>> grants = new ConcurrentHashMap<>();
    private final List<TokenRequest> requests = new CopyOnWriteArrayList<>();

    /** A request as the service saw it: the user of its Basic credentials (null without), and its query. */
    public record TokenRequest(String user, Map<String, List<String>> query) {

        public List<String> param(String name) {
            return query.getOrDefault(name, List.of());
        }
    }

    private TokenServer(String service, boolean https) {
        this.service = service;
        try {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
            if (https) {
                HttpsServer secure = HttpsServer.create(address, 0);
                secure.setHttpsConfigurator(new HttpsConfigurator(AzureEmulatorTrust.trustedServerContext()));
                server = secure;
            } else {
                server = HttpServer.create(address, 0);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the test token service", e);
        }
        server.createContext("/token", this::token);
        server.start();
    }

    /** Over HTTPS, with the certificate the test JVM trusts. */
    public static TokenServer https(String service) {
        return new TokenServer(service, true);
    }

    /** Over plain HTTP: a realm no client should send credentials to. */
    public static TokenServer plainHttp(String service) {
        return new TokenServer(service, false);
    }

    public TokenServer user(String name, String password) {
        passwords.put(name, password);
        return this;
    }

    /** Lets {@code user} have {@code actions} on {@code repository} when it asks for them. */
    public TokenServer grant(String user, String repository, String... actions) {
        grants.computeIfAbsent(user, u -> new ConcurrentHashMap<>())
                .computeIfAbsent(repository, r -> ConcurrentHashMap.newKeySet()).addAll(Arrays.asList(actions));
        return this;
    }

    public String service() {
        return service;
    }

    public String realm() {
        String scheme = server instanceof HttpsServer ? "https" : "http";
        return scheme + "://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    public String signingCertificatePem() {
        return signing.certificatePem();
    }

    public List<TokenRequest> requests() {
        return List.copyOf(requests);
    }

    /** An Authorization header for {@code subject} with {@code actions} on {@code repository}, as for a push. */
    public String bearer(String subject, String repository, String... actions) {
        return "Bearer " + jwt(subject, List.of(access(repository, List.of(actions))));
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void token(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, List<String>> query = query(exchange.getRequestURI().getRawQuery());
            String user = authenticatedUser(exchange.getRequestHeaders().getFirst("Authorization"));
            requests.add(new TokenRequest(user, query));
            if (user == null) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"token service\"");
                reply(exchange, 401, Map.of("errors", List.of(Map.of("code", "UNAUTHORIZED",
                        "message", "invalid user name or password"))));
                return;
            }
            if (!query.getOrDefault("service", List.of()).equals(List.of(service))) {
                reply(exchange, 400, Map.of("errors", List.of(Map.of("code", "UNSUPPORTED",
                        "message", "unknown service"))));
                return;
            }
            List<Map<String, Object>> access = new ArrayList<>();
            for (String scope : query.getOrDefault("scope", List.of())) {
                String[] parts = scope.split(":");
                if (parts.length != 3 || !parts[0].equals("repository")) {
                    continue;
                }
                Set<String> granted = new LinkedHashSet<>(Arrays.asList(parts[2].split(",")));
                granted.retainAll(grants.getOrDefault(user, Map.of()).getOrDefault(parts[1], Set.of()));
                if (!granted.isEmpty()) {
                    access.add(access(parts[1], List.copyOf(granted)));
                }
            }
            String jwt = jwt(user, access);
            reply(exchange, 200, Map.of("token", jwt, "access_token", jwt, "expires_in", 300,
                    "issued_at", Instant.now().toString()));
        }
    }

    private String authenticatedUser(String authorization) {
        if (authorization == null || !authorization.startsWith("Basic ")) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6)), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return null;
        }
        String user = decoded.substring(0, colon);
        String expected = passwords.get(user);
        return expected != null && expected.equals(decoded.substring(colon + 1)) ? user : null;
    }

    private static Map<String, Object> access(String repository, List<String> actions) {
        Map<String, Object> access = new LinkedHashMap<>();
        access.put("type", "repository");
        access.put("name", repository);
        access.put("actions", actions);
        return access;
    }

    private String jwt(String subject, List<Map<String, Object>> access) {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("typ", "JWT");
        header.put("alg", "ES256");
        header.put("kid", libtrustKeyId(signing.keyPair().getPublic()));
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", ISSUER);
        claims.put("sub", subject);
        claims.put("aud", service);
        claims.put("exp", now + 300);
        claims.put("nbf", now - 10);
        claims.put("iat", now);
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("access", access);
        Base64.Encoder base64url = Base64.getUrlEncoder().withoutPadding();
        String signingInput = base64url.encodeToString(JsonMapper.shared().writeValueAsBytes(header)) + "."
                + base64url.encodeToString(JsonMapper.shared().writeValueAsBytes(claims));
        try {
            // JOSE wants ES256 signatures as r || s (32 bytes each), the P1363 format, not the DER of Signature's
            // default "SHA256withECDSA".
            Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
            signer.initSign(signing.keyPair().getPrivate());
            signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + base64url.encodeToString(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot sign a test token", e);
        }
    }

    /**
     * The key id libtrust (and so the distribution registry) gives a public key: SHA-256 of its DER
     * SubjectPublicKeyInfo, truncated to 240 bits, in base32 without padding, as 12 groups of 4 joined by ':'.
     */
    static String libtrustKeyId(PublicKey key) {
        try {
            byte[] hash = Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()), 30);
            String base32 = base32(hash);
            StringBuilder id = new StringBuilder();
            for (int i = 0; i < base32.length(); i += 4) {
                if (i > 0) {
                    id.append(':');
                }
                id.append(base32, i, i + 4);
            }
            return id.toString();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RFC 4648 base32 without padding (30 bytes make exactly 48 characters). */
    private static String base32(byte[] bytes) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        StringBuilder out = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(alphabet.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(alphabet.charAt((buffer << (5 - bits)) & 31));
        }
        return out.toString();
    }

    private static Map<String, List<String>> query(String raw) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            query.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
        return query;
    }

    private static void reply(HttpExchange exchange, int status, Map<String, ?> body) throws IOException {
        byte[] bytes = JsonMapper.shared().writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
