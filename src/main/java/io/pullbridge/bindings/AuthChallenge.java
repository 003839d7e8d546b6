package io.pullbridge.bindings;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One challenge of a {@code WWW-Authenticate} header (RFC 9110 section 11.6.1): a scheme and either auth-params
 * ({@code Bearer realm="https://r/token",service="r"}) or a token68 ({@code Negotiate abc==}). Parameter names are
 * lower-cased; values are unquoted and unescaped, so a quoted value may hold commas, equals signs and quotes.
 */
record AuthChallenge(String scheme, Map<String, String> params, String token68) {

    AuthChallenge {
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    boolean is(String name) {
        return scheme.equalsIgnoreCase(name);
    }

    Optional<String> param(String name) {
        return Optional.ofNullable(params.get(name.toLowerCase(Locale.ROOT)));
    }

    /** The challenges of all the given header values, in order; malformed trailing input ends the parse. */
    static List<AuthChallenge> parseAll(List<String> headerValues) {
        List<AuthChallenge> challenges = new ArrayList<>();
        for (String value : headerValues) {
            challenges.addAll(parse(value));
        }
        return challenges;
    }

    /**
     * The challenges of one header value. Lenient where servers are sloppy (spaces around {@code =}, empty list
     * elements, unquoted values), strict where it matters: a quoted string ends only at an unescaped quote.
     */
    static List<AuthChallenge> parse(String header) {
        return new Parser(header).challenges();
    }

    private static final class Parser {

        private final String input;
        private int pos;

        Parser(String input) {
            this.input = input == null ? "" : input;
        }

        List<AuthChallenge> challenges() {
            List<AuthChallenge> challenges = new ArrayList<>();
            skipSeparators();
            while (pos < input.length()) {
                String scheme = token();
                if (scheme.isEmpty()) {
                    break;
                }
                Map<String, String> params = new LinkedHashMap<>();
                String token68 = null;
                skipSpaces();
                int afterScheme = pos;
                String first = token68Candidate();
                if (!first.isEmpty() && atListEnd()) {
                    // "Scheme token68": a token68 may end in '=' padding, so it is told from a parameter by what
                    // follows it (the end of the list element, where a parameter would have a value).
                    token68 = first;
                } else {
                    pos = afterScheme;
                }
                if (token68 == null) {
                    readParams(params);
                }
                challenges.add(new AuthChallenge(scheme, params, token68));
                skipSeparators();
            }
            return challenges;
        }

        /** Reads {@code name=value} pairs separated by commas until the next challenge's scheme or the end. */
        private void readParams(Map<String, String> params) {
            while (pos < input.length()) {
                int start = pos;
                skipSeparators();
                int nameStart = pos;
                String name = token();
                if (name.isEmpty()) {
                    pos = start;
                    return;
                }
                skipSpaces();
                if (pos >= input.length() || input.charAt(pos) != '=') {
                    // Not a parameter: the scheme of the next challenge.
                    pos = nameStart;
                    return;
                }
                pos++;
                skipSpaces();
                String value = pos < input.length() && input.charAt(pos) == '"' ? quoted() : bareValue();
                params.putIfAbsent(name.toLowerCase(Locale.ROOT), value);
                skipSpaces();
                if (pos < input.length() && input.charAt(pos) != ',') {
                    // Garbage after a value: stop here rather than guess.
                    pos = input.length();
                    return;
                }
            }
        }

        private String token68Candidate() {
            int start = pos;
            while (pos < input.length() && isToken68Char(input.charAt(pos))) {
                pos++;
            }
            while (pos < input.length() && input.charAt(pos) == '=') {
                pos++;
            }
            return input.substring(start, pos);
        }

        private boolean atListEnd() {
            int look = pos;
            while (look < input.length() && isSpace(input.charAt(look))) {
                look++;
            }
            return look >= input.length() || input.charAt(look) == ',';
        }

        private String quoted() {
            StringBuilder value = new StringBuilder();
            pos++;
            while (pos < input.length()) {
                char c = input.charAt(pos++);
                if (c == '"') {
                    return value.toString();
                }
                if (c == '\\' && pos < input.length()) {
                    c = input.charAt(pos++);
                }
                value.append(c);
            }
            return value.toString();
        }

        /** An unquoted value; servers send bare URLs too, so it runs to the next comma or space. */
        private String bareValue() {
            int start = pos;
            while (pos < input.length() && input.charAt(pos) != ',' && !isSpace(input.charAt(pos))) {
                pos++;
            }
            return input.substring(start, pos);
        }

        private String token() {
            int start = pos;
            while (pos < input.length() && isTokenChar(input.charAt(pos))) {
                pos++;
            }
            return input.substring(start, pos);
        }

        private void skipSpaces() {
            while (pos < input.length() && isSpace(input.charAt(pos))) {
                pos++;
            }
        }

        private void skipSeparators() {
            while (pos < input.length() && (isSpace(input.charAt(pos)) || input.charAt(pos) == ',')) {
                pos++;
            }
        }

        private static boolean isSpace(char c) {
            return c == ' ' || c == '\t';
        }

        private static boolean isTokenChar(char c) {
            return c > 0x20 && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
        }

        private static boolean isToken68Char(char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "-._~+/".indexOf(c) >= 0;
        }
    }
}
