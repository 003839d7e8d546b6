package io.pullbridge.web;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pullbridge.support.MovableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.authentication.InsufficientAuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class UnauthenticatedRequestsTests {

    private final MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final UnauthenticatedRequests refusals = new UnauthenticatedRequests(meters, clock,
            new WebProperties(DataSize.ofMegabytes(1), Duration.ofMinutes(1)));

    @Test
    void countsEveryRefusalButLogsOneLineAnIntervalSayingHowManyItLeftOut(CapturedOutput output) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/v1/registries");

        for (int i = 0; i < 1000; i++) {
            refusals.refused(UnauthenticatedRequests.TokenFailure.MISSING_TOKEN, request);
            clock.advance(Duration.ofMillis(50));
        }

        assertThat(meters.get("pullbridge.http.unauthenticated").tag("reason", "missing-token").counter().count())
                .isEqualTo(1000);
        // 50 seconds of refusals: the first is logged, the other 999 wait for the next line.
        assertThat(lines(output)).isEqualTo(1);
        clock.advance(Duration.ofSeconds(10));
        refusals.refused(ProblemType.MALFORMED_URL, request);
        assertThat(lines(output)).isEqualTo(2);
        assertThat(output).contains("(malformed-url): GET /api/v1/registries from 127.0.0.1; 999 more refused since "
                + "the previous line");
        assertThat(meters.get("pullbridge.http.unauthenticated").tag("reason", "malformed-url").counter().count())
                .isEqualTo(1);
    }

    @Test
    void logsAnAttackersPathOnlyCutAndPlain(CapturedOutput output) {
        MockHttpServletRequest request = new MockHttpServletRequest("BREW", "/api/" + "<script>".repeat(1000));

        refusals.refused(ProblemType.NOT_FOUND, request);

        String line = output.getOut().lines().filter(l -> l.contains("Refused an unauthenticated request")).findFirst()
                .orElseThrow();
        assertThat(line).contains("OTHER /api/?script??script?").doesNotContain("<script>").hasSizeLessThan(400);
    }

    @Test
    void namesWhyATokenWasRefusedFromAFixedSet() {
        assertThat(UnauthenticatedRequests.TokenFailure.of(new InsufficientAuthenticationException("none")))
                .isEqualTo(UnauthenticatedRequests.TokenFailure.MISSING_TOKEN);
        assertThat(UnauthenticatedRequests.TokenFailure.of(new InvalidBearerTokenException("Bearer token is malformed")))
                .isEqualTo(UnauthenticatedRequests.TokenFailure.MALFORMED_TOKEN);
        assertThat(UnauthenticatedRequests.TokenFailure.of(new InvalidBearerTokenException("bad",
                new BadJwtException("Signed JWT rejected")))).isEqualTo(UnauthenticatedRequests.TokenFailure.INVALID_TOKEN);
        assertThat(failure("Jwt expired at 2026-01-01T00:00:00Z")).isEqualTo(UnauthenticatedRequests.TokenFailure.EXPIRED_TOKEN);
        assertThat(failure("The iss claim is not valid")).isEqualTo(UnauthenticatedRequests.TokenFailure.WRONG_ISSUER);
        assertThat(failure("The aud claim is not valid")).isEqualTo(UnauthenticatedRequests.TokenFailure.WRONG_AUDIENCE);
        assertThat(failure("The nbf claim is in the future")).isEqualTo(UnauthenticatedRequests.TokenFailure.INVALID_TOKEN);
    }

    private static UnauthenticatedRequests.TokenFailure failure(String description) {
        JwtValidationException invalid = new JwtValidationException(description,
                List.of(new OAuth2Error("invalid_token", description, null)));
        return UnauthenticatedRequests.TokenFailure.of(new InvalidBearerTokenException(description, invalid));
    }

    private static long lines(CapturedOutput output) {
        return output.getOut().lines().filter(line -> line.contains("Refused an unauthenticated request")).count();
    }

}
