package io.pullbridge.jobs;

import io.pullbridge.web.ApiException;
import io.pullbridge.web.PageQuery;
import io.pullbridge.web.PageResponse;
import io.pullbridge.web.RequestContext;
import io.pullbridge.web.Responses;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.data.jpa.domain.Specification;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/jobs")
@Tag(name = "Jobs", description = "The work PullBridge does in Azure and in clusters, step by step")
class JobController {

    private final JobRepository jobs;
    private final JobService service;

    JobController(JobRepository jobs, JobService service) {
        this.jobs = jobs;
        this.service = service;
    }

    @GetMapping
    @Transactional(readOnly = true)
    @Operation(operationId = "listJobs", summary = "List jobs, oldest or newest first", description = "Filter by state, type, target, "
            + "creation time and correlationId (the X-Correlation-Id, such as a ticket number, of the request that enqueued them); "
            + "order=desc lists the latest first.")
    PageResponse<JobResponse> list(@RequestParam(required = false) JobState state,
                                   @RequestParam(required = false) String type,
                                   @RequestParam(required = false) UUID targetId,
                                   @RequestParam(required = false) Instant since,
                                   @RequestParam(required = false) String correlationId,
                                   @RequestParam(required = false) Integer limit,
                                   @Parameter(description = PageQuery.ORDER_DESCRIPTION,
                                           schema = @Schema(allowableValues = {"asc", "desc"}))
                                   @RequestParam(required = false) String order,
                                   @RequestParam(required = false) String pageToken) {
        if (correlationId != null && !RequestContext.isCorrelationId(correlationId)) {
            throw ApiException.invalid("correlationId", RequestContext.CORRELATION_ID_RULE);
        }
        PageQuery page = PageQuery.of(limit, pageToken, order);
        Specification<Job> spec = page.after("createdAt");
        if (state != null) {
            spec = spec.and((root, q, cb) -> cb.equal(root.get("state"), state));
        }
        if (type != null) {
            spec = spec.and((root, q, cb) -> cb.equal(root.get("type"), type));
        }
        if (targetId != null) {
            spec = spec.and((root, q, cb) -> cb.equal(root.get("targetId"), targetId));
        }
        if (correlationId != null) {
            spec = spec.and((root, q, cb) -> cb.equal(root.get("correlationId"), correlationId));
        }
        if (since != null) {
            spec = spec.and((root, q, cb) -> cb.greaterThanOrEqualTo(root.get("createdAt"), since));
        }
        List<Job> rows = jobs.findBy(spec, query -> query.sortBy(page.sort("createdAt"))
                .limit(page.fetchSize()).all());
        return page.page(rows, Job::getCreatedAt, Job::getId, Job::toResponse);
    }

    @GetMapping("/{id}")
    @Transactional(readOnly = true)
    @Operation(operationId = "getJob", summary = "Read a job", description = "Its state, attempts, steps with their "
            + "times and details, and its last error as a problem document.")
    @ApiResponse(responseCode = "200", description = "The job, with its ETag")
    @ApiResponse(responseCode = "404", description = "No such job")
    ResponseEntity<JobResponse> get(@PathVariable UUID id) {
        Job job = jobs.findById(id).orElseThrow(() -> ApiException.notFound("job", id));
        return Responses.ok(job.getVersion(), job.toResponse());
    }

    @PostMapping("/{id}:cancel")
    @Operation(operationId = "cancelJob", summary = "Cancel a job", description = "A queued job is cancelled at once "
            + "(state cancelled in the answer). A running job is cancelled when its handler reaches its next step "
            + "(cancelRequested true in the answer); steps already done stay done.")
    @ApiResponse(responseCode = "202", description = "Accepted; the body is the job (also at Operation-Location)")
    @ApiResponse(responseCode = "404", description = "No such job")
    @ApiResponse(responseCode = "409", description = "The job has already ended")
    ResponseEntity<JobResponse> cancel(@PathVariable UUID id) {
        service.cancel(id);
        return service.accepted(new JobRef(id, false));
    }

    @PostMapping("/{id}:retry")
    @Operation(operationId = "retryJob", summary = "Retry a failed or cancelled job", description = "The job is queued again with a fresh "
            + "retry budget; its steps run again from the start (they are idempotent).")
    @ApiResponse(responseCode = "202", description = "Accepted; the body is the job (also at Operation-Location)")
    @ApiResponse(responseCode = "404", description = "No such job")
    @ApiResponse(responseCode = "409", description = "The job is not failed or cancelled")
    ResponseEntity<JobResponse> retry(@PathVariable UUID id) {
        service.retry(id);
        return service.accepted(new JobRef(id, false));
    }
}
