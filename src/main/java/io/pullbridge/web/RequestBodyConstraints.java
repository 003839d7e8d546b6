package io.pullbridge.web;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;
import tools.jackson.databind.JsonNode;

/**
 * Checks every request body against the Bean Validation constraints of its class (the size caps on list fields,
 * {@code @Size(max = ...)}) as soon as it is read, before the controller or a feature's own rules look at it: a list
 * of a hundred thousand names is refused by its size, with one field error, instead of name by name. Features
 * declare the caps on their request records; no controller needs {@code @Valid}.
 * <p>
 * It also refuses a NUL character ({@code \u0000}) in any string of any body, named by its field: JSON may carry one
 * escaped, no field of the API wants one, and PostgreSQL refuses it in text and {@code jsonb} alike.
 */
@ControllerAdvice
class RequestBodyConstraints extends RequestBodyAdviceAdapter {

    private final Validator validator;

    RequestBodyConstraints(Validator validator) {
        this.validator = validator;
    }

    @Override
    public boolean supports(MethodParameter parameter, Type targetType,
                            Class<? extends HttpMessageConverter<?>> converterType) {
        return true;
    }

    @Override
    public Object afterBodyRead(Object body, HttpInputMessage inputMessage, MethodParameter parameter, Type targetType,
                                Class<? extends HttpMessageConverter<?>> converterType) {
        Optional<String> nul = nulAt(body, "", 0);
        if (nul.isPresent()) {
            throw ApiException.invalid(List.of(new FieldViolation(nul.get(), "must not contain a NUL character")));
        }
        Set<ConstraintViolation<Object>> violations = validator.validate(body);
        if (!violations.isEmpty()) {
            List<FieldViolation> errors = violations.stream()
                    .map(violation -> new FieldViolation(violation.getPropertyPath().toString(), violation.getMessage()))
                    .sorted(Comparator.comparing(FieldViolation::field))
                    .toList();
            throw ApiException.invalid(errors);
        }
        return body;
    }

    /** Bodies nest at most 32 levels (the JSON limit); a walk deeper than this meets a cycle, not input. */
    private static final int MAX_DEPTH = 64;

    /** Where, as a field path ({@code a.b[0].c}), the first string holding a NUL is in what the body was read into. */
    static Optional<String> nulAt(Object value, String path, int depth) {
        if (value == null || depth > MAX_DEPTH) {
            return Optional.empty();
        }
        if (value instanceof String text) {
            return text.indexOf('\u0000') >= 0 ? Optional.of(path) : Optional.empty();
        }
        if (value instanceof Optional<?> optional) {
            return nulAt(optional.orElse(null), path, depth + 1);
        }
        if (value instanceof JsonNode node) {
            if (node.isString()) {
                return nulAt(node.stringValue(), path, depth);
            }
            if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) {
                    Optional<String> found = nulAt(node.get(i), path + "[" + i + "]", depth + 1);
                    if (found.isPresent()) {
                        return found;
                    }
                }
            } else if (node.isObject()) {
                for (Map.Entry<String, JsonNode> property : node.properties()) {
                    String at = field(path, property.getKey());
                    Optional<String> found = property.getKey().indexOf('\u0000') >= 0 ? Optional.of(path)
                            : nulAt(property.getValue(), at, depth + 1);
                    if (found.isPresent()) {
                        return found;
                    }
                }
            }
            return Optional.empty();
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                Optional<String> found = nulAt(item, path + "[" + i++ + "]", depth + 1);
                if (found.isPresent()) {
                    return found;
                }
            }
            return Optional.empty();
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                String key = String.valueOf(entry.getKey());
                Optional<String> found = key.indexOf('\u0000') >= 0 ? Optional.of(path)
                        : nulAt(entry.getValue(), field(path, key), depth + 1);
                if (found.isPresent()) {
                    return found;
                }
            }
            return Optional.empty();
        }
        if (value.getClass().isRecord()) {
            for (RecordComponent component : value.getClass().getRecordComponents()) {
                Object part;
                try {
                    var accessor = component.getAccessor();
                    accessor.trySetAccessible();
                    part = accessor.invoke(value);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    continue;
                }
                Optional<String> found = nulAt(part, field(path, component.getName()), depth + 1);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    private static String field(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }
}
