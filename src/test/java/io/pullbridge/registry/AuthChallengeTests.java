package io.pullbridge.registry;

import java.util.List;
import java.util.Map;
import okhttp3.Headers;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AuthChallengeTests {

    @Test
    void readsABearerChallengeWithItsParametersInOrder() {
        List<AuthChallenge> challenges = AuthChallenge.parse(
                "Bearer realm=\"https://myacr.azurecr.io/oauth2/token\",service=\"myacr.azurecr.io\"");

        assertThat(challenges).containsExactly(new AuthChallenge("Bearer",
                Map.of("realm", "https://myacr.azurecr.io/oauth2/token", "service", "myacr.azurecr.io"), null));
        assertThat(challenges.get(0).params().keySet()).containsExactly("realm", "service");
    }

    @Test
    void keepsCommasEqualsSignsAndEscapedQuotesInsideQuotedValues() {
        AuthChallenge challenge = AuthChallenge.parse("Bearer realm=\"https://auth.example/token?a=1,b=2\", "
                + "scope=\"repository:team/app:pull,push\", error=\"insufficient_scope\", "
                + "error_description=\"say \\\"please\\\", or \\\\ not\"").get(0);

        assertThat(challenge.param("realm")).hasValue("https://auth.example/token?a=1,b=2");
        assertThat(challenge.param("scope")).hasValue("repository:team/app:pull,push");
        assertThat(challenge.param("error")).hasValue("insufficient_scope");
        assertThat(challenge.param("error_description")).hasValue("say \"please\", or \\ not");
    }

    @Test
    void readsABasicChallengeCaseInsensitivelyAndToleratesSpacesAroundEquals() {
        AuthChallenge challenge = AuthChallenge.parse("basic   Realm = \"Registry Realm\"").get(0);

        assertThat(challenge.is("Basic")).isTrue();
        assertThat(challenge.param("realm")).hasValue("Registry Realm");
    }

    @Test
    void separatesSeveralChallengesInOneHeaderAndAcrossHeaders() {
        List<AuthChallenge> challenges = AuthChallenge.parseAll(List.of(
                "Basic realm=\"a, b\", Bearer realm=\"https://r/token\",service=r",
                "Negotiate YII=, Digest realm=\"x\", nonce=\"n\""));

        assertThat(challenges).extracting(AuthChallenge::scheme)
                .containsExactly("Basic", "Bearer", "Negotiate", "Digest");
        assertThat(challenges.get(0).params()).containsExactly(Map.entry("realm", "a, b"));
        assertThat(challenges.get(1).params()).containsExactly(Map.entry("realm", "https://r/token"),
                Map.entry("service", "r"));
        assertThat(challenges.get(2).token68()).isEqualTo("YII=");
        assertThat(challenges.get(2).params()).isEmpty();
        assertThat(challenges.get(3).params()).containsExactly(Map.entry("realm", "x"), Map.entry("nonce", "n"));
    }

    @Test
    void takesBareValuesUpToTheNextCommaSoUnquotedUrlsSurvive() {
        AuthChallenge challenge = AuthChallenge.parse("Bearer realm=https://r.example:8443/token,service=r").get(0);

        assertThat(challenge.param("realm")).hasValue("https://r.example:8443/token");
        assertThat(challenge.param("service")).hasValue("r");
    }

    @Test
    void aSchemeAloneIsAChallengeWithoutParameters() {
        assertThat(AuthChallenge.parse("Bearer")).containsExactly(new AuthChallenge("Bearer", Map.of(), null));
        assertThat(AuthChallenge.parse("  , Bearer ,")).extracting(AuthChallenge::scheme).containsExactly("Bearer");
    }

    @Test
    void anUnterminatedQuoteIsNoChallengeInsteadOfSwallowingAnotherOne() {
        assertThat(AuthChallenge.parse("Bearer realm=\"https://r/token, service=r")).isEmpty();
    }

    @Test
    void nothingToParseIsNoChallenge() {
        assertThat(AuthChallenge.parse("")).isEmpty();
        assertThat(AuthChallenge.parse(null)).isEmpty();
        assertThat(AuthChallenge.parseAll(List.of())).isEmpty();
    }

    @Test
    void aParameterGivenTwiceMakesTheChallengeMalformed() {
        assertThat(AuthChallenge.parse("Bearer realm=\"https://first\", realm=\"https://second\"")).isEmpty();
    }

    @Test
    void readsTheChallengesOfAnyStatusFromTheResponseHeaders() {
        assertThat(AuthChallenge.of(Headers.of("WWW-Authenticate", "Bearer realm=\"https://r/token\",error=denied",
                "Content-Type", "application/json"))).extracting(challenge -> challenge.param("error").orElseThrow())
                .containsExactly("denied");
    }
}
