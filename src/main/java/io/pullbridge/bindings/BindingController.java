package io.pullbridge.bindings;

import io.pullbridge.common.Phase;
import io.pullbridge.jobs.JobRef;
import io.pullbridge.jobs.JobResponse;
import io.pullbridge.jobs.JobService;
import io.pullbridge.web.PageQuery;
import io.pullbridge.web.PageResponse;
import io.pullbridge.web.Responses;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.UUID;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.http.HttpHeaders;
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
@RequestMapping("/api/v1/bindings")
@Tag(name = "Bindings", description = "Cluster C may pull from registry R, by kubelet identity, pull secret or "
        + "connected registry")
class BindingController {

    private final BindingService bindings;
    private final JobService jobs;

    BindingController(BindingService bindings, JobService jobs) {
        this.jobs = jobs;
        this.bindings = bindings;
    }

    @PostMapping
    @Operation(operationId = "createBinding", summary = "Bind a cluster to a registry",
            description = "One method per binding: kubelet-identity (AKS), pull-secret (a service principal's or a "
                    + "registry token's password in a dockerconfigjson secret), or connected-registry (Arc). Its "
                    + "apply job (Operation-Location) does the work; status.phase follows it.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = CreateBindingRequest.class),
                    examples = {
                            @ExampleObject(name = "kubelet-identity", value = """
                                    {"registryId": "3f0c2b1e-0000-4000-8000-000000000001",
                                     "clusterId": "3f0c2b1e-0000-4000-8000-000000000002", "method": "kubelet-identity"}"""),
                            @ExampleObject(name = "pull-secret", value = """
                                    {"registryId": "3f0c2b1e-0000-4000-8000-000000000001",
                                     "clusterId": "3f0c2b1e-0000-4000-8000-000000000003", "method": "pull-secret",
                                     "pullSecret": {"credential": {"servicePrincipalId": "3f0c2b1e-0000-4000-8000-000000000004"},
                                                    "secretName": "acr-secret", "namespaces": ["team-a"],
                                                    "namespaceSelector": "team=a", "excludeNamespaces": ["kube-system"],
                                                    "serviceAccounts": ["default"]}}"""),
                            @ExampleObject(name = "connected-registry", value = """
                                    {"registryId": "3f0c2b1e-0000-4000-8000-000000000001",
                                     "clusterId": "3f0c2b1e-0000-4000-8000-000000000005", "method": "connected-registry",
                                     "connectedRegistry": {"name": "edge1cr", "mode": "ReadOnly",
                                                           "repositories": ["hello-world"], "clusterIP": "10.0.0.50",
                                                           "syncSchedule": "0 0 * * *", "syncWindow": "PT24H",
                                                           "secretName": "regcred", "namespaces": ["default"]}}""")})))
    @ApiResponse(responseCode = "202", description = "Accepted; status.phase follows the work")
    @ApiResponse(responseCode = "400", description = "Invalid spec")
    @ApiResponse(responseCode = "409", description = "Another binding already does this")
    @ApiResponse(responseCode = "422", description = "Unknown registry, cluster or credential, or one that does "
            + "not fit the method (e.g. clusterIP outside the service CIDR)")
    ResponseEntity<BindingResponse> create(@RequestBody CreateBindingRequest request) {
        Binding binding = bindings.create(request);
        return accepted(binding);
    }

    @GetMapping
    @Operation(operationId = "listBindings", summary = "List bindings", description = "Filter by registry, cluster, method, credential and phase.")
    PageResponse<BindingResponse> list(@RequestParam(required = false) UUID registryId,
                                       @RequestParam(required = false) UUID clusterId,
                                       @RequestParam(required = false) BindingMethod method,
                                       @RequestParam(required = false) UUID servicePrincipalId,
                                       @RequestParam(required = false) UUID tokenId,
                                       @RequestParam(required = false) Phase phase,
                                       @RequestParam(required = false) Integer limit,
                                       @RequestParam(required = false) String pageToken) {
        return bindings.list(registryId, clusterId, method, servicePrincipalId, tokenId, phase,
                PageQuery.of(limit, pageToken));
    }

    @GetMapping("/{id}")
    @Operation(operationId = "getBinding", summary = "Read a binding",
            description = "Its spec, and its status: phase, conditions (Verified among them), the namespaces its secrets "
                    + "reached and its latest job.")
    @ApiResponse(responseCode = "200", description = "The binding, with its ETag")
    @ApiResponse(responseCode = "404", description = "No such binding")
    ResponseEntity<BindingResponse> get(@PathVariable UUID id) {
        Binding binding = bindings.get(id);
        return Responses.ok(binding.getVersion(), BindingResponse.of(binding));
    }

    @PatchMapping("/{id}")
    @Operation(operationId = "updateBinding", summary = "Change a binding's targets", description = "Send only the fields to change. An empty "
            + "namespaceSelector or syncWindow clears it.")
    @ApiResponse(responseCode = "202", description = "Accepted; the binding goes back to Pending")
    ResponseEntity<BindingResponse> update(@PathVariable UUID id, @RequestBody UpdateBindingRequest request,
                                           @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        Binding binding = bindings.update(id, request, ifMatch);
        return accepted(binding);
    }

    // A job may write the row (its status) between this request's read and write: read again and retry.
    @Retryable(includes = OptimisticLockingFailureException.class, maxRetries = 4, delay = 20, jitter = 10)
    @DeleteMapping("/{id}")
    @Operation(operationId = "deleteBinding", summary = "Remove a binding", description = "The delete job removes what the "
            + "binding made (its pull secrets and only its ServiceAccount entries, the role assignments PullBridge "
            + "created, a connected registry and its extension), then the record.")
    @ApiResponse(responseCode = "202", description = "Deleting: the resource is Deleting until its delete job "
            + "has removed what PullBridge created; follow Operation-Location")
    ResponseEntity<BindingResponse> delete(@PathVariable UUID id,
                                @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        var deletion = bindings.delete(id, ifMatch);
        return Responses.accepted(deletion.job().location(), deletion.resource().getVersion(),
                BindingResponse.of(deletion.resource()));
    }

    @PostMapping(path = "/{id}:verify", produces = "application/json")
    @Operation(operationId = "verifyBinding", summary = "Prove that a binding's access is effective",
            description = "A job checks, without changing anything, that the cluster can pull. For a pull-secret "
                    + "binding it reads the secret back from the cluster (pullbridge.bindings.verify-sample "
                    + "namespaces, 0 for all), decodes it and performs the registry's Docker v2 handshake with it "
                    + "(GET /v2/, the Bearer realm's token with scope repository:<repo>:pull or Basic, then HEAD "
                    + "of the named image's manifest). The credentials go only to the registry's own login server "
                    + "or a token realm on pullbridge.bindings.token-realm-hosts (by default the cloud's registry "
                    + "domain), to addresses the cluster host policy accepts, never through a proxy or after a "
                    + "redirect; a realm elsewhere fails the check (REALM_NOT_ALLOWED) with no credential sent. "
                    + "For a kubelet-identity binding it checks that the role "
                    + "assignment exists, names the cluster's current kubelet identity, and has the role the "
                    + "registry needs at the registry's scope. The outcome is the job's, and the binding's "
                    + "Verified condition.")
    @ApiResponse(responseCode = "202", description = "Accepted; the body is the verification job")
    @ApiResponse(responseCode = "400", description = "An invalid image reference, or one for a kubelet-identity binding")
    @ApiResponse(responseCode = "404", description = "No such binding")
    @ApiResponse(responseCode = "409", description = "The binding is being deleted, or its method cannot be "
            + "verified yet")
    ResponseEntity<JobResponse> verify(@PathVariable UUID id,
                                       @RequestBody(required = false) VerifyBindingRequest request) {
        JobRef job = bindings.verify(id, request);
        return jobs.accepted(job);
    }

    @PostMapping(path = "/{id}:rotate", produces = "application/json")
    @Operation(operationId = "rotateBinding", summary = "Rotate a connected-registry binding's token passwords",
            description = "A job rotates the connected registry's sync token: a new password in the token's other "
                    + "slot, given to the Arc extension in a new connection string (protected settings), and once the "
                    + "extension has taken it the previous password is retired. Then the client token: a new password "
                    + "in its other slot, written to every pull secret, then the previous one retired. ACR cannot "
                    + "remove one password of a token, so retiring generates the old slot again and discards the value "
                    + "unread: it never works again. A rotation that stopped part way resumes without generating again "
                    + "what it already made. Pull-secret and kubelet-identity bindings have no credential of their own: "
                    + "rotate their service principal or registry token instead.")
    @ApiResponse(responseCode = "202", description = "Accepted; the body is the rotation job")
    @ApiResponse(responseCode = "404", description = "No such binding")
    @ApiResponse(responseCode = "409", description = "Not a connected-registry binding, or being deleted")
    ResponseEntity<JobResponse> rotate(@PathVariable UUID id) {
        JobRef job = bindings.rotate(id);
        return jobs.accepted(job);
    }

    /** A create or an update: every one enqueues the binding's apply job. */
    private static ResponseEntity<BindingResponse> accepted(Binding binding) {
        return Responses.accepted(URI.create("/api/v1/bindings/" + binding.getId()), binding,
                BindingResponse.of(binding));
    }
}
