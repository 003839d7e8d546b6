package io.pullbridge.clusters;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * How PullBridge reaches a cluster's API server, and as whom: what {@code status.access} shows, and what a refusal
 * (401, 403) from that server is explained with: the exact grant PullBridge's identity lacks.
 *
 * @param mode      {@code entra}: a token for the AKS server application from PullBridge's own Azure credential;
 *                  {@code local-account}: the AKS user credential's own (a cluster with local accounts);
 *                  {@code kubeconfig}: the registered kubeconfig's credential
 * @param objectId  entra: PullBridge's object id in the cluster's tenant (the {@code oid} of its token), which Azure
 *                  role assignments and Kubernetes RBAC bindings name; absent until PullBridge has signed in
 * @param tenantId  entra: the tenant PullBridge signs in to for this cluster
 * @param azureRbac entra on aks: whether Azure RBAC for Kubernetes authorizes (true) or Kubernetes RBAC (false);
 *                  absent when PullBridge cannot tell (kubeconfig and arc clusters)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "ClusterAccess")
public record ClusterAccess(
        @Schema(description = "How PullBridge reaches the API server: entra (a token for the AKS server application "
                + "from PullBridge's own Azure credential), local-account (an aks cluster's user credential) or "
                + "kubeconfig (the registered kubeconfig's credential)") Mode mode,
        @Schema(description = "entra: PullBridge's object id in the cluster's tenant (its token's oid), which role "
                + "assignments and RBAC bindings name; absent until it has signed in") UUID objectId,
        @Schema(description = "entra: the tenant PullBridge signs in to for this cluster") String tenantId,
        @Schema(description = "entra on aks: whether Azure RBAC for Kubernetes (true) or Kubernetes RBAC (false) "
                + "authorizes; absent when PullBridge cannot tell (kubeconfig and arc clusters)") Boolean azureRbac) {

    /** The verbs PullBridge uses, by resource: what the ClusterRole grants and the custom Azure role allows. */
    public static final List<Rule> RULES = List.of(
            new Rule("", "namespaces", List.of("get", "list")),
            new Rule("", "secrets", List.of("get", "list", "create", "update", "delete")),
            new Rule("", "serviceaccounts", List.of("get", "list", "patch")),
            new Rule("", "services", List.of("list")),
            // Workload-identity bindings delivered by msi-acrpull.
            new Rule("acrpull.microsoft.com", "acrpullbindings", List.of("get", "list", "create", "update", "delete")));

    /** The name of the ClusterRole and ClusterRoleBinding {@link #manifest} makes. */
    public static final String ROLE_NAME = "pullbridge";
    /** The built-in Azure role that covers PullBridge's verbs on an Azure-RBAC cluster (and more). */
    public static final String AKS_RBAC_WRITER = "Azure Kubernetes Service RBAC Writer";
    /** The custom Azure role with exactly PullBridge's data actions, from {@code deploy/azure}. */
    public static final String CUSTOM_ROLE = "PullBridge Kubernetes Data";
    /** The built-in Azure role that covers PullBridge's verbs on an Arc-enabled cluster with Azure RBAC (and more). */
    public static final String ARC_WRITER = "Azure Arc Kubernetes Writer";

    public enum Mode {
        ENTRA, LOCAL_ACCOUNT, KUBECONFIG;

        @JsonValue
        public String value() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        static Mode of(String value) {
            return value == null ? null : Mode.valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    /**
     * One resource and the verbs PullBridge uses on it.
     *
     * @param group the API group, empty for the core group
     */
    public record Rule(String group, String resource, List<String> verbs) {

        /** Whether the resource is a custom resource (a CRD's group, not one of Kubernetes' own). */
        public boolean customResource() {
            return group.contains(".") && !group.endsWith(".k8s.io");
        }

        /**
         * How Azure RBAC for Kubernetes on AKS names the resource in a data action: {@code [<group>/]<resource>}, and
         * {@code customresources} for every custom resource, which have no data actions of their own (an ABAC condition
         * on the assignment may narrow them by group and kind).
         */
        public String dataActionPath() {
            return customResource() ? "customresources" : group.isEmpty() ? resource : group + "/" + resource;
        }
    }

    public static ClusterAccess kubeconfig() {
        return new ClusterAccess(Mode.KUBECONFIG, null, null, null);
    }

    public static ClusterAccess localAccount() {
        return new ClusterAccess(Mode.LOCAL_ACCOUNT, null, null, null);
    }

    public static ClusterAccess entra(UUID objectId, String tenantId, Boolean azureRbac) {
        return new ClusterAccess(Mode.ENTRA, objectId, tenantId, azureRbac);
    }

    boolean isEntra() {
        return mode == Mode.ENTRA;
    }

    /** Who the API server sees, for messages. */
    String who() {
        return objectId == null ? "PullBridge's Entra identity" : "PullBridge's Entra identity (object id " + objectId
                + ")";
    }

    /**
     * What to grant after the API server refused an action, for an Entra cluster: on an Azure-RBAC AKS cluster the
     * role assignment (with its {@code az} line), on a Kubernetes-RBAC one the ClusterRole and binding the
     * access-manifest endpoint serves, and both when PullBridge cannot tell which one decides.
     *
     * @param clusterResourceId the AKS or Arc-enabled cluster's resource id (the role assignment's scope), or null
     * @param clusterId         the registered cluster, for the access-manifest link
     */
    public String grantAdvice(String clusterResourceId, UUID clusterId) {
        String assignee = objectId == null ? "<pullbridge-object-id>" : objectId.toString();
        String scope = clusterResourceId == null ? "<cluster-resource-id>" : clusterResourceId;
        String azure = scope.toLowerCase(Locale.ROOT).contains("/providers/microsoft.kubernetes/connectedclusters/")
                ? arcAdvice(assignee, scope) : "assign " + who() + " the role \"" + CUSTOM_ROLE + "\" (deploy/azure/pullbridge-kubernetes-"
                + "data-role.json: exactly PullBridge's verbs) or the built-in \"" + AKS_RBAC_WRITER + "\" (it covers "
                + "secrets, serviceaccounts, services and namespace reads, and much more) at the cluster's scope: "
                + "az role assignment create --assignee-object-id " + assignee + " --assignee-principal-type "
                + "ServicePrincipal --role \"" + CUSTOM_ROLE + "\" --scope " + scope
                + " (new assignments take up to 5 minutes to apply)";
        String kubernetes = "apply the ClusterRole \"" + ROLE_NAME + "\" and its ClusterRoleBinding to the User "
                + assignee + " that GET /api/v1/clusters/" + clusterId + "/access-manifest serves (kubectl apply -f)";
        if (Boolean.TRUE.equals(azureRbac)) {
            return "Azure RBAC for Kubernetes authorizes on this cluster: " + azure;
        }
        if (Boolean.FALSE.equals(azureRbac)) {
            return "Kubernetes RBAC authorizes on this cluster: " + kubernetes;
        }
        return "With Azure RBAC for Kubernetes, " + azure + "; with Kubernetes RBAC, " + kubernetes;
    }

    /** An Arc-enabled cluster's data actions are Microsoft.Kubernetes/connectedClusters/*: its built-in role. */
    private String arcAdvice(String assignee, String scope) {
        return "assign " + who() + " the built-in role \"" + ARC_WRITER + "\" (it covers secrets, serviceaccounts, "
                + "services and namespace reads, and much more) at the Arc-enabled cluster's scope: "
                + "az role assignment create --assignee-object-id " + assignee + " --assignee-principal-type "
                + "ServicePrincipal --role \"" + ARC_WRITER + "\" --scope " + scope;
    }

    /**
     * The ClusterRole with exactly PullBridge's verbs and a ClusterRoleBinding of it to PullBridge's Entra identity (a
     * Kubernetes {@code User} named by its object id), as YAML for {@code kubectl apply -f}.
     */
    public static String manifest(String objectId) {
        StringBuilder yaml = new StringBuilder()
                .append("# The verbs PullBridge uses, bound to its Entra identity (object id ").append(objectId)
                .append(").\n")
                .append("apiVersion: rbac.authorization.k8s.io/v1\n")
                .append("kind: ClusterRole\n")
                .append("metadata:\n")
                .append("  name: ").append(ROLE_NAME).append('\n')
                .append("  labels:\n")
                .append("    app.kubernetes.io/name: pullbridge\n")
                .append("rules:\n");
        for (Rule rule : RULES) {
            yaml.append("  - apiGroups: [\"").append(rule.group()).append("\"]\n")
                    .append("    resources: [\"").append(rule.resource()).append("\"]\n")
                    .append("    verbs: [").append(String.join(", ", rule.verbs().stream()
                            .map(verb -> "\"" + verb + "\"").toList())).append("]\n");
        }
        return yaml.append("---\n")
                .append("apiVersion: rbac.authorization.k8s.io/v1\n")
                .append("kind: ClusterRoleBinding\n")
                .append("metadata:\n")
                .append("  name: ").append(ROLE_NAME).append('\n')
                .append("  labels:\n")
                .append("    app.kubernetes.io/name: pullbridge\n")
                .append("roleRef:\n")
                .append("  apiGroup: rbac.authorization.k8s.io\n")
                .append("  kind: ClusterRole\n")
                .append("  name: ").append(ROLE_NAME).append('\n')
                .append("subjects:\n")
                .append("  - apiGroup: rbac.authorization.k8s.io\n")
                .append("    kind: User\n")
                .append("    name: \"").append(objectId).append("\"\n")
                .toString();
    }
}
