package io.pullbridge.support.azure;

import java.time.Instant;
import java.util.List;

/** A registry scope map: the repository actions a token may use. */
public final class ScopeMap {

    private final String id;
    private final String name;
    private final Instant creationDate;
    private volatile String description;
    private volatile List<String> actions;

    ScopeMap(String id, String name, String description, List<String> actions, Instant creationDate) {
        this.id = id;
        this.name = name;
        this.description = description;
        this.actions = List.copyOf(actions);
        this.creationDate = creationDate;
    }

    public String id() {
        return id;
    }

    public String name() {
        return name;
    }

    public String description() {
        return description;
    }

    /** e.g. {@code repositories/team-a/app/content/read}. */
    public List<String> actions() {
        return actions;
    }

    public Instant creationDate() {
        return creationDate;
    }

    void description(String description) {
        this.description = description;
    }

    void actions(List<String> actions) {
        this.actions = List.copyOf(actions);
    }
}
