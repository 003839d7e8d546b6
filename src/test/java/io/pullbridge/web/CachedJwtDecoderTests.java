package io.pullbridge.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import io.pullbridge.support.MovableClock;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

/** The validated-token cache never widens what the decoder accepts: not after expiry, not for another audience. */
class CachedJwtDecoderTests {

    private static final String ISSUER = "https://issuer.example/";
    private static final String AUDIENCE = "api://pullbridge";
    private static final Instant START = Instant.parse("2026-12-07T10:00:00Z");

    private final MovableClock clock = new MovableClock(START);
    private final AtomicInteger decoded = new AtomicInteger();
    private NimbusJwtEncoder encoder;
    private JwtDecoder decoder;

    @BeforeEach
    void keys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        RSAKey key = new RSAKey.Builder((RSAPublicKey) pair.getPublic()).privateKey((RSAPrivateKey) pair.getPrivate())
                .keyID("k1").build();
        encoder = new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(key)));
        NimbusJwtDecoder nimbus = NimbusJwtDecoder.withPublicKey((RSAPublicKey) pair.getPublic()).build();
        // As Spring Boot configures it (issuer, audience, time with 60 s of skew), on the test's clock.
        JwtTimestampValidator time = new JwtTimestampValidator(Duration.ofSeconds(60));
        time.setClock(clock);
        nimbus.setJwtValidator(new DelegatingOAuth2TokenValidator<>(time, new JwtIssuerValidator(ISSUER),
                new JwtAudienceValidator(AUDIENCE)));
        decoder = token -> {
            decoded.incrementAndGet();
            return nimbus.decode(token);
        };
    }

    @Test
    void aTokenSentAgainIsNotCheckedAgain() {
        CachedJwtDecoder cache = new CachedJwtDecoder(decoder, clock, 100, Duration.ofMinutes(5));
        String token = token(AUDIENCE, START.plus(Duration.ofHours(1)));

        Jwt first = cache.decode(token);
        Jwt second = cache.decode(token);

        assertThat(second.getSubject()).isEqualTo("alice");
        assertThat(second).isSameAs(first);
        assertThat(decoded).hasValue(1);
    }

    @Test
    void aCachedTokenIsRefusedOnceItExpires() {
        CachedJwtDecoder cache = new CachedJwtDecoder(decoder, clock, 100, Duration.ofMinutes(5));
        String token = token(AUDIENCE, START.plus(Duration.ofMinutes(2)));
        cache.decode(token);

        clock.set(START.plus(Duration.ofMinutes(2)).minusMillis(1));
        cache.decode(token);
        assertThat(decoded).as("served from the cache just before exp").hasValue(1);

        // Past exp and past the decoder's skew: refused, although it was in the cache.
        clock.set(START.plus(Duration.ofMinutes(3)).plusSeconds(1));
        assertThatThrownBy(() -> cache.decode(token)).isInstanceOf(JwtValidationException.class)
                .hasMessageContaining("expired");
        assertThat(cache.size()).isZero();
    }

    @Test
    void theCacheNeverGrantsTheDecodersClockSkew() {
        CachedJwtDecoder cache = new CachedJwtDecoder(decoder, clock, 100, Duration.ofMinutes(5));
        String token = token(AUDIENCE, START.plus(Duration.ofMinutes(2)));
        cache.decode(token);

        // Within the skew the decoder still accepts it, but only the decoder decides that: the cache asks it again.
        clock.set(START.plus(Duration.ofMinutes(2)).plusSeconds(30));
        cache.decode(token);
        cache.decode(token);
        assertThat(decoded).hasValue(3);
    }

    @Test
    void aTokenForAnotherAudienceIsRefusedWhileOneForThisAudienceIsCached() {
        CachedJwtDecoder cache = new CachedJwtDecoder(decoder, clock, 100, Duration.ofMinutes(5));
        Instant expiresAt = START.plus(Duration.ofHours(1));
        cache.decode(token(AUDIENCE, expiresAt));
        String other = token("api://another-application", expiresAt);

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> cache.decode(other)).isInstanceOf(JwtValidationException.class)
                    .hasMessageContaining("aud");
        }
        assertThat(decoded).as("a refused token is never kept").hasValue(3);
        assertThat(cache.size()).isOne();
    }

    @Test
    void aTokenIsKeptNoLongerThanTheMaximumAge() {
        CachedJwtDecoder cache = new CachedJwtDecoder(decoder, clock, 100, Duration.ofMinutes(5));
        String token = token(AUDIENCE, START.plus(Duration.ofHours(1)));
        cache.decode(token);

        clock.set(START.plus(Duration.ofMinutes(5)));
        cache.decode(token);

        assertThat(decoded).hasValue(2);
    }

    @Test
    void theCacheHoldsNoMoreThanItsBound() {
        CachedJwtDecoder cache = new CachedJwtDecoder(decoder, clock, 3, Duration.ofMinutes(5));
        for (int i = 0; i < 10; i++) {
            cache.decode(token(AUDIENCE, START.plus(Duration.ofMinutes(10 + i))));
            assertThat(cache.size()).isLessThanOrEqualTo(3);
        }
    }

    private String token(String audience, Instant expiresAt) {
        JwtClaimsSet claims = JwtClaimsSet.builder().subject("alice").issuer(ISSUER).audience(List.of(audience))
                .issuedAt(START).notBefore(START).expiresAt(expiresAt).claim("roles", List.of("Reader")).build();
        JwsHeader header = JwsHeader.with(SignatureAlgorithm.RS256).keyId("k1").build();
        return encoder.encode(JwtEncoderParameters.from(header, claims)).getTokenValue();
    }

}
