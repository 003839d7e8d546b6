package io.pullbridge.registries;

import io.pullbridge.web.ApiException;
import io.pullbridge.web.FieldViolation;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.node.JsonNodeFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class RegistryTokenRulesTests {

    static final Map<String, List<String>> PULL = Map.of("team-a/*", List.of("content/read", "metadata/read"));

    final RegistryTokenRules rules = new RegistryTokenRules(new RegistriesProperties(
            new RegistriesProperties.TokenPasswordLifetime(Duration.ofDays(1), Duration.ofDays(365),
                    Duration.ofDays(90)),
            new RegistriesProperties.TokenRotation(Duration.ofDays(14), true, 0.8, Duration.ofHours(1),
                    Duration.ofSeconds(30))));

    @ParameterizedTest
    @ValueSource(strings = {"abcde", "team-a-pull", "Team-A-01", "-----", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
    void acceptsTokenNamesAsAcrDoes(String name) {
        assertThat(rules.checkCreate(new CreateRegistryTokenRequest(name, PULL, null)).name()).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abcd", "team_a_pull", "team.a.pull", "tëam-a-pull", "team a pull",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
    void refusesTokenNamesAcrRefuses(String name) {
        assertThat(fields(() -> rules.checkCreate(new CreateRegistryTokenRequest(name, PULL, null))))
                .containsExactly("name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"hello-world", "team-a/*", "library/nginx", "a/b/c/d", "a.b", "a_b", "a__b", "a---b",
            "team-a/app-1/*", "0", "a.b_c__d--e/f0/*"})
    void acceptsRepositoryNamesAndPrefixWildcards(String repository) {
        assertThat(RegistryTokenRules.isRepositoryPattern(repository)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "*", "/*", "team-a*", "team-a/", "/team-a", "team//a", "a..b", "a._b", "a___b",
            "-a", "a-", "_a", "Team-A", "team/*/app", "team/**", "team a", "team-a/*/", "tëam"})
    void refusesRepositoryNamesAcrRefuses(String repository) {
        assertThat(RegistryTokenRules.isRepositoryPattern(repository)).isFalse();
    }

    @Test
    void repositoryNamesAreAtMost256Characters() {
        assertThat(RegistryTokenRules.isRepositoryPattern("a".repeat(256))).isTrue();
        assertThat(RegistryTokenRules.isRepositoryPattern("a".repeat(257))).isFalse();
        assertThat(RegistryTokenRules.isRepositoryPattern("a".repeat(254) + "/*")).isTrue();
    }

    @Test
    void everyAcrActionIsAcceptedOnce() {
        Map<String, List<String>> all = Map.of("team-a/app", RegistryTokenRules.ACTIONS);
        assertThat(rules.checkCreate(new CreateRegistryTokenRequest("all-actions", all, null)).repositories())
                .isEqualTo(all);
    }

    @Test
    void actionsMustBeKnownListedAndNotRepeated() {
        Map<String, List<String>> repositories = new LinkedHashMap<>();
        repositories.put("empty", List.of());
        repositories.put("missing", null);
        repositories.put("mixed", Arrays.asList("content/read", "pull", null, "content/read", "CONTENT/READ"));
        assertThat(fields(() -> rules.checkCreate(new CreateRegistryTokenRequest("team-a-pull", repositories, null))))
                .containsExactly("repositories.empty", "repositories.missing", "repositories.mixed[1]",
                        "repositories.mixed[2]", "repositories.mixed[3]", "repositories.mixed[4]");
    }

    @Test
    void atMost500Repositories() {
        Map<String, List<String>> fiveHundred = IntStream.range(0, 500).boxed()
                .collect(Collectors.toMap(i -> "repo-" + i, i -> List.of("content/read")));
        assertThat(rules.checkCreate(new CreateRegistryTokenRequest("many-repos", fiveHundred, null)).repositories())
                .hasSize(500);
        Map<String, List<String>> more = new LinkedHashMap<>(fiveHundred);
        more.put("one-more", List.of("content/read"));
        assertThat(fields(() -> rules.checkCreate(new CreateRegistryTokenRequest("many-repos", more, null))))
                .containsExactly("repositories");
    }

    @Test
    void aTokenWithoutALifetimeGetsTheDefault() {
        assertThat(rules.checkCreate(new CreateRegistryTokenRequest("team-a-pull", PULL, null)).passwordLifetime())
                .isEqualTo("P90D");
        assertThat(rules.checkCreate(new CreateRegistryTokenRequest("team-a-pull", PULL, "P365D")).passwordLifetime())
                .isEqualTo("P365D");
    }

    @Test
    void everyBrokenRuleIsReportedAtOnce() {
        assertThat(fields(() -> rules.checkCreate(new CreateRegistryTokenRequest(null, Map.of(), "P366D"))))
                .containsExactly("name", "repositories", "passwordLifetime");
    }

    @Test
    void aPatchCannotRenameButMayChangeRepositoriesAndLifetime() {
        assertThat(fields(() -> rules.checkUpdate(new UpdateRegistryTokenRequest(null, null,
                JsonNodeFactory.instance.stringNode("new-name"))))).containsExactly("name");
        RegistryTokenRules.Changes changes = rules.checkUpdate(new UpdateRegistryTokenRequest(PULL, "P7D", null));
        assertThat(changes.repositories()).isEqualTo(PULL);
        assertThat(changes.passwordLifetime()).isEqualTo("P7D");
        RegistryTokenRules.Changes nothing = rules.checkUpdate(new UpdateRegistryTokenRequest(null, null, null));
        assertThat(nothing.repositories()).isNull();
        assertThat(nothing.passwordLifetime()).isNull();
    }

    @Test
    void aTokensScopeMapIsNamedAfterIt() {
        assertThat(RegistryTokenRules.scopeMapName("team-a-pull")).isEqualTo("team-a-pull-scope-map");
        assertThat(RegistryTokenRules.scopeMapName("abcde")).isEqualTo("abcde-scope-map");
        String forty = "a".repeat(40);
        assertThat(RegistryTokenRules.scopeMapName(forty)).isEqualTo(forty + "-scope-map").hasSize(50);
    }

    @ParameterizedTest
    @ValueSource(strings = {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "team-a-pull-with-a-very-long-name-for-production-1",
            "Team-A-Pull-With-A-Very-Long-Name-For-Production-2"})
    void aScopeMapNameTooLongForAcrIsShortenedWithAHashOfTheTokenName(String name) {
        String scopeMap = RegistryTokenRules.scopeMapName(name);
        assertThat(scopeMap).hasSize(50).matches("[a-zA-Z0-9-]{5,50}").endsWith("-scope-map")
                .startsWith(name.substring(0, 31) + "-");
        assertThat(RegistryTokenRules.scopeMapName(name)).isEqualTo(scopeMap);
    }

    @Test
    void tokensWhoseNamesShareALongPrefixGetScopeMapsOfTheirOwn() {
        String prefix = "team-a-pull-with-a-very-long-name-for-production-";
        assertThat(RegistryTokenRules.scopeMapName(prefix + "1"))
                .isNotEqualTo(RegistryTokenRules.scopeMapName(prefix + "2"));
    }

    private static List<String> fields(Runnable call) {
        ApiException refused = catchThrowableOfType(ApiException.class, call::run);
        assertThat(refused).as("refused").isNotNull();
        assertThat(refused.type().status().value()).isEqualTo(400);
        return refused.errors().stream().map(FieldViolation::field).toList();
    }
}
