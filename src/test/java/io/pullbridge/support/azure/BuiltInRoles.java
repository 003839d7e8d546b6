package io.pullbridge.support.azure;

import java.util.List;
import java.util.Optional;

/**
 * The built-in Azure role definitions the emulated ARM knows. Role definition ids are the same in every tenant;
 * these were checked against Azure's published built-in role list.
 */
public final class BuiltInRoles {

    public static final String ACR_PULL = "7f951dda-4ed3-4680-a7ca-43fe172d538d";
    public static final String ACR_PUSH = "8311e382-0749-4cb8-b61a-304f252e45ec";
    public static final String OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
    public static final String CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c";
    public static final String READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
    public static final String CONTAINER_REGISTRY_REPOSITORY_READER = "b93aa761-3e63-49ed-ac28-beffa264f7ac";
    public static final String CONTAINER_REGISTRY_REPOSITORY_WRITER = "2a1e307c-b015-4ebd-883e-5b7698a07328";
    public static final String CONTAINER_REGISTRY_REPOSITORY_CONTRIBUTOR = "2efddaa5-3f1f-4df3-97df-af3f13818f4c";
    public static final String CONTAINER_REGISTRY_REPOSITORY_CATALOG_LISTER = "bfdb9389-c9a5-478a-bb2f-ba9ca092c3c7";

    private static final String REPOSITORIES = "Microsoft.ContainerRegistry/registries/repositories/";

    static final List<Role> ALL = List.of(
            new Role(ACR_PULL, "AcrPull", "acr pull",
                    List.of("Microsoft.ContainerRegistry/registries/pull/read"), List.of(), List.of()),
            new Role(ACR_PUSH, "AcrPush", "acr push",
                    List.of("Microsoft.ContainerRegistry/registries/pull/read",
                            "Microsoft.ContainerRegistry/registries/push/write"), List.of(), List.of()),
            new Role(OWNER, "Owner", "Grants full access to manage all resources, including the ability to assign "
                    + "roles in Azure RBAC.", List.of("*"), List.of(), List.of()),
            new Role(CONTRIBUTOR, "Contributor", "Grants full access to manage all resources, but does not allow you "
                    + "to assign roles in Azure RBAC, manage assignments in Azure Blueprints, or share image galleries.",
                    List.of("*"), List.of("Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write",
                            "Microsoft.Authorization/elevateAccess/Action"), List.of()),
            new Role(READER, "Reader", "View all resources, but does not allow you to make any changes.",
                    List.of("*/read"), List.of(), List.of()),
            new Role(CONTAINER_REGISTRY_REPOSITORY_READER, "Container Registry Repository Reader",
                    "Allows for read access to Azure Container Registry repositories, including tags, manifests and "
                            + "their content. Supports Microsoft Entra ABAC conditions.",
                    List.of(), List.of(), List.of(REPOSITORIES + "content/read", REPOSITORIES + "metadata/read")),
            new Role(CONTAINER_REGISTRY_REPOSITORY_WRITER, "Container Registry Repository Writer",
                    "Allows for read and write access to Azure Container Registry repositories. Supports Microsoft "
                            + "Entra ABAC conditions.",
                    List.of(), List.of(), List.of(REPOSITORIES + "content/read", REPOSITORIES + "metadata/read",
                            REPOSITORIES + "content/write", REPOSITORIES + "metadata/write")),
            new Role(CONTAINER_REGISTRY_REPOSITORY_CONTRIBUTOR, "Container Registry Repository Contributor",
                    "Allows for read, write and delete access to Azure Container Registry repositories. Supports "
                            + "Microsoft Entra ABAC conditions.",
                    List.of(), List.of(), List.of(REPOSITORIES + "content/read", REPOSITORIES + "metadata/read",
                            REPOSITORIES + "content/write", REPOSITORIES + "metadata/write",
                            REPOSITORIES + "content/delete", REPOSITORIES + "metadata/delete")),
            new Role(CONTAINER_REGISTRY_REPOSITORY_CATALOG_LISTER, "Container Registry Repository Catalog Lister",
                    "Allows for listing all repositories in an Azure Container Registry.",
                    List.of(), List.of(), List.of("Microsoft.ContainerRegistry/registries/catalog/read")));

    private BuiltInRoles() {
    }

    static Optional<Role> byId(String guid) {
        return ALL.stream().filter(role -> role.id().equalsIgnoreCase(guid)).findFirst();
    }

    /** A built-in role: its GUID, name and permissions. */
    record Role(String id, String roleName, String description, List<String> actions, List<String> notActions,
                List<String> dataActions) {
    }
}
