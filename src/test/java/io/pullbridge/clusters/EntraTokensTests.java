package io.pullbridge.clusters;

import io.pullbridge.jobs.FailureClass;
import io.pullbridge.jobs.JobFailure;
import io.pullbridge.jobs.JobProblem;
import io.pullbridge.support.MovableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The token cache on a driven clock: refresh ahead of expiry, keep the current token through failed refreshes. */
@ExtendWith(OutputCaptureExtension.class)
class EntraTokensTests {

    private static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    private static final String SCOPE = ClustersProperties.Entra.AKS_SERVER_ID + "/.default";
    private static final Instant START = Instant.parse("2026-12-07T00:00:00Z");

    /** Issues tokens that live an hour, or fails when told to; records what it was asked for. */
    private static final class Issuer implements EntraTokenIssuer {
        private final MovableClock clock;
        private final List<String> asked = new ArrayList<>();
        private final Deque<Boolean> failures = new ArrayDeque<>();
        private int issued;

        Issuer(MovableClock clock) {
            this.clock = clock;
        }

        @Override
        public Token issue(String tenantId, String scope) {
            asked.add(tenantId + " " + scope);
            if (Boolean.TRUE.equals(failures.poll())) {
                throw JobFailure.transientFailure(JobProblem.of("azure-unavailable", "Entra ID is unavailable", 503,
                        "Entra ID answered 503", FailureClass.TRANSIENT), null, null);
            }
            issued++;
            return new Token("token-" + issued, clock.instant().plus(Duration.ofHours(1)));
        }
    }


    private final MovableClock clock = new MovableClock(START);
    private final Issuer issuer = new Issuer(clock);
    private final EntraTokens tokens = new EntraTokens(issuer, clock, new ClustersProperties(List.of(), List.of(),
            DataSize.ofMegabytes(1), false, Duration.ofMinutes(5),
            new ClustersProperties.Entra(ClustersProperties.Entra.AKS_SERVER_ID, Duration.ofMinutes(5))));

    @Test
    void keepsATokenPerTenantAndRefreshesItAheadOfItsExpiry() {
        assertThat(tokens.token(TENANT, SCOPE)).isEqualTo("token-1");
        clock.advance(Duration.ofMinutes(54));
        assertThat(tokens.token(TENANT, SCOPE)).isEqualTo("token-1");
        assertThat(tokens.token("other-tenant", SCOPE)).isEqualTo("token-2");
        assertThat(issuer.asked).containsExactly(TENANT + " " + SCOPE, "other-tenant " + SCOPE);

        clock.advance(Duration.ofMinutes(1).plusSeconds(1));
        assertThat(tokens.token(TENANT, SCOPE)).as("within refresh-before of expiry").isEqualTo("token-3");
        assertThat(tokens.token(TENANT.toUpperCase(), SCOPE)).as("tenants compare without case").isEqualTo("token-3");
    }

    @Test
    void aFailedRefreshKeepsTheCurrentTokenUntilItExpires(CapturedOutput output) {
        assertThat(tokens.token(TENANT, SCOPE)).isEqualTo("token-1");
        clock.advance(Duration.ofMinutes(56));
        issuer.failures.add(true);
        issuer.failures.add(true);
        assertThat(tokens.token(TENANT, SCOPE)).isEqualTo("token-1");
        assertThat(output).as("the warning names the scope and tenant, never the token it keeps using")
                .contains("Could not refresh the token for " + SCOPE + " in tenant " + TENANT)
                .doesNotContain("token-1");
        assertThat(tokens.token(TENANT, SCOPE)).isEqualTo("token-1");
        assertThat(tokens.token(TENANT, SCOPE)).as("the next refresh works").isEqualTo("token-2");

        clock.advance(Duration.ofMinutes(61));
        issuer.failures.add(true);
        assertThatThrownBy(() -> tokens.token(TENANT, SCOPE)).as("expired, and no new one")
                .isInstanceOf(JobFailure.class);
    }

    @Test
    void aRefusedTokenIsReplacedOnceAndAReplacementIsShared() {
        assertThat(tokens.token(TENANT, SCOPE)).isEqualTo("token-1");
        assertThat(tokens.refresh(TENANT, SCOPE, "token-1")).isEqualTo("token-2");
        assertThat(tokens.refresh(TENANT, SCOPE, "token-1")).as("another caller refused the same one")
                .isEqualTo("token-2");
        assertThat(tokens.token(TENANT, SCOPE)).isEqualTo("token-2");
        assertThat(issuer.issued).isEqualTo(2);
    }

    @Test
    void readsPullBridgesObjectIdFromItsToken() {
        UUID oid = UUID.randomUUID();
        Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
        String jwt = encoder.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + encoder.encodeToString(("{\"oid\":\"" + oid + "\",\"tid\":\"" + TENANT + "\"}")
                .getBytes(StandardCharsets.UTF_8)) + ".c2ln";
        EntraTokens withJwt = new EntraTokens((tenant, scope) -> new EntraTokenIssuer.Token(jwt,
                START.plus(Duration.ofHours(1))), clock, ClustersProperties.defaults());
        assertThat(withJwt.objectId(TENANT, SCOPE)).contains(oid);
        assertThat(tokens.objectId(TENANT, SCOPE)).as("not a JWT").isEmpty();
    }
}
