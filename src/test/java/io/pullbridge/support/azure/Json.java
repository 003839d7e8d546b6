package io.pullbridge.support.azure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/** JSON for the emulator: bodies are plain maps and lists, written with nulls kept (Azure sends them). */
final class Json {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private Json() {
    }

    static String write(Object value) {
        return MAPPER.writeValueAsString(value);
    }

    /** The body as a JSON object; an empty body is an empty object. Throws {@link BadJson} for anything else. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> object(String body) {
        if (body == null || body.isBlank()) {
            return new LinkedHashMap<>();
        }
        try {
            Object value = MAPPER.readValue(body, Object.class);
            if (value instanceof Map<?, ?> map) {
                return (Map<String, Object>) map;
            }
            throw new BadJson("The request body must be a JSON object.");
        } catch (JacksonException e) {
            throw new BadJson("The request body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> parent, String name) {
        Object value = parent == null ? null : parent.get(name);
        return value instanceof Map<?, ?> map ? (Map<String, Object>) map : null;
    }

    static String string(Map<String, Object> parent, String name) {
        Object value = parent == null ? null : parent.get(name);
        return value == null ? null : value.toString();
    }

    static List<String> strings(Map<String, Object> parent, String name) {
        Object value = parent == null ? null : parent.get(name);
        List<String> strings = new ArrayList<>();
        if (value instanceof List<?> list) {
            list.forEach(item -> strings.add(String.valueOf(item)));
        }
        return strings;
    }

    /** An insertion-ordered map from alternating keys and values, nulls allowed (unlike Map.of). */
    static Map<String, Object> obj(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /** A request body the emulator cannot read; answered as the surface's bad-request error. */
    static final class BadJson extends RuntimeException {
        BadJson(String message) {
            super(message);
        }
    }
}
