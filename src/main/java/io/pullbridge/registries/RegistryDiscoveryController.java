package io.pullbridge.registries;

import io.pullbridge.jobs.JobRef;
import io.pullbridge.jobs.JobResponse;
import io.pullbridge.jobs.JobService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /api/v1/registries:discover}: a custom method on the collection, as Azure and Google APIs write them. */
@RestController
@Tag(name = "Registries")
class RegistryDiscoveryController {

    private final RegistryService registries;
    private final JobService jobs;

    RegistryDiscoveryController(RegistryService registries, JobService jobs) {
        this.registries = registries;
        this.jobs = jobs;
    }

    @PostMapping(path = "/api/v1/registries:discover", produces = "application/json")
    @Operation(operationId = "discoverRegistries", summary = "Discover and register a subscription's registries",
            description = "A job lists the registries of the subscription (or of one resource group) in Azure and "
                    + "registers those PullBridge does not know yet, with what Azure says about them. Follow the job.")
    @ApiResponse(responseCode = "202", description = "Accepted; the body is the job")
    @ApiResponse(responseCode = "400", description = "No subscription, or an invalid resource group")
    ResponseEntity<JobResponse> discover(@RequestBody DiscoverRegistriesRequest request) {
        JobRef job = registries.discover(request);
        return jobs.accepted(job);
    }
}
