package io.pullbridge.masterkey;

import io.pullbridge.jobs.JobResponse;
import io.pullbridge.jobs.JobService;
import io.pullbridge.web.RequestContext;
import io.pullbridge.web.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/admin/master-key}: where the stored secrets stand, and {@code :reencrypt}, the custom method that
 * moves them all under the current master key. Admin only: it says which keys the database still needs.
 */
@RestController
@Tag(name = "Administration", description = "The master key that encrypts stored secrets (Admin)")
class MasterKeyController {

    static final String READ_RULE = "reading the master key's status is reserved to Admin";
    static final String REENCRYPT_RULE = "re-encrypting the stored secrets is reserved to Admin";

    private final MasterKeyService service;
    private final JobService jobs;

    MasterKeyController(MasterKeyService service, JobService jobs) {
        this.service = service;
        this.jobs = jobs;
    }

    @GetMapping(path = "/api/v1/admin/master-key", produces = "application/json")
    @Operation(operationId = "getMasterKeyStatus", summary = "Which master keys the stored secrets need (Admin)",
            description = "The current key, the keys configured, how many secrets of each kind are encrypted under "
                    + "each key, and the keys the database still needs: a previous key may be dropped from the "
                    + "configuration once it is not among keysStillNeeded.")
    @ApiResponse(responseCode = "200", description = "The status")
    @ApiResponse(responseCode = "403", description = "The caller is not an Admin")
    MasterKeyStatus status() {
        RequestContext.require(Role.ADMIN, READ_RULE);
        return service.status();
    }

    @PostMapping(path = "/api/v1/admin/master-key:reencrypt", produces = "application/json")
    @Operation(operationId = "reencryptSecrets", summary = "Re-encrypt every stored secret under the current master "
            + "key (Admin)", description = "A job re-encrypts, in batches, every stored secret that is under another "
            + "key (service principal and registry token passwords, cluster kubeconfigs, connected-registry client "
            + "token passwords, the fingerprint key), keeping each bound to its row, and then retires the other keys' "
            + "canaries, so those keys can be dropped. Its steps count what it moved, per kind. Fingerprints do not "
            + "change. Asking again is harmless: what is already under the current key is left alone. Every replica "
            + "must have the new key as its master key first: the job refuses to run on one that has another.")
    @ApiResponse(responseCode = "202", description = "Accepted; the body is the job (also at Operation-Location)")
    @ApiResponse(responseCode = "403", description = "The caller is not an Admin")
    ResponseEntity<JobResponse> reencrypt() {
        RequestContext.require(Role.ADMIN, REENCRYPT_RULE);
        return jobs.accepted(service.reencrypt());
    }
}
