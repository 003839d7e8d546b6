package io.pullbridge.support;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

/**
 * A token issuer for tests and the local sandbox: signs bearer tokens with a key pair made at start and serves
 * its OpenID discovery document and key set on loopback, so the service validates them through Spring Boot's
 * standard {@code spring.security.oauth2.resourceserver.jwt.issuer-uri}, exactly as it validates Entra tokens.
 */
public final class TestTokens {

    public static final String AUDIENCE = "api://pullbridge";

    private static final TestTokens INSTANCE = new TestTokens();

    private final RSAKey key;
    private final NimbusJwtEncoder encoder;
    private final HttpServer issuerServer;
    private final String issuer;

    private TestTokens() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            key = new RSAKey.Builder((RSAPublicKey) pair.getPublic()).privateKey((RSAPrivateKey) pair.getPrivate())
                    .keyID(UUID.randomUUID().toString()).build();
            encoder = new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(key)));
            issuerServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            issuer = "http://127.0.0.1:" + issuerServer.getAddress().getPort() + "/issuer";
            String discovery = "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + issuer + "/keys\","
                    + "\"subject_types_supported\":[\"public\"],\"id_token_signing_alg_values_supported\":[\"RS256\"]}";
            String keys = new JWKSet(key.toPublicJWK()).toString();
            issuerServer.createContext("/issuer/.well-known/openid-configuration", exchange -> answer(exchange, discovery));
            issuerServer.createContext("/issuer/keys", exchange -> answer(exchange, keys));
            issuerServer.setExecutor(null);
            issuerServer.start();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static TestTokens instance() {
        return INSTANCE;
    }

    /** The issuer URI; its OpenID discovery document and key set are served on loopback. */
    public String issuer() {
        return issuer;
    }

    private static void answer(HttpExchange exchange, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        try (var out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    public String token(String subject, String... roles) {
        return sign(subject, issuer, Instant.now().plus(Duration.ofHours(1)), List.of(roles));
    }

    /** A token valid from now for {@code lifetime}: what the local sandbox hands its user. */
    public String tokenValidFor(Duration lifetime, String subject, String... roles) {
        Instant now = Instant.now();
        JwtClaimsSet claims = JwtClaimsSet.builder()
                .subject(subject)
                .issuer(issuer)
                .audience(List.of(AUDIENCE))
                .issuedAt(now)
                .notBefore(now)
                .expiresAt(now.plus(lifetime))
                .claim("roles", List.of(roles))
                .build();
        JwsHeader header = JwsHeader.with(SignatureAlgorithm.RS256).keyId(key.getKeyID()).build();
        return encoder.encode(JwtEncoderParameters.from(header, claims)).getTokenValue();
    }

    public String sign(String subject, String issuer, Instant expiresAt, List<String> roles) {
        return sign(AUDIENCE, subject, issuer, expiresAt, roles);
    }

    /** A token as {@link #token} makes, valid for an hour, but meant for another application: {@code audience}. */
    public String tokenFor(String audience, String subject, String... roles) {
        return sign(audience, subject, issuer, Instant.now().plus(Duration.ofHours(1)), List.of(roles));
    }

    private String sign(String audience, String subject, String issuer, Instant expiresAt, List<String> roles) {
        JwtClaimsSet claims = JwtClaimsSet.builder()
                .subject(subject)
                .issuer(issuer)
                .audience(List.of(audience))
                .issuedAt(expiresAt.minus(Duration.ofHours(2)))
                .notBefore(expiresAt.minus(Duration.ofHours(2)))
                .expiresAt(expiresAt)
                .claim("roles", roles)
                .build();
        JwsHeader header = JwsHeader.with(SignatureAlgorithm.RS256).keyId(key.getKeyID()).build();
        return encoder.encode(JwtEncoderParameters.from(header, claims)).getTokenValue();
    }
}
