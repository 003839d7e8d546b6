package io.pullbridge.support.kube;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The emulated cluster reads the Protobuf body kubectl v1.32 sends for {@code create secret docker-registry}. */
class ProtobufSecretTests {

    /** What {@code kubectl -v=10 create secret docker-registry kx -n default} (server a, user b, password c) sent. */
    private static final String KUBECTL_BODY = "6b3873000a0c0a0276311206536563726574128f010a190a026b7812001a0764"
            + "656661756c7422002a0032003800420012520a112e646f636b6572636f6e66"
            + "69676a736f6e123d7b226175746873223a7b2261223a7b22757365726e616d65"
            + "223a2262222c2270617373776f7264223a2263222c2261757468223a22596a70"
            + "6a227d7d7d1a1e6b756265726e657465732e696f2f646f636b6572636f6e6669"
            + "676a736f6e1a002200";

    @Test
    void readsTheSecretKubectlWritesAsTheJsonItWouldHaveSent() {
        String json = new String(ProtobufSecret.toJson(HexFormat.of().parseHex(KUBECTL_BODY)), StandardCharsets.UTF_8);

        String config = java.util.Base64.getEncoder().encodeToString(
                "{\"auths\":{\"a\":{\"username\":\"b\",\"password\":\"c\",\"auth\":\"Yjpj\"}}}".getBytes());
        assertThat(json).isEqualTo("{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"kx\","
                + "\"namespace\":\"default\"},\"data\":{\".dockerconfigjson\":\"" + config + "\"},"
                + "\"type\":\"kubernetes.io/dockerconfigjson\"}");
    }
}
