package io.pullbridge.principals;

import io.pullbridge.common.Phase;
import io.pullbridge.jobs.JobResponse;
import io.pullbridge.jobs.JobService;
import io.pullbridge.web.PageQuery;
import io.pullbridge.web.PageResponse;
import io.pullbridge.web.Responses;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
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
@RequestMapping("/api/v1/service-principals")
@Tag(name = "Service principals", description = "Entra service principals whose passwords back pull secrets, "
        + "with their roles on registries")
class ServicePrincipalController {

    private static final String COLLECTION = "/api/v1/service-principals/";

    private final ServicePrincipalService principals;
    private final JobService jobs;

    ServicePrincipalController(ServicePrincipalService principals, JobService jobs) {
        this.principals = principals;
        this.jobs = jobs;
    }

    @PostMapping
    @Operation(operationId = "createServicePrincipal", summary = "Create or adopt a service principal", description = "Mode create: a job "
            + "(Operation-Location) refuses a display name the tenant already has, creates the application, the "
            + "service principal and a password with the requested lifetime, then assigns the grants' roles at the "
            + "registries. Mode adopt (Admin only): a job looks the principal up by appId or objectId, signs in as it "
            + "with the password you supply (write-only), and only then assigns the roles; a password Entra ID refuses "
            + "fails the job with service-principal-password-rejected. Granting acrpush or owner is Admin's unless "
            + "pullbridge.security.operator-grantable-roles lets Operators.")
    @ApiResponse(responseCode = "202", description = "Accepted; status.phase follows the job")
    @ApiResponse(responseCode = "400", description = "Invalid fields, or fields of the other mode")
    @ApiResponse(responseCode = "403", description = "Adopting, or granting a role beyond "
            + "pullbridge.security.operator-grantable-roles, without the Admin role; the detail names the rule")
    @ApiResponse(responseCode = "409", description = "The display name (mode create) or appId/objectId (mode adopt) "
            + "is taken")
    @ApiResponse(responseCode = "422", description = "A grant names a registry PullBridge does not know")
    ResponseEntity<ServicePrincipalResponse> create(@RequestBody CreateServicePrincipalRequest request) {
        ServicePrincipal principal = principals.create(request);
        return Responses.accepted(URI.create(COLLECTION + principal.getId()), principal,
                principals.response(principal));
    }

    @GetMapping
    @Operation(operationId = "listServicePrincipals", summary = "List service principals", description = "Filter by mode, display name, appId, a registry "
            + "the principal holds a role on, and phase.")
    PageResponse<ServicePrincipalResponse> list(
            @Parameter(description = "create or adopt") @RequestParam(required = false) String mode,
            @Parameter(description = "Exact display name, case-insensitive") @RequestParam(required = false)
            String displayName,
            @RequestParam(required = false) UUID appId,
            @Parameter(description = "Only principals holding a role on this registry") @RequestParam(required = false)
            UUID registryId,
            @RequestParam(required = false) Phase phase,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String pageToken) {
        return principals.list(mode, displayName, appId, registryId, phase, PageQuery.of(limit, pageToken));
    }

    @GetMapping("/{id}")
    @Operation(operationId = "getServicePrincipal", summary = "Read a service principal",
            description = "Its ids, grants with their status, and its credential: set, expiry and fingerprint, never the "
                    + "password.")
    @ApiResponse(responseCode = "200", description = "The service principal, with its ETag")
    @ApiResponse(responseCode = "404", description = "No such service principal")
    ResponseEntity<ServicePrincipalResponse> get(@PathVariable UUID id) {
        ServicePrincipal principal = principals.get(id);
        return Responses.ok(principal.getVersion(), principals.response(principal));
    }

    @PatchMapping("/{id}")
    @Operation(operationId = "updateServicePrincipal", summary = "Change a service principal's grants or password lifetime", description = "Answers 202 "
            + "when the grants change: a job (Operation-Location) assigns the new roles and removes the assignments "
            + "PullBridge made for grants no longer wanted (they show under revokingGrants until then); 200 otherwise. "
            + "The password is replaced with POST /api/v1/service-principals/{id}:rotate, not here.")
    @ApiResponse(responseCode = "200", description = "Changed; nothing to do in Azure")
    @ApiResponse(responseCode = "202", description = "Accepted; the grants will be applied in Azure")
    @ApiResponse(responseCode = "400", description = "Invalid or immutable fields")
    @ApiResponse(responseCode = "403", description = "Adding a grant of a role beyond "
            + "pullbridge.security.operator-grantable-roles without the Admin role; the detail names the rule")
    @ApiResponse(responseCode = "422", description = "A grant names a registry PullBridge does not know")
    ResponseEntity<ServicePrincipalResponse> update(@PathVariable UUID id,
                                                    @RequestHeader(name = HttpHeaders.IF_MATCH, required = false)
                                                    String ifMatch,
                                                    @RequestBody UpdateServicePrincipalRequest request) {
        ServicePrincipalService.Updated updated = principals.update(id, ifMatch, request);
        ServicePrincipal principal = updated.principal();
        return updated.accepted()
                ? Responses.accepted(URI.create(COLLECTION + principal.getId()), updated.job().location(),
                        principal.getVersion(), principals.response(principal))
                : Responses.ok(principal.getVersion(), principals.response(principal));
    }

    @PostMapping("/{id}:rotate")
    @Operation(operationId = "rotateServicePrincipal", summary = "Rotate a service principal's password",
            description = "A job (Operation-Location) replaces the password without a moment where pulls fail: a "
                    + "principal PullBridge created gets a new password in Entra ID (send no body); an adopted "
                    + "principal's new password, which you added in Entra ID, is given in the body and shows under "
                    + "credential.pending until the job has signed in with it (a password Entra ID refuses is dropped "
                    + "and the job fails with service-principal-password-rejected). The new password "
                    + "becomes current for everything that writes it (pull secrets); the job waits until every "
                    + "user holds it (up to pullbridge.principals.rotation.switch-timeout), then removes the old password "
                    + "from the application. PullBridge cannot remove an adopted principal's old password: the job "
                    + "says its owner must.")
    @ApiResponse(responseCode = "202", description = "Accepted; the body is the rotation job (also at "
            + "Operation-Location). The principal's credential.pending shows an adopted principal's new password until "
            + "the job signed in with it, then credential.previous the one being replaced until the job removed it")
    @ApiResponse(responseCode = "400", description = "A password for a principal PullBridge created, none for an "
            + "adopted one, or the current one again")
    @ApiResponse(responseCode = "404", description = "No such service principal")
    @ApiResponse(responseCode = "409", description = "Being deleted, or no password to rotate yet (an adopted "
            + "principal whose adopt job has not succeeded)")
    ResponseEntity<JobResponse> rotate(@PathVariable UUID id,
                                       @RequestBody(required = false) RotateServicePrincipalRequest request) {
        return jobs.accepted(principals.rotate(id, request).job());
    }

    // A job may write the row (its status) between this request's read and write: read again and retry.
    @Retryable(includes = OptimisticLockingFailureException.class, maxRetries = 4, delay = 20, jitter = 10)
    @DeleteMapping("/{id}")
    @Operation(operationId = "deleteServicePrincipal", summary = "Remove a service principal", description = "Refused with 409 while bindings use it; "
            + "the problem document lists them.")
    @ApiResponse(responseCode = "202", description = "Deleting: the resource is Deleting until its delete job "
            + "has removed what PullBridge created; follow Operation-Location")
    @ApiResponse(responseCode = "409", description = "Still in use")
    ResponseEntity<ServicePrincipalResponse> delete(@PathVariable UUID id,
                                @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        var deletion = principals.delete(id, ifMatch);
        return Responses.accepted(deletion.job().location(), deletion.resource().getVersion(),
                principals.response(deletion.resource()));
    }
}
