package io.pullbridge.bindings;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import io.pullbridge.web.Violations;
import org.springframework.stereotype.Component;

/** The one place a binding's method picks the code that does its work: a handler per {@link BindingMethod}. */
@Component
class BindingMethodHandlers {

    private final Map<BindingMethod, BindingMethodHandler> handlers = new EnumMap<>(BindingMethod.class);

    BindingMethodHandlers(List<BindingMethodHandler> all) {
        for (BindingMethodHandler handler : all) {
            if (handlers.putIfAbsent(handler.method(), handler) != null) {
                throw new IllegalStateException("Two handlers for binding method " + handler.method());
            }
        }
        for (BindingMethod method : BindingMethod.values()) {
            if (!handlers.containsKey(method)) {
                throw new IllegalStateException("No handler for binding method " + method);
            }
        }
    }

    BindingMethodHandler of(BindingMethod method) {
        return handlers.get(method);
    }

    /** Refuses, in a request for {@code method} (null: none given), the options that go with any other method. */
    void refuseOtherOptions(BindingMethod method, Map<String, Object> options, Violations violations) {
        for (BindingMethodHandler handler : handlers.values()) {
            String field = handler.requests().optionsField();
            if (handler.method() != method && field != null) {
                violations.check(options.get(field) == null, field, "goes only with method " + handler.method());
            }
        }
    }

    /** The methods that have a handler: every one. */
    Set<BindingMethod> methods() {
        return Collections.unmodifiableSet(handlers.keySet());
    }
}
