package io.pullbridge.bindings;

import io.pullbridge.registry.RegistryLogin;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code .dockerconfigjson} of a {@code kubernetes.io/dockerconfigjson} secret, byte for byte as
 * {@code kubectl create secret docker-registry --docker-server=S --docker-username=U --docker-password=P} writes it:
 * compact JSON {@code {"auths":{S:{"username":U,"password":P,"auth":base64(U:P)}}}}, strings escaped as Go's
 * {@code encoding/json} escapes them (HTML-safe: {@code <}, {@code >} and {@code &} as {@code \u003c} and so on,
 * U+2028 and U+2029 escaped, other non-ASCII letters left as UTF-8), the server exactly as given. Byte identity
 * matters: a secret PullBridge writes compares equal to one a person wrote with kubectl, and reconciliation can
 * tell drift from a byte comparison.
 * <p>
 * Read back ({@link #login}), the document may be anything someone with access to the cluster wrote there: what is
 * wrong with it is said by position only, never by quoting it (a JSON parser's message quotes the text it choked on,
 * which here is a password).
 */
public final class DockerConfigJson {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private DockerConfigJson() {
    }

    /** The document's bytes (UTF-8); they hold the password, so never log them. */
    public static byte[] of(String server, String username, String password) {
        String auth = Base64.getEncoder().encodeToString((username + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
        StringBuilder json = new StringBuilder(128 + server.length() + 3 * (username.length() + password.length()));
        json.append("{\"auths\":{");
        string(json, server);
        json.append(":{\"username\":");
        string(json, username);
        json.append(",\"password\":");
        string(json, password);
        json.append(",\"auth\":");
        string(json, auth);
        json.append("}}}");
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The login for {@code server} in a {@code .dockerconfigjson}: its {@code username} and {@code password}, or else
     * those in its {@code auth} ({@code base64(username:password)}).
     *
     * @return empty when the document holds no complete login for that server
     * @throws InvalidException when the document is not JSON or its {@code auth} not base64, saying where, never what
     */
    public static Optional<RegistryLogin> login(byte[] config, String server) {
        JsonNode document;
        try {
            document = JSON.readTree(config);
        } catch (JacksonException e) {
            TokenStreamLocation at = e.getLocation();
            throw new InvalidException("its .dockerconfigjson is not valid JSON" + (at == null || at.getLineNr() < 1
                    ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        }
        JsonNode auth = document == null ? null : document.path("auths").path(server);
        if (auth == null || !auth.isObject()) {
            return Optional.empty();
        }
        String username = text(auth.get("username"));
        String password = text(auth.get("password"));
        if ((username == null || password == null) && text(auth.get("auth")) != null) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(text(auth.get("auth"))), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new InvalidException("the auth field of its .dockerconfigjson for " + server + " is not base64");
            }
            int colon = decoded.indexOf(':');
            if (colon > 0) {
                username = decoded.substring(0, colon);
                password = decoded.substring(colon + 1);
            }
        }
        if (username == null || username.isEmpty() || username.indexOf(':') >= 0 || password == null) {
            return Optional.empty();
        }
        return Optional.of(new RegistryLogin(server, username, password));
    }

    /**
     * Every secret a secret's data value may hold, for a job's mask: the value itself and, when it is a
     * {@code .dockerconfigjson}, each login's {@code password}, {@code auth}, the password inside that {@code auth},
     * and any {@code identitytoken} or {@code registrytoken}, whatever the server. Never fails: what cannot be read
     * is masked as a whole.
     */
    public static List<String> secretsIn(byte[] value) {
        List<String> secrets = new ArrayList<>();
        if (value == null || value.length == 0) {
            return secrets;
        }
        secrets.add(new String(value, StandardCharsets.UTF_8));
        JsonNode auths;
        try {
            auths = JSON.readTree(value).path("auths");
        } catch (JacksonException | IllegalArgumentException e) {
            return secrets;
        }
        for (JsonNode login : auths.values()) {
            for (String field : List.of("password", "auth", "identitytoken", "registrytoken")) {
                String text = text(login.get(field));
                if (text != null) {
                    secrets.add(text);
                }
            }
            String auth = text(login.get("auth"));
            if (auth != null) {
                try {
                    String decoded = new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
                    secrets.add(decoded);
                    if (decoded.indexOf(':') > 0) {
                        secrets.add(decoded.substring(decoded.indexOf(':') + 1));
                    }
                } catch (IllegalArgumentException e) {
                    // Not base64: masked as it is, above.
                }
            }
        }
        return secrets;
    }

    private static String text(JsonNode node) {
        return node != null && node.isString() ? node.stringValue() : null;
    }

    /** A {@code .dockerconfigjson} that cannot be read; the message says where, never what. */
    public static final class InvalidException extends RuntimeException {

        InvalidException(String message) {
            super(message, null, false, false);
        }
    }

    private static void string(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '<', '>', '&', '\u2028', '\u2029' -> unicode(out, c);
                default -> {
                    if (c < 0x20) {
                        unicode(out, c);
                    } else if (Character.isSurrogate(c) && !validSurrogatePair(value, i)) {
                        // Go replaces invalid UTF-8 (here: an unpaired surrogate) with U+FFFD.
                        out.append('\ufffd');
                    } else {
                        out.append(c);
                        if (Character.isHighSurrogate(c)) {
                            out.append(value.charAt(++i));
                        }
                    }
                }
            }
        }
        out.append('"');
    }

    private static boolean validSurrogatePair(String value, int i) {
        return Character.isHighSurrogate(value.charAt(i)) && i + 1 < value.length()
                && Character.isLowSurrogate(value.charAt(i + 1));
    }

    private static void unicode(StringBuilder out, char c) {
        out.append("\\u").append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf]).append(HEX[(c >> 4) & 0xf])
                .append(HEX[c & 0xf]);
    }
}
