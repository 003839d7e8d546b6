package io.pullbridge.web;

import io.pullbridge.common.Phase;
import java.util.Locale;
import org.springframework.data.jpa.domain.Specification;

/** The optional filters of the list endpoints, as specifications: a filter whose value is null selects everything. */
public final class Filters {

    private Filters() {
    }

    public static <T> Specification<T> equal(String attribute, Object value) {
        return value == null ? Specification.unrestricted()
                : (root, query, cb) -> cb.equal(root.get(attribute), value);
    }

    public static <T> Specification<T> equalIgnoringCase(String attribute, String value) {
        if (value == null) {
            return Specification.unrestricted();
        }
        String lower = value.toLowerCase(Locale.ROOT);
        return (root, query, cb) -> cb.equal(cb.lower(root.get(attribute)), lower);
    }

    /** Resources whose {@code status.phase} is {@code phase}. */
    public static <T> Specification<T> phase(Phase phase) {
        return phase == null ? Specification.unrestricted()
                : (root, query, cb) -> cb.equal(root.get("status").get("phase"), phase);
    }
}
