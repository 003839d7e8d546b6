package io.pullbridge.audit;

import io.pullbridge.web.RequestContext;
import io.pullbridge.web.RequestRejected;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The audit trail. Successful changes are recorded in the transaction that makes them, so an event exists
 * exactly when the change does; refused requests are recorded on their own. Details must never hold secrets:
 * callers pass names and ids, not payloads.
 */
@Service
public class AuditLog {

    public static final String SUCCESS = "success";
    public static final String FAILURE = "failure";
    public static final String DENIED = "denied";

    static final int MAX_ACTION = 256;
    static final int MAX_DETAIL = 1000;

    private final AuditEventRepository events;
    private final Clock clock;

    AuditLog(AuditEventRepository events, Clock clock) {
        this.events = events;
        this.clock = clock;
    }

    /**
     * Records a change made by the current caller, inside the caller's transaction.
     *
     * @param action e.g. {@code registry.create}
     * @param detail a short, secret-free description, or null
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void record(String action, String resourceKind, UUID resourceId, String detail) {
        save(RequestContext.actor(), action, resourceKind, resourceId == null ? null : resourceId.toString(), SUCCESS,
                null, detail);
    }

    /** Records what an actor other than the caller did (the job engine, a reconciler), inside the current transaction. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void recordBy(String actor, String action, String resourceKind, UUID resourceId, String outcome,
                         String detail) {
        save(actor, action, resourceKind, resourceId == null ? null : resourceId.toString(), outcome, null, detail);
    }

    /** Records an outcome outside any request transaction (jobs, background work), in a transaction of its own. */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public void recordSeparately(String actor, String action, String resourceKind, UUID resourceId, String outcome,
                                 String detail) {
        save(actor, action, resourceKind, resourceId == null ? null : resourceId.toString(), outcome, null, detail);
    }

    /** An authenticated caller's refused request: its action is the method and the route (bounded by the web module). */
    @EventListener
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    void on(RequestRejected rejected) {
        String outcome = rejected.status() == 401 || rejected.status() == 403 ? DENIED : FAILURE;
        save(rejected.actor(), rejected.method() + " " + rejected.route(), null, rejected.resourceId(), outcome,
                rejected.status(), rejected.problemType() + (rejected.detail() == null ? "" : ": " + rejected.detail()));
    }

    private void save(String actor, String action, String resourceKind, String resourceId, String outcome,
                      Integer httpStatus, String detail) {
        events.save(new AuditEvent(UUID.randomUUID(), clock.instant().truncatedTo(ChronoUnit.MICROS), storable(actor),
                storable(truncate(action, MAX_ACTION)), resourceKind, storable(resourceId), outcome, httpStatus,
                RequestContext.requestId(), storable(truncate(detail, MAX_DETAIL))));
    }

    private static String truncate(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max) + "…";
    }

    /**
     * PostgreSQL text cannot hold NUL, and a refusal's detail may quote what the caller sent: the event is written
     * with a replacement character rather than not at all.
     */
    private static String storable(String text) {
        return text == null || text.indexOf('\0') < 0 ? text : text.replace('\0', '\uFFFD');
    }
}
