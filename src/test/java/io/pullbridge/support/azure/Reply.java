package io.pullbridge.support.azure;

import java.util.LinkedHashMap;
import java.util.Map;

/** What a handler answers: a status, a JSON body (or none) and extra headers. */
record Reply(int status, Object body, Map<String, String> headers) {

    static Reply json(int status, Object body) {
        return new Reply(status, body, new LinkedHashMap<>());
    }

    static Reply empty(int status) {
        return new Reply(status, null, new LinkedHashMap<>());
    }

    Reply header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    /** ARM's error shape: {"error":{"code","message"}}. */
    static Reply armError(int status, String code, String message) {
        return json(status, Map.of("error", Json.obj("code", code, "message", message)));
    }
}
