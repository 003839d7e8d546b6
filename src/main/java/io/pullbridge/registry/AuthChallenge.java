package io.pullbridge.registry;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import okhttp3.Challenge;
import okhttp3.Headers;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;

/**
 * One challenge of a {@code WWW-Authenticate} header (RFC 9110 section 11.6.1): a scheme and either auth-params
 * ({@code Bearer realm="https://r/token",service="r"}) or a token68 ({@code Negotiate abc==}), as OkHttp parses it.
 * Parameter names are lower-cased; values are unquoted and unescaped, so a quoted value may hold commas, equals signs
 * and quotes. A malformed challenge (an unterminated quote, a parameter given twice) is dropped, as OkHttp drops it.
 */
record AuthChallenge(String scheme, Map<String, String> params, String token68) {

    private static final String HEADER = "WWW-Authenticate";
    private static final Request PROBE = new Request.Builder().url("https://registry.invalid/v2/").build();

    AuthChallenge {
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    boolean is(String name) {
        return scheme.equalsIgnoreCase(name);
    }

    Optional<String> param(String name) {
        return Optional.ofNullable(params.get(name.toLowerCase(Locale.ROOT)));
    }

    /**
     * The challenges of a response's headers, whatever its status: OkHttp's {@link Response#challenges()} reads them
     * only on a 401, and registries also put their {@code error} parameter on a 403's challenge.
     */
    static List<AuthChallenge> of(Headers headers) {
        Response probe = new Response.Builder().request(PROBE).protocol(Protocol.HTTP_1_1).code(401).message("")
                .headers(headers).build();
        return probe.challenges().stream().map(AuthChallenge::of).toList();
    }

    /** The challenges of all the given header values, in order. */
    static List<AuthChallenge> parseAll(List<String> headerValues) {
        Headers.Builder headers = new Headers.Builder();
        headerValues.forEach(value -> headers.addUnsafeNonAscii(HEADER, value));
        return of(headers.build());
    }

    /** The challenges of one header value. */
    static List<AuthChallenge> parse(String header) {
        return header == null ? List.of() : parseAll(List.of(header));
    }

    private static AuthChallenge of(Challenge challenge) {
        Map<String, String> params = new LinkedHashMap<>();
        String token68 = null;
        for (Map.Entry<String, String> param : challenge.authParams().entrySet()) {
            if (param.getKey() == null) {
                token68 = param.getValue();
            } else {
                params.put(param.getKey(), param.getValue());
            }
        }
        return new AuthChallenge(challenge.scheme(), params, token68);
    }
}
