package io.pullbridge.support.azure;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A service principal in the emulated directory: of an application, or of a managed identity (an AKS kubelet
 * identity). ARM sees it only from {@link #visibleToArmAt()}: before that a role assignment naming it fails with
 * {@code PrincipalNotFound}, as it does while Entra replicates a new principal.
 */
public final class GraphServicePrincipal {

    private final String id;
    private final String appId;
    private final String servicePrincipalType;
    private final Instant createdDateTime;
    private final List<PasswordCredential> passwords = new ArrayList<>();
    private String displayName;
    private boolean accountEnabled = true;
    private List<String> tags = new ArrayList<>();
    private Instant visibleToArmAt;

    GraphServicePrincipal(String id, String appId, String displayName, String servicePrincipalType,
                          Instant createdDateTime, Instant visibleToArmAt) {
        this.id = id;
        this.appId = appId;
        this.displayName = displayName;
        this.servicePrincipalType = servicePrincipalType;
        this.createdDateTime = createdDateTime;
        this.visibleToArmAt = visibleToArmAt;
    }

    /** The object id: what role assignments name. */
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

    /** {@code Application} or {@code ManagedIdentity}. */
    public String servicePrincipalType() {
        return servicePrincipalType;
    }

    public boolean accountEnabled() {
        return accountEnabled;
    }

    public Instant createdDateTime() {
        return createdDateTime;
    }

    public Instant visibleToArmAt() {
        return visibleToArmAt;
    }

    public List<String> tags() {
        return List.copyOf(tags);
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

    void accountEnabled(boolean accountEnabled) {
        this.accountEnabled = accountEnabled;
    }

    void tags(List<String> tags) {
        this.tags = new ArrayList<>(tags);
    }

    void visibleToArmAt(Instant visibleToArmAt) {
        this.visibleToArmAt = visibleToArmAt;
    }
}
