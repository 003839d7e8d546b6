package io.pullbridge.jobs;

import io.pullbridge.web.ApiException;
import io.pullbridge.web.PageQuery;
import io.pullbridge.web.PageResponse;
import io.swagger.v3.oas.annotations.Operation;
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

import static io.pullbridge.web.ETags.of;

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
    @Operation(operationId = "listJobs", summary = "List jobs, oldest first", description = "Filter by state, type, target and creation time.")
    PageResponse<JobResponse> list(@RequestParam(required = false) JobState state,
                                   @RequestParam(required = false) String type,
                                   @RequestParam(required = false) UUID targetId,
                                   @RequestParam(required = false) Instant since,
                                   @RequestParam(required = false) Integer limit,
                                   @RequestParam(required = false) String pageToken) {
        PageQuery page = PageQuery.of(limit, pageToken);
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
        if (since != null) {
            spec = spec.and((root, q, cb) -> cb.greaterThanOrEqualTo(root.get("createdAt"), since));
        }
        List<Job> rows = jobs.findBy(spec, query -> query.sortBy(PageQuery.order("createdAt"))
                .limit(page.fetchSize()).all());
        return page.page(rows, Job::getCreatedAt, Job::getId, Job::toResponse);
    }

    @GetMapping("/{id}")
    @Transactional(readOnly = true)
    @Operation(operationId = "getJob", summary = "Read a job")
    @ApiResponse(responseCode = "404", description = "No such job")
    ResponseEntity<JobResponse> get(@PathVariable UUID id) {
        Job job = jobs.findById(id).orElseThrow(() -> ApiException.notFound("job", id));
        return ResponseEntity.ok().eTag(of(job.getVersion())).body(job.toResponse());
    }

    @PostMapping("/{id}:cancel")
    @Operation(operationId = "cancelJob", summary = "Cancel a job", description = "A queued job is cancelled at once (200). A running job is "
            + "cancelled when its handler reaches its next step (202, cancelRequested=true); steps already done stay done.")
    @ApiResponse(responseCode = "409", description = "The job has already ended")
    ResponseEntity<JobResponse> cancel(@PathVariable UUID id) {
        service.cancel(id);
        JobResponse job = read(id);
        return (job.state() == JobState.CANCELLED ? ResponseEntity.ok() : ResponseEntity.accepted()).body(job);
    }

    @PostMapping("/{id}:retry")
    @Operation(operationId = "retryJob", summary = "Retry a failed or cancelled job", description = "The job is queued again with a fresh "
            + "retry budget; its steps run again from the start (they are idempotent).")
    @ApiResponse(responseCode = "409", description = "The job is not failed or cancelled")
    ResponseEntity<JobResponse> retry(@PathVariable UUID id) {
        service.retry(id);
        return ResponseEntity.accepted().body(read(id));
    }

    private JobResponse read(UUID id) {
        return jobs.findById(id).map(Job::toResponse).orElseThrow(() -> ApiException.notFound("job", id));
    }
}
