package io.pullbridge.registries;

import io.pullbridge.web.Violations;
import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * The lifetime of a password PullBridge generates (a service principal's client secret, a registry token's
 * password): an ISO-8601 duration such as {@code P90D}, checked against configured bounds. Shared by the
 * registries and principals modules, which configure their own bounds.
 */
public final class PasswordLifetimes {

    private PasswordLifetimes() {
    }

    /**
     * @param requested the request's value; null means "use {@code fallback}"
     * @return the lifetime in its canonical spelling, or null when it was refused (a violation was added)
     */
    public static String check(String requested, Duration min, Duration max, Duration fallback, String field,
                               Violations violations) {
        if (requested == null) {
            return format(fallback);
        }
        String rule = "must be an ISO-8601 duration between " + format(min) + " and " + format(max)
                + ", for example " + format(fallback);
        Duration lifetime;
        try {
            lifetime = Duration.parse(requested.strip());
        } catch (DateTimeParseException e) {
            violations.add(field, rule + " (years and months are not accepted: use days)");
            return null;
        }
        if (lifetime.compareTo(min) < 0 || lifetime.compareTo(max) > 0) {
            violations.add(field, rule);
            return null;
        }
        return format(lifetime);
    }

    /** Whole days as {@code P<n>D} (how people write password lifetimes), anything else as ISO-8601 time. */
    public static String format(Duration duration) {
        if (!duration.isNegative() && !duration.isZero() && duration.equals(Duration.ofDays(duration.toDays()))) {
            return "P" + duration.toDays() + "D";
        }
        return duration.toString();
    }

    /** True when {@code 0 < min <= fallback <= max}: what every module's configured bounds must satisfy. */
    public static boolean ordered(Duration min, Duration fallback, Duration max) {
        return min != null && fallback != null && max != null && !min.isNegative() && !min.isZero()
                && min.compareTo(fallback) <= 0 && fallback.compareTo(max) <= 0;
    }
}
