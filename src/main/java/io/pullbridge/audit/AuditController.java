package io.pullbridge.audit;

import io.pullbridge.web.PageQuery;
import io.pullbridge.web.PageResponse;
import io.pullbridge.web.Violations;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.List;
import org.springframework.data.jpa.domain.Specification;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/audit-events")
@Tag(name = "Audit events", description = "Who changed what, when, and how it ended (Admin only)")
class AuditController {

    // A mistyped outcome would otherwise match nothing and look like a clean audit trail.
    private static final List<String> OUTCOMES = List.of(AuditLog.SUCCESS, AuditLog.FAILURE, AuditLog.DENIED);

    private final AuditEventRepository events;

    AuditController(AuditEventRepository events) {
        this.events = events;
    }

    @GetMapping
    @Transactional(readOnly = true)
    @Operation(operationId = "listAuditEvents", summary = "List audit events, oldest first", description = "Filter by actor (token subject), "
            + "resource id, action, outcome (success, failure, denied) and a time range.")
    PageResponse<AuditEventResponse> list(@RequestParam(required = false) String actor,
                                          @RequestParam(required = false) String resourceId,
                                          @RequestParam(required = false) String action,
                                          @RequestParam(required = false) String outcome,
                                          @RequestParam(required = false) Instant since,
                                          @RequestParam(required = false) Instant until,
                                          @RequestParam(required = false) Integer limit,
                                          @RequestParam(required = false) String pageToken) {
        Violations violations = new Violations();
        violations.check(outcome == null || OUTCOMES.contains(outcome), "outcome",
                "must be one of " + String.join(", ", OUTCOMES));
        violations.check(since == null || until == null || since.isBefore(until), "until", "must be after since");
        violations.throwIfAny();
        PageQuery page = PageQuery.of(limit, pageToken);
        Specification<AuditEvent> spec = page.after("occurredAt");
        if (actor != null) {
            spec = spec.and((root, q, cb) -> cb.equal(root.get("actor"), actor));
        }
        if (resourceId != null) {
            spec = spec.and((root, q, cb) -> cb.equal(root.get("resourceId"), resourceId));
        }
        if (action != null) {
            spec = spec.and((root, q, cb) -> cb.equal(root.get("action"), action));
        }
        if (outcome != null) {
            spec = spec.and((root, q, cb) -> cb.equal(root.get("outcome"), outcome));
        }
        if (since != null) {
            spec = spec.and((root, q, cb) -> cb.greaterThanOrEqualTo(root.get("occurredAt"), since));
        }
        if (until != null) {
            spec = spec.and((root, q, cb) -> cb.lessThan(root.get("occurredAt"), until));
        }
        var rows = events.findBy(spec, query -> query.sortBy(PageQuery.order("occurredAt"))
                .limit(page.fetchSize()).all());
        return page.page(rows, AuditEvent::getOccurredAt, AuditEvent::getId, AuditEvent::toResponse);
    }
}
