package io.pullbridge.common;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A Kubernetes label selector in its string form ({@code team=a,tier!=db,env in (prod,stage),!legacy}),
 * parsed with the API server's grammar so bad input is refused here rather than by every cluster.
 * {@link #matches(Map)} evaluates it locally, which matters because some API servers (and the fabric8
 * mock) ignore set-based selectors.
 */
public record LabelSelector(List<Requirement> requirements) {

    public enum Operator { EQUALS, NOT_EQUALS, IN, NOT_IN, EXISTS, DOES_NOT_EXIST }

    public record Requirement(String key, Operator operator, Set<String> values) {

        boolean matches(Map<String, String> labels) {
            String actual = labels.get(key);
            return switch (operator) {
                case EQUALS, IN -> actual != null && values.contains(actual);
                case NOT_EQUALS, NOT_IN -> actual == null || !values.contains(actual);
                case EXISTS -> labels.containsKey(key);
                case DOES_NOT_EXIST -> !labels.containsKey(key);
            };
        }
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
    private static final Pattern PREFIX = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    /**
     * @throws IllegalArgumentException naming the first thing that is wrong
     */
    public static LabelSelector parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("must not be blank");
        }
        List<Requirement> requirements = new ArrayList<>();
        for (String clause : splitTopLevel(text)) {
            requirements.add(parseRequirement(clause.strip()));
        }
        return new LabelSelector(List.copyOf(requirements));
    }

    public boolean matches(Map<String, String> labels) {
        Map<String, String> actual = labels == null ? Map.of() : labels;
        return requirements.stream().allMatch(requirement -> requirement.matches(actual));
    }

    /** True when every requirement is an equality the API server can evaluate on every version. */
    public boolean isEqualityBased() {
        return requirements.stream().allMatch(r -> r.operator() == Operator.EQUALS || r.operator() == Operator.NOT_EQUALS);
    }

    private static List<String> splitTopLevel(String text) {
        List<String> clauses = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
                if (depth < 0) {
                    throw new IllegalArgumentException("unbalanced ')' at position " + (i + 1));
                }
            } else if (c == ',' && depth == 0) {
                clauses.add(text.substring(start, i));
                start = i + 1;
            }
        }
        if (depth != 0) {
            throw new IllegalArgumentException("unbalanced '(' in '" + text + "'");
        }
        clauses.add(text.substring(start));
        return clauses;
    }

    private static Requirement parseRequirement(String clause) {
        if (clause.isEmpty()) {
            throw new IllegalArgumentException("has an empty requirement (two commas, or a trailing comma)");
        }
        if (clause.startsWith("!")) {
            return new Requirement(key(clause.substring(1).strip()), Operator.DOES_NOT_EXIST, Set.of());
        }
        int setStart = clause.indexOf('(');
        if (setStart >= 0) {
            String head = clause.substring(0, setStart).strip();
            if (!clause.endsWith(")")) {
                throw new IllegalArgumentException("'" + clause + "' must end with ')'");
            }
            String[] words = head.split("\\s+");
            if (words.length != 2 || !(words[1].equals("in") || words[1].equals("notin"))) {
                throw new IllegalArgumentException("'" + clause + "' must read '<key> in (<values>)' or '<key> notin (<values>)'");
            }
            Set<String> values = new LinkedHashSet<>();
            for (String value : clause.substring(setStart + 1, clause.length() - 1).split(",", -1)) {
                values.add(value(value.strip()));
            }
            return new Requirement(key(words[0]), words[1].equals("in") ? Operator.IN : Operator.NOT_IN, Set.copyOf(values));
        }
        String[] operators = {"!=", "==", "="};
        for (String op : operators) {
            int at = clause.indexOf(op);
            if (at >= 0) {
                String key = key(clause.substring(0, at).strip());
                String value = value(clause.substring(at + op.length()).strip());
                return new Requirement(key, op.equals("!=") ? Operator.NOT_EQUALS : Operator.EQUALS, Set.of(value));
            }
        }
        return new Requirement(key(clause), Operator.EXISTS, Set.of());
    }

    private static String key(String key) {
        String name = key;
        int slash = key.indexOf('/');
        if (slash >= 0) {
            String prefix = key.substring(0, slash);
            name = key.substring(slash + 1);
            if (prefix.isEmpty() || prefix.length() > 253 || !PREFIX.matcher(prefix).matches()) {
                throw new IllegalArgumentException("label key prefix '" + prefix + "' must be a DNS-1123 subdomain");
            }
        }
        if (name.isEmpty() || name.length() > 63 || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("label key '" + key + "' must be at most 63 letters, digits, '-', '_' "
                    + "and '.', starting and ending with a letter or digit, with an optional DNS subdomain prefix and '/'");
        }
        return key;
    }

    private static String value(String value) {
        if (value.length() > 63 || (!value.isEmpty() && !NAME.matcher(value).matches())) {
            throw new IllegalArgumentException("label value '" + value + "' must be at most 63 letters, digits, '-', "
                    + "'_' and '.', starting and ending with a letter or digit");
        }
        return value;
    }
}
