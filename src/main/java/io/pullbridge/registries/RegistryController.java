package io.pullbridge.registries;

import io.pullbridge.common.Phase;
import io.pullbridge.web.PageQuery;
import io.pullbridge.web.PageResponse;
import io.pullbridge.web.Responses;
import io.swagger.v3.oas.annotations.Operation;
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
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/registries")
@Tag(name = "Registries", description = "Azure Container Registries that clusters may be given pull access to")
class RegistryController {

    private final RegistryService registries;

    RegistryController(RegistryService registries) {
        this.registries = registries;
    }

    @PostMapping
    @Operation(operationId = "createRegistry", summary = "Register a registry", description = "Parses and checks the ARM resource id and derives "
            + "the name, subscription, resource group and login server. A job (Operation-Location) then reads the "
            + "registry from Azure and records its login server, SKU, location and ABAC mode in status.")
    @ApiResponse(responseCode = "202", description = "Registered; status.phase follows the verification")
    @ApiResponse(responseCode = "400", description = "Invalid resource id or tenant")
    @ApiResponse(responseCode = "409", description = "The registry is already registered")
    ResponseEntity<RegistryResponse> create(@RequestBody CreateRegistryRequest request) {
        Registry registry = registries.create(request);
        return Responses.accepted(URI.create("/api/v1/registries/" + registry.getId()), registry,
                RegistryResponse.of(registry));
    }

    @GetMapping
    @Operation(operationId = "listRegistries", summary = "List registries", description = "Filter by name, subscription, resource group and phase.")
    PageResponse<RegistryResponse> list(@RequestParam(required = false) String name,
                                        @RequestParam(required = false) UUID subscriptionId,
                                        @RequestParam(required = false) String resourceGroup,
                                        @RequestParam(required = false) Phase phase,
                                        @RequestParam(required = false) Integer limit,
                                        @RequestParam(required = false) String pageToken) {
        return registries.list(name, subscriptionId, resourceGroup, phase, PageQuery.of(limit, pageToken));
    }

    @GetMapping("/{id}")
    @Operation(operationId = "getRegistry", summary = "Read a registry",
            description = "What Azure says about it (login server, subscription, resource group), and its status.")
    @ApiResponse(responseCode = "200", description = "The registry, with its ETag")
    @ApiResponse(responseCode = "404", description = "No such registry")
    ResponseEntity<RegistryResponse> get(@PathVariable UUID id) {
        Registry registry = registries.get(id);
        return Responses.ok(registry.getVersion(), RegistryResponse.of(registry));
    }

    // A job may write the row (its status) between this request's read and write: read again and retry.
    @Retryable(includes = OptimisticLockingFailureException.class, maxRetries = 4, delay = 20, jitter = 10)
    @DeleteMapping("/{id}")
    @Operation(operationId = "deleteRegistry", summary = "Remove a registry", description = "Refused with 409 while tokens, service principal "
            + "grants or bindings use it; the problem document lists them.")
    @ApiResponse(responseCode = "202", description = "Deleting: the resource is Deleting until its delete job "
            + "has removed what PullBridge created; follow Operation-Location")
    @ApiResponse(responseCode = "409", description = "Still in use")
    ResponseEntity<RegistryResponse> delete(@PathVariable UUID id,
                                @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        var deletion = registries.delete(id, ifMatch);
        return Responses.accepted(deletion.job().location(), deletion.resource().getVersion(),
                RegistryResponse.of(deletion.resource()));
    }
}
