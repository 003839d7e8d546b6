package io.pullbridge.support.azure;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** An application registration in the emulated directory. */
public final class GraphApplication {

    private final String id;
    private final String appId;
    private final Instant createdDateTime;
    private final List<PasswordCredential> passwords = new ArrayList<>();
    private String displayName;
    private List<String> tags = new ArrayList<>();

    GraphApplication(String id, String appId, String displayName, Instant createdDateTime) {
        this.id = id;
        this.appId = appId;
        this.displayName = displayName;
        this.createdDateTime = createdDateTime;
    }

    /** The object id. */
    public String id() {
        return id;
    }

    /** The application (client) id. */
    public String appId() {
        return appId;
    }

    public String displayName() {
        return displayName;
    }

    public Instant createdDateTime() {
        return createdDateTime;
    }

    /** Its tags: custom strings, as Graph filters by with {@code tags/any(t:t eq '...')}. */
    public List<String> tags() {
        return List.copyOf(tags);
    }

    void tags(List<String> tags) {
        this.tags = new ArrayList<>(tags);
    }

    /** A copy of its passwords, secrets included. */
    public List<PasswordCredential> passwords() {
        return List.copyOf(passwords);
    }

    List<PasswordCredential> mutablePasswords() {
        return passwords;
    }

    void displayName(String displayName) {
        this.displayName = displayName;
    }
}
