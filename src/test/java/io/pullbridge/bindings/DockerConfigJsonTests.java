package io.pullbridge.bindings;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code .dockerconfigjson} is byte-identical to what {@code kubectl create secret docker-registry} writes. */
class DockerConfigJsonTests {

    private final ObjectMapper json = JsonMapper.builder().build();

    @Test
    void everySecretASecretsDataMayHoldIsFoundWhateverTheServerAndNothingFailsOnWhatIsNotJson() {
        byte[] document = ("{\"auths\":{\"a.azurecr.io\":{\"username\":\"u\",\"password\":\"first-pw\","
                + "\"auth\":\"" + Base64.getEncoder().encodeToString("u:second-pw".getBytes(StandardCharsets.UTF_8))
                + "\"},\"b.example\":{\"identitytoken\":\"third-token\"}}}").getBytes(StandardCharsets.UTF_8);

        assertThat(DockerConfigJson.secretsIn(document)).contains(new String(document, StandardCharsets.UTF_8),
                "first-pw", "u:second-pw", "second-pw", "third-token");
        assertThat(DockerConfigJson.secretsIn("{not json: hunter2".getBytes(StandardCharsets.UTF_8)))
                .containsExactly("{not json: hunter2");
        assertThat(DockerConfigJson.secretsIn(null)).isEmpty();
    }

    @Test
    void matchesKubectlsOutputForTheSameInputByteForByte() throws Exception {
        // ../shared/reference/kubectl-secret-docker-registry.json, from kubectl --dry-run=client -o json
        String kubectl = "eyJhdXRocyI6eyJteXJlZ2lzdHJ5LmF6dXJlY3IuaW8iOnsidXNlcm5hbWUiOiIwMDAwMDAwMC0wMDAwLTAwMDAtMDAw"
                + "MC0wMDAwMDAwMDAwMDEiLCJwYXNzd29yZCI6InBAc3M6dzByZCIsImF1dGgiOiJNREF3TURBd01EQXRNREF3TUMwd01EQXdMVEF3"
                + "TURBdE1EQXdNREF3TURBd01EQXhPbkJBYzNNNmR6QnlaQT09In19fQ==";
        Path reference = Path.of("../shared/reference/kubectl-secret-docker-registry.json");
        if (Files.exists(reference)) {
            kubectl = json.readTree(Files.readString(reference)).at("/data/.dockerconfigjson").asText();
        }

        byte[] ours = DockerConfigJson.of("myregistry.azurecr.io", "00000000-0000-0000-0000-000000000001",
                "p@ss:w0rd");

        assertThat(Base64.getEncoder().encodeToString(ours)).isEqualTo(kubectl);
    }

    @Test
    void escapesQuotesBackslashesAndHtmlCharactersAsGoDoesAndKeepsNonAsciiLetters() {
        byte[] ours = DockerConfigJson.of("r.azurecr.io", "usér\"name", "pa\\ss<w>&rd\u2028:é@ö");

        assertThat(new String(ours, StandardCharsets.UTF_8)).isEqualTo("{\"auths\":{\"r.azurecr.io\":{"
                + "\"username\":\"usér\\\"name\","
                + "\"password\":\"pa\\\\ss\\u003cw\\u003e\\u0026rd\\u2028:é@ö\","
                + "\"auth\":\"" + Base64.getEncoder().encodeToString("usér\"name:pa\\ss<w>&rd\u2028:é@ö"
                .getBytes(StandardCharsets.UTF_8)) + "\"}}}");
    }

    @Test
    void controlCharactersUseGosShortFormsOrLowercaseUnicodeEscapes() {
        String text = new String(DockerConfigJson.of("r", "u", "a\nb\tc\u0001d\be\ff\r"), StandardCharsets.UTF_8);

        assertThat(text).contains("\"password\":\"a\\nb\\tc\\u0001d\\be\\ff\\r\"");
    }

    @Test
    void decodesToTheCredentialsItWasGiven() throws Exception {
        String password = "p:a@s\"s\\w😀rd";
        JsonNode auth = json.readTree(DockerConfigJson.of("contoso.azurecr.io", "token-a", password))
                .at("/auths/contoso.azurecr.io");

        assertThat(auth.get("username").asText()).isEqualTo("token-a");
        assertThat(auth.get("password").asText()).isEqualTo(password);
        assertThat(new String(Base64.getDecoder().decode(auth.get("auth").asText()), StandardCharsets.UTF_8))
                .isEqualTo("token-a:" + password);
    }
}
