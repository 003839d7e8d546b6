package io.pullbridge.support.azure;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One request as the emulator sees it. The path is taken from the raw request target, not from a URI parser: the
 * Azure SDK sends scope-based calls as {@code //subscriptions/...}, which a parser would read as a host.
 */
final class Call {

    private final String method;
    private final String rawPath;
    private final String path;
    private final String rawQuery;
    private final Map<String, String> query;
    private final Map<String, List<String>> headers;
    private final String body;

    Call(String method, String rawTarget, Map<String, List<String>> headers, String body) {
        this.method = method.toUpperCase(Locale.ROOT);
        int question = rawTarget.indexOf('?');
        this.rawPath = question < 0 ? rawTarget : rawTarget.substring(0, question);
        this.rawQuery = question < 0 ? "" : rawTarget.substring(question + 1);
        this.path = normalize(rawPath);
        this.query = Collections.unmodifiableMap(parseQuery(rawQuery));
        this.headers = headers;
        this.body = body;
    }

    String method() {
        return method;
    }

    /** The path exactly as sent, e.g. {@code //subscriptions/...}. */
    String rawPath() {
        return rawPath;
    }

    /** The path with one leading slash, no trailing slash, percent-decoded. */
    String path() {
        return path;
    }

    String rawQuery() {
        return rawQuery;
    }

    /** Query parameters, decoded; the first value of each name. */
    Map<String, String> query() {
        return query;
    }

    String query(String name) {
        return query.get(name);
    }

    /** The decoded query in the order sent, e.g. {@code $filter=roleName eq 'AcrPull'&api-version=2022-04-01}. */
    String decodedQuery() {
        if (rawQuery.isEmpty()) {
            return "";
        }
        StringBuilder decoded = new StringBuilder();
        for (String pair : rawQuery.split("&")) {
            if (decoded.length() > 0) {
                decoded.append('&');
            }
            decoded.append(decode(pair, true));
        }
        return decoded.toString();
    }

    String header(String name) {
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if (header.getKey() != null && header.getKey().equalsIgnoreCase(name) && !header.getValue().isEmpty()) {
                return header.getValue().get(0);
            }
        }
        return null;
    }

    String body() {
        return body;
    }

    /** The body as form fields (the token endpoint's {@code application/x-www-form-urlencoded}). */
    Map<String, String> form() {
        return parseQuery(body == null ? "" : body);
    }

    private static String normalize(String rawPath) {
        String decoded = decode(rawPath, false);
        String collapsed = decoded.replaceAll("/{2,}", "/");
        if (!collapsed.startsWith("/")) {
            collapsed = "/" + collapsed;
        }
        if (collapsed.length() > 1 && collapsed.endsWith("/")) {
            collapsed = collapsed.substring(0, collapsed.length() - 1);
        }
        return collapsed;
    }

    private static Map<String, String> parseQuery(String raw) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (raw.isEmpty()) {
            return parameters;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals), true);
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1), true);
            parameters.putIfAbsent(name, value);
        }
        return parameters;
    }

    private static String decode(String value, boolean plusIsSpace) {
        String prepared = plusIsSpace ? value : value.replace("+", "%2B");
        try {
            return URLDecoder.decode(prepared, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return value;
        }
    }
}
