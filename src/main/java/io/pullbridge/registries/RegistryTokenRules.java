package io.pullbridge.registries;

import io.pullbridge.web.Violations;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * ACR's rules for tokens and scope maps, checked before anything is sent to Azure: token names, repository names
 * and wildcards, and the repository actions a scope map can grant.
 */
@Component
class RegistryTokenRules {

    static final int MAX_REPOSITORIES = 500;
    static final int MAX_REPOSITORY_LENGTH = 256;
    static final List<String> ACTIONS = List.of("content/read", "content/write", "content/delete", "metadata/read",
            "metadata/write");

    static final int MAX_NAME = 50;
    static final String SCOPE_MAP_SUFFIX = "-scope-map";

    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9-]{5," + MAX_NAME + "}");
    // The distribution spec's repository grammar: lower-case alphanumeric components joined by '.', '_', '__' or
    // dashes, separated by '/'. ACR also accepts '<prefix>/*' for every repository under a prefix.
    private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    private static final Pattern REPOSITORY = Pattern.compile(COMPONENT + "(?:/" + COMPONENT + ")*(?:/\\*)?");

    private final RegistriesProperties properties;

    RegistryTokenRules(RegistriesProperties properties) {
        this.properties = properties;
    }

    record NewToken(String name, Map<String, List<String>> repositories, String passwordLifetime) {
    }

    /** A checked PATCH; a null component stays unchanged. */
    record Changes(Map<String, List<String>> repositories, String passwordLifetime) {
    }

    /** @throws io.pullbridge.web.ApiException 400 listing every broken rule */
    NewToken checkCreate(CreateRegistryTokenRequest request) {
        Violations violations = new Violations();
        checkName(request.name(), violations);
        checkRepositories(request.repositories(), violations);
        String lifetime = checkLifetime(request.passwordLifetime(), violations);
        violations.throwIfAny();
        return new NewToken(request.name(), copy(request.repositories()), lifetime);
    }

    /** @throws io.pullbridge.web.ApiException 400 listing every broken rule */
    Changes checkUpdate(UpdateRegistryTokenRequest request) {
        Violations violations = new Violations();
        JsonNode name = request.name();
        violations.check(name == null, "name", "is immutable: ACR cannot rename a token; create another token "
                + "instead");
        if (request.repositories() != null) {
            checkRepositories(request.repositories(), violations);
        }
        String lifetime = request.passwordLifetime() == null ? null
                : checkLifetime(request.passwordLifetime(), violations);
        violations.throwIfAny();
        return new Changes(request.repositories() == null ? null : copy(request.repositories()), lifetime);
    }

    static void checkName(String name, Violations violations) {
        if (violations.check(name != null, "name", "is required")) {
            violations.check(NAME.matcher(name).matches(), "name",
                    "must be 5 to 50 letters, digits and hyphens, as ACR requires of token names");
        }
    }

    static void checkRepositories(Map<String, List<String>> repositories, Violations violations) {
        if (!violations.check(repositories != null && !repositories.isEmpty(), "repositories",
                "must map at least one repository to its actions, for example {\"team-a/*\": [\"content/read\", "
                        + "\"metadata/read\"]}")) {
            return;
        }
        violations.check(repositories.size() <= MAX_REPOSITORIES, "repositories",
                "may hold at most " + MAX_REPOSITORIES + " repositories");
        repositories.forEach((repository, actions) -> {
            String field = "repositories." + repository;
            violations.check(isRepositoryPattern(repository), field, "is not a repository name: lower-case letters "
                    + "and digits in '/'-separated components joined by '.', '_' or '-' (not at their start or end), "
                    + "at most " + MAX_REPOSITORY_LENGTH + " characters, optionally ending in '/*' for every "
                    + "repository under a prefix");
            checkActions(field, actions, violations);
        });
    }

    /**
     * The scope map PullBridge makes for a token: {@code <token>-scope-map}, or, when that is longer than the 50
     * characters ACR allows, the token name's start, 8 hex digits of a hash of the whole (lower-cased) name, and the
     * suffix. Derived from the name alone, so every job and the delete find it again, and two tokens of one registry
     * (whose names differ whatever their case) never share one.
     */
    static String scopeMapName(String tokenName) {
        String plain = tokenName + SCOPE_MAP_SUFFIX;
        if (plain.length() <= MAX_NAME) {
            return plain;
        }
        String hash = HexFormat.of().formatHex(sha256(tokenName.toLowerCase(Locale.ROOT)), 0, 4);
        return tokenName.substring(0, MAX_NAME - SCOPE_MAP_SUFFIX.length() - hash.length() - 1) + "-" + hash
                + SCOPE_MAP_SUFFIX;
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean isRepositoryPattern(String repository) {
        return repository != null && repository.length() <= MAX_REPOSITORY_LENGTH
                && REPOSITORY.matcher(repository).matches();
    }

    private static void checkActions(String field, List<String> actions, Violations violations) {
        if (!violations.check(actions != null && !actions.isEmpty(), field,
                "must list at least one action: one of " + String.join(", ", ACTIONS))) {
            return;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < actions.size(); i++) {
            String action = actions.get(i);
            String element = field + "[" + i + "]";
            if (violations.check(action != null && ACTIONS.contains(action), element,
                    "must be one of " + String.join(", ", ACTIONS))) {
                violations.check(seen.add(action), element, "repeats " + action);
            }
        }
    }

    private String checkLifetime(String requested, Violations violations) {
        RegistriesProperties.TokenPasswordLifetime bounds = properties.tokenPasswordLifetime();
        return PasswordLifetimes.check(requested, bounds.min(), bounds.max(), bounds.defaultLifetime(),
                "passwordLifetime", violations);
    }

    private static Map<String, List<String>> copy(Map<String, List<String>> repositories) {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        repositories.forEach((repository, actions) -> copy.put(repository, List.copyOf(actions)));
        return copy;
    }
}
