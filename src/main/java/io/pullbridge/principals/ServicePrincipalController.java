package io.pullbridge.principals;

import io.pullbridge.common.Phase;
import io.pullbridge.web.PageRequest;
import io.pullbridge.web.PageResponse;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
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

import static io.pullbridge.web.ETags.of;

@RestController
@RequestMapping("/api/v1/service-principals")
@Tag(name = "Service principals", description = "Entra service principals whose passwords back pull secrets, "
        + "with their roles on registries")
class ServicePrincipalController {

    private static final String COLLECTION = "/api/v1/service-principals/";

    private final ServicePrincipalService principals;

    ServicePrincipalController(ServicePrincipalService principals) {
        this.principals = principals;
    }

    @PostMapping
    @Operation(operationId = "createServicePrincipal", summary = "Create or adopt a service principal", description = "Mode create: PullBridge creates the "
            + "application, the service principal and a password with the requested lifetime, then grants the roles. "
            + "Mode adopt: an existing principal, whose password you supply (write-only), gets the roles.")
    @ApiResponse(responseCode = "202", description = "Accepted; status.phase follows the work in Azure")
    @ApiResponse(responseCode = "400", description = "Invalid fields, or fields of the other mode")
    @ApiResponse(responseCode = "409", description = "The display name (mode create) or appId (mode adopt) is taken")
    @ApiResponse(responseCode = "422", description = "A grant names a registry PullBridge does not know")
    ResponseEntity<ServicePrincipalResponse> create(@RequestBody CreateServicePrincipalRequest request) {
        ServicePrincipal principal = principals.create(request);
        return ResponseEntity.accepted()
                .location(URI.create(COLLECTION + principal.getId()))
                .eTag(of(principal.getVersion()))
                .body(ServicePrincipalResponse.of(principal));
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
        return principals.list(mode, displayName, appId, registryId, phase, PageRequest.of(limit, pageToken));
    }

    @GetMapping("/{id}")
    @Operation(operationId = "getServicePrincipal", summary = "Read a service principal")
    @ApiResponse(responseCode = "404", description = "No such service principal")
    ResponseEntity<ServicePrincipalResponse> get(@PathVariable UUID id) {
        ServicePrincipal principal = principals.get(id);
        return ResponseEntity.ok().eTag(of(principal.getVersion())).body(ServicePrincipalResponse.of(principal));
    }

    @PatchMapping("/{id}")
    @Operation(operationId = "updateServicePrincipal", summary = "Change a service principal's grants or password lifetime", description = "Answers 202 "
            + "when the grants change (PullBridge then assigns and revokes roles in Azure), 200 otherwise. The "
            + "password is replaced with POST /api/v1/service-principals/{id}:rotate, not here.")
    @ApiResponse(responseCode = "200", description = "Changed; nothing to do in Azure")
    @ApiResponse(responseCode = "202", description = "Accepted; the grants will be applied in Azure")
    @ApiResponse(responseCode = "400", description = "Invalid or immutable fields")
    @ApiResponse(responseCode = "412", description = "If-Match does not match the current ETag")
    @ApiResponse(responseCode = "422", description = "A grant names a registry PullBridge does not know")
    ResponseEntity<ServicePrincipalResponse> update(@PathVariable UUID id,
                                                    @RequestHeader(name = HttpHeaders.IF_MATCH, required = false)
                                                    String ifMatch,
                                                    @RequestBody UpdateServicePrincipalRequest request) {
        ServicePrincipalService.Updated updated = principals.update(id, ifMatch, request);
        ServicePrincipal principal = updated.principal();
        ResponseEntity.BodyBuilder response = updated.accepted()
                ? ResponseEntity.accepted().location(URI.create(COLLECTION + principal.getId()))
                : ResponseEntity.ok();
        return response.eTag(of(principal.getVersion())).body(ServicePrincipalResponse.of(principal));
    }

    @DeleteMapping("/{id}")
    @Operation(operationId = "deleteServicePrincipal", summary = "Remove a service principal", description = "Refused with 409 while bindings use it; "
            + "the problem document lists them.")
    @ApiResponse(responseCode = "202", description = "Deleting: the resource is Deleting until its delete job "
            + "has removed what PullBridge created; follow Operation-Location")
    @ApiResponse(responseCode = "409", description = "Still in use")
    @ApiResponse(responseCode = "412", description = "If-Match does not match the current ETag")
    ResponseEntity<ServicePrincipalResponse> delete(@PathVariable UUID id,
                                @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        var deletion = principals.delete(id, ifMatch);
        return ResponseEntity.accepted()
                .header("Operation-Location", deletion.job().location())
                .eTag(of(deletion.resource().getVersion()))
                .body(ServicePrincipalResponse.of(deletion.resource()));
    }
}
