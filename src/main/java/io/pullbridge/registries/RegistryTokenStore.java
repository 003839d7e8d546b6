package io.pullbridge.registries;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Port: repository-scoped tokens and scope maps inside a registry, and their generated passwords. */
public interface RegistryTokenStore {

    /** Creates or replaces the scope map; {@code repositories} maps a repository (or {@code team/*}) to ACR actions. */
    void putScopeMap(String registryResourceId, String scopeMapName, Map<String, List<String>> repositories);

    /** Creates or updates the token, enabled, bound to the scope map. */
    void putToken(String registryResourceId, String tokenName, String scopeMapName);

    /** Generates a new password in one of the token's two slots; the other slot keeps working. */
    GeneratedPassword generatePassword(String registryResourceId, String tokenName, PasswordSlot slot, Instant expiry);

    /**
     * Which of the token's password slots hold a password (values are never returned), or empty when the token does
     * not exist: lets a caller see that a token was deleted, or re-created without its passwords, behind its back.
     */
    Optional<Set<PasswordSlot>> readPasswordSlots(String registryResourceId, String tokenName);

    /** Deletes the token; nothing happens when it does not exist. */
    void deleteToken(String registryResourceId, String tokenName);

    /** Deletes the scope map; nothing happens when it does not exist. */
    void deleteScopeMap(String registryResourceId, String scopeMapName);

    enum PasswordSlot { PASSWORD1, PASSWORD2 }

    /** A password as Azure generated it. {@link #toString()} never shows the value. */
    record GeneratedPassword(PasswordSlot slot, String value, Instant expiresAt) {
        @Override
        public String toString() {
            return "GeneratedPassword[slot=" + slot + ", expiresAt=" + expiresAt + "]";
        }
    }
}
