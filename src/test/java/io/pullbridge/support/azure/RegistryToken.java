package io.pullbridge.support.azure;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A repository-scoped registry token, with its passwords (values kept so tests can compare them). */
public final class RegistryToken {

    private final String id;
    private final String name;
    private final Instant creationDate;
    private final List<TokenPassword> passwords = new ArrayList<>();
    private String scopeMapId;
    private String status;

    RegistryToken(String id, String name, String scopeMapId, String status, Instant creationDate) {
        this.id = id;
        this.name = name;
        this.scopeMapId = scopeMapId;
        this.status = status;
        this.creationDate = creationDate;
    }

    public String id() {
        return id;
    }

    public String name() {
        return name;
    }

    public synchronized String scopeMapId() {
        return scopeMapId;
    }

    /** {@code enabled} or {@code disabled}. */
    public synchronized String status() {
        return status;
    }

    public Instant creationDate() {
        return creationDate;
    }

    /** A copy of its passwords ({@code password1}, {@code password2}), values included. */
    public synchronized List<TokenPassword> passwords() {
        return List.copyOf(passwords);
    }

    /** The password of that name ({@code password1} or {@code password2}), or null. */
    public synchronized TokenPassword password(String passwordName) {
        return passwords.stream().filter(p -> p.name().equalsIgnoreCase(passwordName)).findFirst().orElse(null);
    }

    synchronized void scopeMapId(String scopeMapId) {
        this.scopeMapId = scopeMapId;
    }

    synchronized void status(String status) {
        this.status = status;
    }

    synchronized void putPassword(TokenPassword password) {
        passwords.removeIf(p -> p.name().equalsIgnoreCase(password.name()));
        passwords.add(password);
        passwords.sort((a, b) -> a.name().compareToIgnoreCase(b.name()));
    }

    /** Keeps only the passwords of these names (ACR's way of deleting a token password: PATCH the remaining ones). */
    synchronized void retainPasswords(List<String> names) {
        passwords.removeIf(p -> names.stream().noneMatch(n -> n.equalsIgnoreCase(p.name())));
    }
}
