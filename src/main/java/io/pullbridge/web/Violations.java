package io.pullbridge.web;

import java.util.ArrayList;
import java.util.List;

/** Collects every invalid field of a request so one answer lists them all. */
public final class Violations {

    private final List<FieldViolation> errors = new ArrayList<>();

    public Violations add(String field, String message) {
        errors.add(new FieldViolation(field, message));
        return this;
    }

    /** Adds a violation unless {@code valid}; returns {@code valid} so callers can skip dependent checks. */
    public boolean check(boolean valid, String field, String message) {
        if (!valid) {
            add(field, message);
        }
        return valid;
    }

    public boolean isEmpty() {
        return errors.isEmpty();
    }

    /** @throws ApiException 400 with every collected violation, when there is any */
    public void throwIfAny() {
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
    }
}
