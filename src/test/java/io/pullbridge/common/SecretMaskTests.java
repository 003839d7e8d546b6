package io.pullbridge.common;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class SecretMaskTests {

    private static final String PASSWORD = "p@ss:w\"o\\rd-é-<&>+/=Q~x9";

    @Test
    void aSecretAsGivenJsonEscapedOrUrlEncodedIsMasked() {
        SecretMask mask = SecretMask.of(PASSWORD);

        assertThat(mask.apply("password " + PASSWORD + " refused")).isEqualTo("password (redacted) refused");
        assertThat(mask.apply("{\"password\":" + JsonMapper.shared().writeValueAsString(PASSWORD) + "}"))
                .isEqualTo("{\"password\":\"(redacted)\"}");
        assertThat(mask.apply("go: \"p@ss:w\\\"o\\\\rd-é-\\u003c\\u0026\\u003e+/=Q~x9\""))
                .isEqualTo("go: \"(redacted)\"");
        String form = URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8);
        assertThat(mask.apply("GET /token?password=" + form + "&x=1")).isEqualTo("GET /token?password=(redacted)&x=1");
        assertThat(mask.apply("GET /token?password=" + form.replace("+", "%20"))).doesNotContain("o%5Crd");
    }

    @Test
    void base64OfTheSecretIsMaskedAloneAndWhereverItSitsInLongerEncodedText() {
        SecretMask mask = SecretMask.of(PASSWORD);
        for (String prefix : new String[] {"", "a", "ab", "abc", "abcd"}) {
            byte[] text = (prefix + PASSWORD + " tail").getBytes(StandardCharsets.UTF_8);
            String standard = Base64.getEncoder().encodeToString(text);
            String urlSafe = Base64.getUrlEncoder().encodeToString(text);
            String middle = standard.substring((prefix.length() + 2) / 3 * 4 + 4,
                    (prefix.length() + PASSWORD.getBytes(StandardCharsets.UTF_8).length) / 3 * 4 - 4);

            assertThat(mask.apply("data: " + standard)).as("after %s", prefix).contains("(redacted)")
                    .doesNotContain(middle);
            assertThat(mask.apply("data: " + urlSafe)).as("url-safe after %s", prefix).contains("(redacted)");
        }
        assertThat(mask.apply(Base64.getEncoder().encodeToString(PASSWORD.getBytes(StandardCharsets.UTF_8))))
                .isEqualTo("(redacted)");
    }

    @ParameterizedTest
    @MethodSource("usernames")
    void aDockerConfigJsonQuotedDecodedOrInBase64ShowsNoFormOfThePassword(String username) {
        SecretMask mask = SecretMask.of(PASSWORD);
        String auth = SecretMask.basicCredentials(username, PASSWORD);
        String escaped = JsonMapper.shared().writeValueAsString(PASSWORD);
        String document = "{\"auths\":{\"myacr.azurecr.io\":{\"username\":\"" + username + "\",\"password\":"
                + escaped + ",\"auth\":\"" + auth + "\"}}}";
        String data = Base64.getEncoder().encodeToString(document.getBytes(StandardCharsets.UTF_8));

        String decoded = mask.apply("admission webhook denied the request: " + document);
        String encoded = mask.apply("admission webhook denied the request: data[.dockerconfigjson]=" + data);

        assertThat(decoded).doesNotContain(PASSWORD).doesNotContain(escaped.substring(1, escaped.length() - 1))
                .doesNotContain(auth.substring(12, auth.length() - 4));
        // The base64 characters that encode the password's bytes, in the password field and in the auth field.
        int password = bytes(document.substring(0, document.indexOf(escaped) + 1));
        int passwordEnd = password + bytes(escaped) - 2;
        int authAt = bytes(document.substring(0, document.indexOf(auth)));
        int userPart = bytes(username) + 1;
        int authPassword = authAt + (8 * userPart + 5) / 6;
        int authPasswordEnd = authAt + 8 * (userPart + bytes(PASSWORD)) / 6;
        assertNoWindowVisible(encoded, data, password, passwordEnd);
        assertNoWindowVisible(encoded, data, authPassword, authPasswordEnd);
    }

    private static int bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /** No run of 6 characters of {@code data} that encode only bytes {@code from} to {@code to} is in the text. */
    private static void assertNoWindowVisible(String text, String data, int from, int to) {
        int first = (8 * from + 5) / 6;
        int last = 8 * to / 6;
        assertThat(last - first).isGreaterThan(12);
        for (int at = first; at + 6 <= last; at++) {
            assertThat(text).as("characters %d to %d of the encoded document", at, at + 6)
                    .doesNotContain(data.substring(at, at + 6));
        }
    }

    static Stream<String> usernames() {
        return Stream.of("u", "ab", "abc", "00000000-0000-0000-0000-000000000001", "team-a-pull");
    }

    @Test
    void aFormCutShortByALengthLimitIsMaskedFromItsBeginning() {
        SecretMask mask = SecretMask.of(PASSWORD);

        assertThat(mask.apply("refused (password p@ss:w\"o\\r...)")).isEqualTo("refused (password (redacted)...)");
        assertThat(mask.apply("quoted " + Base64.getEncoder().encodeToString(PASSWORD.getBytes(StandardCharsets.UTF_8))
                .substring(0, 12) + "…")).isEqualTo("quoted (redacted)…");
        assertThat(mask.apply("a word cut short: p@s...")).isEqualTo("a word cut short: p@s...");
    }

    @Test
    void connectionStringPasswordsAreMaskedEvenWithoutTheSecret() {
        String helm = "Error: values: connectionString=ConnectedRegistryName=edge;SyncTokenName=edge-sync-token;"
                + "SyncTokenPassword=Abc/def+ghi=;ParentGatewayEndpoint=x.westeurope.data.azurecr.io";

        assertThat(SecretMask.none().apply(helm)).contains("SyncTokenPassword=(redacted);")
                .doesNotContain("Abc/def").contains("SyncTokenName=edge-sync-token");
        assertThat(SecretMask.none().apply("cut short: SyncTokenPassword=s3c")).endsWith("SyncTokenPassword=(redacted)");
    }

    @Test
    void decimalByteListsAsGoPrintsBytesAreMasked() {
        SecretMask mask = SecretMask.of("hunter22");

        assertThat(mask.apply("data: map[.dockerconfigjson:[123 34 104 117 110 116 101 114 50 50 34 125]]"))
                .isEqualTo("data: map[.dockerconfigjson:[123 34 (redacted) 34 125]]");
    }

    @Test
    void aLongerSecretGoesBeforeTheFragmentsItContains() {
        SecretMask mask = SecretMask.ofLogin("puller", PASSWORD);

        assertThat(mask.apply("bad password " + PASSWORD + " in Basic "
                + SecretMask.basicCredentials("puller", PASSWORD))).isEqualTo("bad password (redacted) in Basic (redacted)");
    }

    @Test
    void shortOrMissingSecretsAreNotMaskedAndNullStaysNull() {
        SecretMask mask = SecretMask.of("abc", null, "");

        assertThat(mask.isEmpty()).isTrue();
        assertThat(mask.apply("abc abc")).isEqualTo("abc abc");
        assertThat(mask.apply((String) null)).isNull();
        assertThat(SecretMask.of(PASSWORD).with(SecretMask.of("other-secret")).apply("other-secret " + PASSWORD))
                .isEqualTo("(redacted) (redacted)");
    }

    @Test
    void aThrowableToLogKeepsItsClassStackAndCausesButNotTheSecret() {
        JacksonException parse = catchThrowableOfType(JacksonException.class,
                () -> JsonMapper.shared().readTree("{\"password\": hunter22secret}"));
        assertThat(parse.getMessage()).contains("hunter22secret");
        IllegalStateException outer = new IllegalStateException("reading hunter22secret failed", parse);

        RuntimeException logged = SecretMask.of("hunter22secret").apply(outer);

        assertThat(logged.getMessage()).startsWith("java.lang.IllegalStateException: reading (redacted) failed");
        assertThat(logged.getStackTrace()).isEqualTo(outer.getStackTrace());
        assertThat(logged.getCause().getMessage()).startsWith(parse.getClass().getName()).contains("(redacted)")
                .doesNotContain("hunter22secret");
        assertThat(logged.toString()).doesNotContain("hunter22secret");
    }
}
