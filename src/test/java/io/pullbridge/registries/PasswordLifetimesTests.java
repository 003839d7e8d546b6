package io.pullbridge.registries;

import io.pullbridge.web.Violations;
import java.time.Duration;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PasswordLifetimesTests {

    static final Duration MIN = Duration.ofDays(1);
    static final Duration MAX = Duration.ofDays(365);
    static final Duration DEFAULT = Duration.ofDays(90);

    @Test
    void theBoundsThemselvesAreAccepted() {
        assertThat(check("P1D")).isEqualTo("P1D");
        assertThat(check("PT24H")).isEqualTo("P1D");
        assertThat(check("P365D")).isEqualTo("P365D");
    }

    @Test
    void noLifetimeMeansTheDefault() {
        assertThat(check(null)).isEqualTo("P90D");
    }

    @Test
    void justOutsideTheBoundsIsRefusedNamingTheField() {
        for (String refused : new String[] {"PT23H59M59S", "P365DT1S", "P0D", "-P30D"}) {
            Violations violations = new Violations();
            assertThat(PasswordLifetimes.check(refused, MIN, MAX, DEFAULT, "passwordLifetime", violations))
                    .as(refused).isNull();
            assertThat(violations.isEmpty()).as(refused).isFalse();
        }
    }

    @Test
    void durationsThatAreNotWholeDaysKeepTheirTimeForm() {
        assertThat(PasswordLifetimes.format(Duration.ofHours(36))).isEqualTo("PT36H");
        assertThat(PasswordLifetimes.format(Duration.ofDays(730))).isEqualTo("P730D");
    }

    @Test
    void configuredBoundsMustBeOrdered() {
        assertThat(PasswordLifetimes.ordered(MIN, DEFAULT, MAX)).isTrue();
        assertThat(PasswordLifetimes.ordered(MIN, MIN, MIN)).isTrue();
        assertThat(PasswordLifetimes.ordered(MIN, MAX.plusDays(1), MAX)).isFalse();
        assertThat(PasswordLifetimes.ordered(Duration.ZERO, DEFAULT, MAX)).isFalse();
        assertThat(PasswordLifetimes.ordered(MAX, DEFAULT, MIN)).isFalse();
        assertThat(PasswordLifetimes.ordered(null, DEFAULT, MAX)).isFalse();
    }

    private static String check(String requested) {
        Violations violations = new Violations();
        String lifetime = PasswordLifetimes.check(requested, MIN, MAX, DEFAULT, "passwordLifetime", violations);
        assertThat(violations.isEmpty()).isTrue();
        return lifetime;
    }
}
