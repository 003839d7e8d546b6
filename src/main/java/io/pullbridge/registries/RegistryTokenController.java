package io.pullbridge.registries;

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
@RequestMapping("/api/v1/registries/{registryId}/tokens")
@Tag(name = "Registry tokens", description = "Repository-scoped tokens of a registry, usable as pull secrets")
class RegistryTokenController {

    private final RegistryTokenService tokens;
    private final JobService jobs;

    RegistryTokenController(RegistryTokenService tokens, JobService jobs) {
        this.tokens = tokens;
        this.jobs = jobs;
    }

    @PostMapping
    @Operation(operationId = "createRegistryToken", summary = "Create a token", description = "A job (Operation-Location) "
            + "creates the scope map '<name>-scope-map' (shortened with a hash beyond ACR's 50 characters) with the "
            + "repositories and actions, the token on it, and generates the token's password in slot password1, which "
            + "PullBridge stores encrypted: responses show only its slot, expiry and fingerprint. A scope map or token "
            + "of those names already in the registry is taken over.")
    @ApiResponse(responseCode = "202", description = "Accepted; status.phase follows the work in the registry")
    @ApiResponse(responseCode = "400", description = "Invalid name, repositories or lifetime")
    @ApiResponse(responseCode = "403", description = "An action beyond pullbridge.security.operator-token-actions "
            + "(by default content/write, content/delete, metadata/write) without the Admin role; the detail names "
            + "the rule")
    @ApiResponse(responseCode = "404", description = "No such registry")
    @ApiResponse(responseCode = "409", description = "The registry already has a token of that name")
    ResponseEntity<RegistryTokenResponse> create(@PathVariable UUID registryId,
                                                 @RequestBody CreateRegistryTokenRequest request) {
        RegistryToken token = tokens.create(registryId, request);
        return Responses.accepted(location(token), token, tokens.response(token));
    }

    @GetMapping
    @Operation(operationId = "listRegistryTokens", summary = "List a registry's tokens", description = "Filter by name and phase.")
    PageResponse<RegistryTokenResponse> list(@PathVariable UUID registryId,
                                             @Parameter(description = "Exact name, case-insensitive")
                                             @RequestParam(required = false) String name,
                                             @RequestParam(required = false) Phase phase,
                                             @RequestParam(required = false) Integer limit,
                                             @RequestParam(required = false) String pageToken) {
        return tokens.list(registryId, name, phase, PageQuery.of(limit, pageToken));
    }

    @GetMapping("/{tokenId}")
    @Operation(operationId = "getRegistryToken", summary = "Read a token",
            description = "Its repositories and actions, and its credential: slot, expiry and fingerprint, never the password.")
    @ApiResponse(responseCode = "200", description = "The token, with its ETag")
    @ApiResponse(responseCode = "404", description = "No such registry, or no such token in it")
    ResponseEntity<RegistryTokenResponse> get(@PathVariable UUID registryId, @PathVariable UUID tokenId) {
        RegistryToken token = tokens.get(registryId, tokenId);
        return Responses.ok(token.getVersion(), tokens.response(token));
    }

    @PatchMapping("/{tokenId}")
    @Operation(operationId = "updateRegistryToken", summary = "Change a token's repositories or password lifetime", description = "Answers 202 when the "
            + "repositories change: a job (Operation-Location) then puts the scope map again. Otherwise 200; a new "
            + "password lifetime applies to the next password PullBridge generates.")
    @ApiResponse(responseCode = "200", description = "Changed; nothing to do in the registry")
    @ApiResponse(responseCode = "202", description = "Accepted; the scope map will be updated")
    @ApiResponse(responseCode = "400", description = "Invalid or immutable fields")
    @ApiResponse(responseCode = "403", description = "Adding an action beyond "
            + "pullbridge.security.operator-token-actions to a repository without the Admin role")
    ResponseEntity<RegistryTokenResponse> update(@PathVariable UUID registryId, @PathVariable UUID tokenId,
                                                 @RequestHeader(name = HttpHeaders.IF_MATCH, required = false)
                                                 String ifMatch,
                                                 @RequestBody UpdateRegistryTokenRequest request) {
        RegistryTokenService.Updated updated = tokens.update(registryId, tokenId, ifMatch, request);
        RegistryToken token = updated.token();
        return updated.accepted()
                ? Responses.accepted(location(token), updated.job().location(), token.getVersion(),
                        tokens.response(token))
                : Responses.ok(token.getVersion(), tokens.response(token));
    }

    @PostMapping("/{tokenId}:rotate")
    @Operation(operationId = "rotateRegistryToken", summary = "Rotate a token's password", description = "A job "
            + "(Operation-Location) generates a new password in the token's other slot (password2 after password1, "
            + "then password1 again) and makes it current, tells whatever uses the token (pull secrets) to switch, "
            + "waits until none holds the previous password (at most pullbridge.registries.token-rotation."
            + "switch-timeout), then retires the previous password by generating it again and discarding it, so it "
            + "no longer works. Asked while an earlier rotation still waits or gave up waiting, it waits again "
            + "without generating another password.")
    @ApiResponse(responseCode = "202", description = "Accepted; the body is the rotation job (also at "
            + "Operation-Location). The token's credential.retiringSlot names the previous password while it still works")
    @ApiResponse(responseCode = "404", description = "No such registry, or no such token in it")
    @ApiResponse(responseCode = "409", description = "The token has no password yet, or is being deleted")
    ResponseEntity<JobResponse> rotate(@PathVariable UUID registryId, @PathVariable UUID tokenId,
                                       @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        return jobs.accepted(tokens.rotate(registryId, tokenId, ifMatch).job());
    }

    // A job may write the row (its status) between this request's read and write: read again and retry.
    @Retryable(includes = OptimisticLockingFailureException.class, maxRetries = 4, delay = 20, jitter = 10)
    @DeleteMapping("/{tokenId}")
    @Operation(operationId = "deleteRegistryToken", summary = "Remove a token", description = "Refused with 409 while bindings use it; the problem "
            + "document lists them. The delete job removes the token, then its scope map, from the registry "
            + "(already gone is fine), then the record.")
    @ApiResponse(responseCode = "202", description = "Deleting: the resource is Deleting until its delete job "
            + "has removed what PullBridge created; follow Operation-Location")
    @ApiResponse(responseCode = "409", description = "Still in use")
    ResponseEntity<RegistryTokenResponse> delete(@PathVariable UUID registryId, @PathVariable UUID tokenId,
                                @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        var deletion = tokens.delete(registryId, tokenId, ifMatch);
        return Responses.accepted(deletion.job().location(), deletion.resource().getVersion(),
                tokens.response(deletion.resource()));
    }

    private static URI location(RegistryToken token) {
        return URI.create("/api/v1/registries/" + token.getRegistryId() + "/tokens/" + token.getId());
    }
}
