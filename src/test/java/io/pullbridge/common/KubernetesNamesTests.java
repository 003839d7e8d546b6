package io.pullbridge.common;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;

import static org.assertj.core.api.Assertions.assertThat;

class KubernetesNamesTests {

    @ParameterizedTest
    @MethodSource("validLabels")
    void acceptsDns1123Labels(String value) {
        assertThat(KubernetesNames.isDns1123Label(value)).isTrue();
    }

    static Stream<String> validLabels() {
        return Stream.of("a", "0", "kube-system", "team-a-1", "9lives", "a".repeat(63), "a" + "-".repeat(61) + "z");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @MethodSource("invalidLabels")
    void refusesWhatIsNotADns1123Label(String value) {
        assertThat(KubernetesNames.isDns1123Label(value)).isFalse();
    }

    static Stream<String> invalidLabels() {
        return Stream.of("a".repeat(64), "Team-A", "kubeSystem", "-team", "team-", "team.a", "team_a", "team a",
                " team", "team\n", "équipe", "-");
    }

    @ParameterizedTest
    @MethodSource("validSubdomains")
    void acceptsDns1123Subdomains(String value) {
        assertThat(KubernetesNames.isDns1123Subdomain(value)).isTrue();
    }

    static Stream<String> validSubdomains() {
        return Stream.of("acr-secret", "a", "registry.contoso.com", "a.b.c", "app-1.team-2", "1.2.3",
                "a".repeat(253), subdomainOfLength(253));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @MethodSource("invalidSubdomains")
    void refusesWhatIsNotADns1123Subdomain(String value) {
        assertThat(KubernetesNames.isDns1123Subdomain(value)).isFalse();
    }

    static Stream<String> invalidSubdomains() {
        return Stream.of("a".repeat(254), subdomainOfLength(254), "Acr-Secret", ".acr", "acr.", "acr..secret",
                "-acr", "acr-", "acr.-secret", "acr-.secret", "acr_secret", "acr secret", "acr/secret");
    }

    @Test
    void aSubdomainMayHoldAPartLongerThanALabelAllows() {
        String longPart = "a".repeat(64);
        assertThat(KubernetesNames.isDns1123Label(longPart)).isFalse();
        assertThat(KubernetesNames.isDns1123Subdomain(longPart)).isTrue();
    }

    /** Dot-separated parts of up to 63 characters, {@code length} characters in all. */
    private static String subdomainOfLength(int length) {
        StringBuilder name = new StringBuilder();
        while (name.length() < length) {
            if (!name.isEmpty()) {
                name.append('.');
            }
            name.append("a".repeat(Math.min(63, length - name.length())));
        }
        return name.toString();
    }
}
