package io.pullbridge.common;

import java.util.UUID;

/** The Azure built-in roles PullBridge assigns on registries, with their role definition ids (the same everywhere). */
public enum AzureRole {
    ACR_PULL("AcrPull", "7f951dda-4ed3-4680-a7ca-43fe172d538d"),
    ACR_PUSH("AcrPush", "8311e382-0749-4cb8-b61a-304f252e45ec"),
    OWNER("Owner", "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"),
    /** Pull access on registries that use ABAC repository permissions. */
    REPOSITORY_READER("Container Registry Repository Reader", "b93aa761-3e63-49ed-ac28-beffa264f7ac"),
    /** Pull and push on registries that use ABAC repository permissions. */
    REPOSITORY_WRITER("Container Registry Repository Writer", "2a1e307c-b015-4ebd-883e-5b7698a07328");

    private final String roleName;
    private final UUID definitionId;

    AzureRole(String roleName, String definitionId) {
        this.roleName = roleName;
        this.definitionId = UUID.fromString(definitionId);
    }

    public String roleName() {
        return roleName;
    }

    public UUID definitionId() {
        return definitionId;
    }
}
