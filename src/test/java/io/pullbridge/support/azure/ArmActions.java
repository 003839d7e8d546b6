package io.pullbridge.support.azure;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Every route the emulated Azure Resource Manager serves, with the Azure RBAC action ARM checks for it (as the
 * resource providers' operations lists name them). The emulator answers only these routes, so an adapter cannot use an
 * operation this table lacks; it refuses a caller whose granted actions ({@link AzureEmulator#grantOnly}) do not
 * include the route's action, as ARM does with {@code 403 AuthorizationFailed}; and it records the actions it served.
 * Paths are matched without regard to case, as ARM matches them.
 */
public final class ArmActions {

    private static final String SEGMENT = "[^/]+";
    private static final String SUBSCRIPTION = "/subscriptions/" + SEGMENT;
    private static final String GROUP = SUBSCRIPTION + "/resourceGroups/" + SEGMENT;
    private static final String REGISTRIES = "/providers/Microsoft\\.ContainerRegistry/registries";
    private static final String REGISTRY = GROUP + REGISTRIES + "/" + SEGMENT;
    private static final String MANAGED_CLUSTERS = "/providers/Microsoft\\.ContainerService/managedClusters";
    private static final String CONNECTED_CLUSTER = GROUP + "/providers/Microsoft\\.Kubernetes/connectedClusters/"
            + SEGMENT;
    private static final String EXTENSIONS = CONNECTED_CLUSTER + "/providers/Microsoft\\.KubernetesConfiguration/extensions";
    private static final String IDENTITY = GROUP + "/providers/Microsoft\\.ManagedIdentity/userAssignedIdentities/"
            + SEGMENT;
    /** A scope: a subscription, optionally a resource group, optionally a resource under it. */
    private static final String SCOPE = SUBSCRIPTION + "(?:/.*)?";

    private static final List<Route> ROUTES = List.of(
            route("GET", SUBSCRIPTION + REGISTRIES, "Microsoft.ContainerRegistry/registries/read"),
            route("GET", GROUP + REGISTRIES, "Microsoft.ContainerRegistry/registries/read"),
            route("GET", REGISTRY, "Microsoft.ContainerRegistry/registries/read"),
            route("POST", REGISTRY + "/generateCredentials",
                    "Microsoft.ContainerRegistry/registries/generateCredentials/action"),
            route("GET", REGISTRY + "/tokens(?:/" + SEGMENT + ")?", "Microsoft.ContainerRegistry/registries/tokens/read"),
            route("PUT|PATCH", REGISTRY + "/tokens/" + SEGMENT, "Microsoft.ContainerRegistry/registries/tokens/write"),
            route("DELETE", REGISTRY + "/tokens/" + SEGMENT, "Microsoft.ContainerRegistry/registries/tokens/delete"),
            route("GET", REGISTRY + "/scopeMaps(?:/" + SEGMENT + ")?",
                    "Microsoft.ContainerRegistry/registries/scopeMaps/read"),
            route("PUT|PATCH", REGISTRY + "/scopeMaps/" + SEGMENT,
                    "Microsoft.ContainerRegistry/registries/scopeMaps/write"),
            route("DELETE", REGISTRY + "/scopeMaps/" + SEGMENT,
                    "Microsoft.ContainerRegistry/registries/scopeMaps/delete"),
            route("GET", REGISTRY + "/connectedRegistries(?:/" + SEGMENT + ")?",
                    "Microsoft.ContainerRegistry/registries/connectedRegistries/read"),
            route("PUT|PATCH", REGISTRY + "/connectedRegistries/" + SEGMENT,
                    "Microsoft.ContainerRegistry/registries/connectedRegistries/write"),
            route("DELETE", REGISTRY + "/connectedRegistries/" + SEGMENT,
                    "Microsoft.ContainerRegistry/registries/connectedRegistries/delete"),
            route("POST", REGISTRY + "/connectedRegistries/" + SEGMENT + "/deactivate",
                    "Microsoft.ContainerRegistry/registries/connectedRegistries/deactivate/action"),
            route("GET", SCOPE + "/providers/Microsoft\\.Authorization/roleAssignments(?:/" + SEGMENT + ")?",
                    "Microsoft.Authorization/roleAssignments/read"),
            route("PUT", SCOPE + "/providers/Microsoft\\.Authorization/roleAssignments/" + SEGMENT,
                    "Microsoft.Authorization/roleAssignments/write"),
            route("DELETE", SCOPE + "/providers/Microsoft\\.Authorization/roleAssignments/" + SEGMENT,
                    "Microsoft.Authorization/roleAssignments/delete"),
            route("GET", "(?:" + SCOPE + ")?/providers/Microsoft\\.Authorization/roleDefinitions(?:/" + SEGMENT + ")?",
                    "Microsoft.Authorization/roleDefinitions/read"),
            route("GET", "(?:" + SUBSCRIPTION + "|" + GROUP + ")" + MANAGED_CLUSTERS,
                    "Microsoft.ContainerService/managedClusters/read"),
            route("GET", GROUP + MANAGED_CLUSTERS + "/" + SEGMENT, "Microsoft.ContainerService/managedClusters/read"),
            route("POST", GROUP + MANAGED_CLUSTERS + "/" + SEGMENT + "/listClusterUserCredential",
                    "Microsoft.ContainerService/managedClusters/listClusterUserCredential/action"),
            route("POST", GROUP + MANAGED_CLUSTERS + "/" + SEGMENT + "/listClusterAdminCredential",
                    "Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action"),
            route("GET", CONNECTED_CLUSTER, "Microsoft.Kubernetes/connectedClusters/read"),
            route("GET", EXTENSIONS + "(?:/" + SEGMENT + ")?", "Microsoft.KubernetesConfiguration/extensions/read"),
            route("PUT|PATCH", EXTENSIONS + "/" + SEGMENT, "Microsoft.KubernetesConfiguration/extensions/write"),
            route("DELETE", EXTENSIONS + "/" + SEGMENT, "Microsoft.KubernetesConfiguration/extensions/delete"),
            route("GET", EXTENSIONS + "/" + SEGMENT + "/operations/" + SEGMENT,
                    "Microsoft.KubernetesConfiguration/extensions/operations/read"),
            route("GET", IDENTITY, "Microsoft.ManagedIdentity/userAssignedIdentities/read"),
            route("PUT|PATCH", IDENTITY, "Microsoft.ManagedIdentity/userAssignedIdentities/write"),
            route("DELETE", IDENTITY, "Microsoft.ManagedIdentity/userAssignedIdentities/delete"),
            route("GET", IDENTITY + "/federatedIdentityCredentials(?:/" + SEGMENT + ")?",
                    "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/read"),
            route("PUT", IDENTITY + "/federatedIdentityCredentials/" + SEGMENT,
                    "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write"),
            route("DELETE", IDENTITY + "/federatedIdentityCredentials/" + SEGMENT,
                    "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/delete"),
            route("GET", SUBSCRIPTION + "/providers/" + SEGMENT, "Microsoft.Resources/subscriptions/providers/read"));

    private ArmActions() {
    }

    /** The action ARM checks for this method and (decoded, single-slash) path, if the emulator serves the route. */
    public static Optional<String> of(String method, String path) {
        return ROUTES.stream().filter(route -> route.matches(method, path)).map(Route::action).findFirst();
    }

    /** Every action some route needs. */
    public static Set<String> all() {
        Set<String> actions = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        ROUTES.forEach(route -> actions.add(route.action()));
        return actions;
    }

    private static Route route(String methods, String path, String action) {
        return new Route(Pattern.compile("^(?:" + methods + ")$"),
                Pattern.compile("^" + path + "$", Pattern.CASE_INSENSITIVE), action);
    }

    private record Route(Pattern methods, Pattern path, String action) {

        boolean matches(String method, String requestPath) {
            return methods.matcher(method.toUpperCase(Locale.ROOT)).matches() && path.matcher(requestPath).matches();
        }
    }
}
