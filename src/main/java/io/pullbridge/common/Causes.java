package io.pullbridge.common;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An exception's chain of causes, from the exception itself down, for the adapters that classify failures by what
 * lies beneath a client library's wrapper. Spring's {@code NestedExceptionUtils} answers only the root or most
 * specific cause; these ask for the first cause of a kind. A chain that loops back ends where it would repeat.
 */
public final class Causes {

    private Causes() {
    }

    public static List<Throwable> chain(Throwable e) {
        List<Throwable> chain = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    /** The first of {@code e} and its causes that is a {@code type}. */
    public static <T extends Throwable> Optional<T> find(Throwable e, Class<T> type) {
        return chain(e).stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    /** Whether {@code e} or one of its causes is of one of the {@code types}. */
    @SafeVarargs
    public static boolean any(Throwable e, Class<? extends Throwable>... types) {
        return chain(e).stream().anyMatch(t -> List.of(types).stream().anyMatch(type -> type.isInstance(t)));
    }
}
