package io.pullbridge.common;

import io.pullbridge.common.LabelSelector.Operator;
import io.pullbridge.common.LabelSelector.Requirement;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class LabelSelectorTests {

    @ParameterizedTest
    @MethodSource("singleRequirements")
    void parsesEachRequirementForm(String text, Requirement expected) {
        assertThat(LabelSelector.parse(text).requirements()).containsExactly(expected);
    }

    static Stream<Arguments> singleRequirements() {
        return Stream.of(
                arguments("team=a", new Requirement("team", Operator.EQUALS, Set.of("a"))),
                arguments("team==a", new Requirement("team", Operator.EQUALS, Set.of("a"))),
                arguments("team!=a", new Requirement("team", Operator.NOT_EQUALS, Set.of("a"))),
                arguments(" team = a ", new Requirement("team", Operator.EQUALS, Set.of("a"))),
                arguments("team=", new Requirement("team", Operator.EQUALS, Set.of(""))),
                arguments("env in (prod,stage)", new Requirement("env", Operator.IN, Set.of("prod", "stage"))),
                arguments("env in ( prod , stage )", new Requirement("env", Operator.IN, Set.of("prod", "stage"))),
                arguments("env notin (dev)", new Requirement("env", Operator.NOT_IN, Set.of("dev"))),
                arguments("legacy", new Requirement("legacy", Operator.EXISTS, Set.of())),
                arguments("!legacy", new Requirement("legacy", Operator.DOES_NOT_EXIST, Set.of())),
                arguments("app.kubernetes.io/name=x",
                        new Requirement("app.kubernetes.io/name", Operator.EQUALS, Set.of("x"))),
                arguments("k".repeat(63) + "=" + "v".repeat(63),
                        new Requirement("k".repeat(63), Operator.EQUALS, Set.of("v".repeat(63)))),
                arguments("Team_1.x=Value-2_b.c", new Requirement("Team_1.x", Operator.EQUALS, Set.of("Value-2_b.c"))));
    }

    @Test
    void parsesSeveralRequirementsInOrder() {
        LabelSelector selector = LabelSelector.parse("team=a,tier!=db,env in (prod,stage),!legacy");

        assertThat(selector.requirements()).extracting(Requirement::key, Requirement::operator)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("team", Operator.EQUALS),
                        org.assertj.core.groups.Tuple.tuple("tier", Operator.NOT_EQUALS),
                        org.assertj.core.groups.Tuple.tuple("env", Operator.IN),
                        org.assertj.core.groups.Tuple.tuple("legacy", Operator.DOES_NOT_EXIST));
        assertThat(selector.isEqualityBased()).isFalse();
        assertThat(LabelSelector.parse("team=a,tier!=db").isEqualityBased()).isTrue();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   "})
    void refusesABlankSelector(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> LabelSelector.parse(text))
                .withMessage("must not be blank");
    }

    @ParameterizedTest
    @MethodSource("invalidSelectors")
    void refusesWhatTheApiServerRefuses(String text, String explanation) {
        assertThatIllegalArgumentException().isThrownBy(() -> LabelSelector.parse(text))
                .withMessageContaining(explanation);
    }

    static Stream<Arguments> invalidSelectors() {
        return Stream.of(
                arguments("=a", "label key"),
                arguments("!=a", "label key"),
                arguments("!", "label key"),
                arguments("team=a,", "empty requirement"),
                arguments(",team=a", "empty requirement"),
                arguments("team=a,,tier=db", "empty requirement"),
                arguments("env in (prod,stage", "unbalanced '('"),
                arguments("env in prod,stage)", "unbalanced ')'"),
                arguments("env in (prod))", "unbalanced ')'"),
                arguments("env (prod)", "must read '<key> in (<values>)'"),
                arguments("env within (prod)", "must read '<key> in (<values>)'"),
                arguments("env in (prod) x", "must end with ')'"),
                arguments("Example.com/name=x", "prefix"),
                arguments("-example.com/name=x", "prefix"),
                arguments("example..com/name=x", "prefix"),
                arguments("/name=x", "prefix"),
                arguments("example.com/=x", "label key"),
                arguments("team=" + "v".repeat(64), "label value"),
                arguments("k".repeat(64) + "=a", "label key"),
                arguments("team=-a", "label value"),
                arguments("team=a b", "label value"),
                arguments("team=a=b", "label value"),
                arguments("env in (prod,-stage)", "label value"),
                arguments("my team=a", "label key"),
                arguments("team-=a", "label key"));
    }

    @ParameterizedTest
    @MethodSource("matching")
    void matchesLabelsAsTheApiServerDoes(String selector, Map<String, String> labels, boolean expected) {
        assertThat(LabelSelector.parse(selector).matches(labels)).isEqualTo(expected);
    }

    static Stream<Arguments> matching() {
        Map<String, String> prodTeamA = Map.of("team", "a", "env", "prod");
        Map<String, String> devTeamB = Map.of("team", "b", "env", "dev", "legacy", "");
        Map<String, String> none = Map.of();
        return Stream.of(
                arguments("team=a", prodTeamA, true),
                arguments("team=a", devTeamB, false),
                arguments("team=a", none, false),
                arguments("team!=a", devTeamB, true),
                arguments("team!=a", prodTeamA, false),
                // As in Kubernetes, != and notin also select objects that lack the key.
                arguments("team!=a", none, true),
                arguments("env in (prod,stage)", prodTeamA, true),
                arguments("env in (prod,stage)", devTeamB, false),
                arguments("env in (prod,stage)", none, false),
                arguments("env notin (dev)", prodTeamA, true),
                arguments("env notin (dev)", devTeamB, false),
                arguments("env notin (dev)", none, true),
                arguments("legacy", devTeamB, true),
                arguments("legacy", prodTeamA, false),
                arguments("!legacy", prodTeamA, true),
                arguments("!legacy", devTeamB, false),
                arguments("team=a,env in (prod,stage),!legacy", prodTeamA, true),
                arguments("team=a,env in (prod,stage),!legacy", Map.of("team", "a", "env", "prod", "legacy", "y"), false),
                arguments("app.kubernetes.io/name=x", Map.of("app.kubernetes.io/name", "x"), true),
                arguments("app.kubernetes.io/name=x", Map.of("name", "x"), false));
    }

    @Test
    void treatsMissingLabelsAsNone() {
        assertThat(LabelSelector.parse("!legacy").matches(null)).isTrue();
        assertThat(LabelSelector.parse("team=a").matches(null)).isFalse();
    }

    @Test
    void valuesAreCaseSensitive() {
        assertThat(LabelSelector.parse("team=A").matches(Map.of("team", "a"))).isFalse();
    }
}
