package io.pullbridge.clusters;

import io.pullbridge.common.Phase;
import io.pullbridge.web.ApiException;
import io.pullbridge.web.PageQuery;
import io.pullbridge.web.PageResponse;
import io.pullbridge.web.ProblemType;
import io.pullbridge.web.RequestContext;
import io.pullbridge.web.Responses;
import io.pullbridge.web.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.UUID;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.resilience.annotation.Retryable;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/clusters")
@Tag(name = "Clusters", description = "Kubernetes clusters PullBridge gives pull access in: AKS, kubeconfig or "
        + "Arc-connected. Registering, changing and removing a cluster is reserved to Admin; Readers and Operators "
        + "read them, and Operators bind registries to them.")
class ClusterController {

    /*
     * A cluster is where PullBridge writes credentials, so every write to one is an Admin's: its kubeconfig, kind and
     * resource id say where secrets go; its service CIDR is the fence a connected registry's clusterIP is checked
     * against; its name is how people and automation find the cluster to bind to, so a rename can redirect a binding
     * as surely as a new kubeconfig. The checks come first, before anything is read or stored.
     */
    static final String REGISTER_RULE = "registering a cluster is reserved to Admin (a cluster is where PullBridge "
            + "writes credentials)";
    static final String CHANGE_RULE = "changing a cluster (its kubeconfig, name or service CIDR) is reserved to Admin";
    static final String REMOVE_RULE = "removing a cluster is reserved to Admin";

    static final String ACCESS_MANIFEST_TYPE = "application/yaml";

    private final ClusterService clusters;

    ClusterController(ClusterService clusters) {
        this.clusters = clusters;
    }

    @PostMapping
    @Operation(operationId = "createCluster", summary = "Register a cluster (Admin)", description = "aks: the managed cluster's resource id (credentials "
            + "come from Azure). kubeconfig: a write-only kubeconfig. arc: the connected cluster's resource id and "
            + "a kubeconfig. The kubeconfig's server must be https and must not be a loopback, link-local or "
            + "metadata address unless pullbridge.clusters.allowed-hosts lets it through.")
    @ApiResponse(responseCode = "202", description = "Registered; its cluster.connect job (Operation-Location) "
            + "connects to the API server, and status.phase follows it")
    @ApiResponse(responseCode = "400", description = "Invalid fields, all of them listed in errors[]")
    @ApiResponse(responseCode = "403", description = "The caller is not an Admin")
    @ApiResponse(responseCode = "409", description = "The name or the resource id is already registered")
    ResponseEntity<ClusterResponse> create(@RequestBody CreateClusterRequest request) {
        RequestContext.require(Role.ADMIN, REGISTER_RULE);
        Cluster cluster = clusters.create(request);
        return Responses.accepted(URI.create("/api/v1/clusters/" + cluster.getId()), cluster,
                ClusterResponse.of(cluster));
    }

    @GetMapping
    @Operation(operationId = "listClusters", summary = "List clusters", description = "Filter by name, kind and phase.")
    PageResponse<ClusterResponse> list(@RequestParam(required = false) String name,
                                       @Parameter(schema = @Schema(allowableValues = {"aks", "kubeconfig", "arc"}))
                                       @RequestParam(required = false) String kind,
                                       @RequestParam(required = false) Phase phase,
                                       @RequestParam(required = false) Integer limit,
                                       @RequestParam(required = false) String pageToken) {
        return clusters.list(name, kind, phase, PageQuery.of(limit, pageToken));
    }

    @GetMapping("/{id}")
    @Operation(operationId = "getCluster", summary = "Read a cluster",
            description = "Its spec (never its kubeconfig), and its status: phase, conditions, what the last probe saw and its "
                    + "latest job.")
    @ApiResponse(responseCode = "200", description = "The cluster, with its ETag")
    @ApiResponse(responseCode = "404", description = "No such cluster")
    ResponseEntity<ClusterResponse> get(@PathVariable UUID id) {
        Cluster cluster = clusters.get(id);
        return Responses.ok(cluster.getVersion(), ClusterResponse.of(cluster));
    }

    @GetMapping(value = "/{id}/access-manifest", produces = ACCESS_MANIFEST_TYPE)
    @Operation(operationId = "getClusterAccessManifest", summary = "The Kubernetes RBAC PullBridge needs on a cluster",
            description = "For a cluster PullBridge signs in to with its Entra identity: a ClusterRole with exactly the "
                    + "verbs PullBridge uses (namespaces get/list; secrets get/list/create/update/delete; "
                    + "serviceaccounts get/list/patch; services list; acrpullbindings.acrpull.microsoft.com "
                    + "get/list/create/update/delete) and a ClusterRoleBinding of it to PullBridge's "
                    + "object id as a Kubernetes User, as YAML for kubectl apply -f. It reveals only that object id "
                    + "and those verbs, so any role may read it. Clusters with Azure RBAC for Kubernetes need the role "
                    + "assignment status.access and a Forbidden job error name instead.")
    @ApiResponse(responseCode = "200", description = "The manifest")
    @ApiResponse(responseCode = "404", description = "No such cluster")
    @ApiResponse(responseCode = "409", description = "PullBridge does not reach the cluster with its Entra identity, "
            + "or has not signed in to it yet (status.access.objectId is absent)")
    ResponseEntity<String> accessManifest(@PathVariable UUID id) {
        Cluster cluster = clusters.get(id);
        ClusterAccess access = cluster.access();
        if (access == null || !access.isEntra() || access.objectId() == null) {
            throw new ApiException(ProblemType.INVALID_STATE, "PullBridge " + (access == null || !access.isEntra()
                    ? "reaches the cluster " + cluster.getName() + " with " + (access == null ? "credentials it has "
                    + "not used yet" : access.mode().value() + " credentials") + ", not its Entra identity: its "
                    + "permissions are those credentials' own"
                    : "has not signed in to the cluster " + cluster.getName() + " yet, so its object id there is not "
                    + "known; retry once the cluster's connect job has run"));
        }
        return ResponseEntity.ok().contentType(MediaType.parseMediaType(ACCESS_MANIFEST_TYPE))
                .body(ClusterAccess.manifest(access.objectId().toString()));
    }

    @PatchMapping("/{id}")
    @Operation(operationId = "updateCluster", summary = "Change a cluster (Admin)", description = "Changes the name, the service CIDR or (not for aks) "
            + "the kubeconfig. A new kubeconfig answers 202 and puts the cluster back to Pending until PullBridge "
            + "has connected with it; other changes answer 200. kind and resourceId cannot be changed.")
    @ApiResponse(responseCode = "200", description = "Changed")
    @ApiResponse(responseCode = "202", description = "Changed; PullBridge connects again with the new kubeconfig "
            + "(its cluster.connect job is at Operation-Location)")
    @ApiResponse(responseCode = "400", description = "Invalid fields, all of them listed in errors[]")
    @ApiResponse(responseCode = "403", description = "The caller is not an Admin")
    @ApiResponse(responseCode = "409", description = "The new name is taken")
    ResponseEntity<ClusterResponse> update(@PathVariable UUID id, @RequestBody UpdateClusterRequest request,
                                           @RequestHeader(name = HttpHeaders.IF_MATCH, required = false)
                                           String ifMatch) {
        RequestContext.require(Role.ADMIN, CHANGE_RULE);
        ClusterService.Updated updated = clusters.update(id, request, ifMatch);
        Cluster cluster = updated.cluster();
        return updated.reconnecting()
                ? Responses.accepted(updated.reconnection().location(), cluster.getVersion(), ClusterResponse.of(cluster))
                : Responses.ok(cluster.getVersion(), ClusterResponse.of(cluster));
    }

    // A job may write the row (its status) between this request's read and write: read again and retry.
    @Retryable(includes = OptimisticLockingFailureException.class, maxRetries = 4, delay = 20, jitter = 10)
    @DeleteMapping("/{id}")
    @Operation(operationId = "deleteCluster", summary = "Remove a cluster (Admin)", description = "Refused with 409 while bindings use it; the problem "
            + "document lists them.")
    @ApiResponse(responseCode = "202", description = "Deleting: the resource is Deleting until its delete job "
            + "has removed what PullBridge created; follow Operation-Location")
    @ApiResponse(responseCode = "403", description = "The caller is not an Admin")
    @ApiResponse(responseCode = "409", description = "Still in use")
    ResponseEntity<ClusterResponse> delete(@PathVariable UUID id,
                                @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        RequestContext.require(Role.ADMIN, REMOVE_RULE);
        var deletion = clusters.delete(id, ifMatch);
        return Responses.accepted(deletion.job().location(), deletion.resource().getVersion(),
                ClusterResponse.of(deletion.resource()));
    }
}
