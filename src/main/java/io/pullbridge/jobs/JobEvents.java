package io.pullbridge.jobs;

import io.pullbridge.audit.AuditLog;
import io.pullbridge.web.RequestContext;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * What the engine tells the rest of the service about a job: the audit trail (start, failed steps, end) and the
 * {@link JobStateChanged} events that resources' status follows. Called inside the transition's transaction.
 */
@Component
class JobEvents {

    private final AuditLog audit;
    private final ApplicationEventPublisher publisher;

    JobEvents(AuditLog audit, ApplicationEventPublisher publisher) {
        this.audit = audit;
        this.publisher = publisher;
    }

    void started(JobStore.Snapshot job) {
        publisher.publishEvent(new JobStateChanged(job.id(), job.type(), job.targetKind(), job.targetId(),
                JobState.RUNNING, null, null));
        audit.recordBy(RequestContext.SYSTEM_ACTOR, "job.start", job.targetKind(), job.targetId(), AuditLog.SUCCESS,
                describe(job, "attempt " + (job.attempts() + 1)));
    }

    void stepFailed(JobStore.Snapshot job, String step, String reason) {
        audit.recordSeparately(RequestContext.SYSTEM_ACTOR, "job.step-failed", job.targetKind(), job.targetId(),
                AuditLog.FAILURE, describe(job, "step " + step + ": " + reason));
    }

    void waiting(JobStore.Snapshot job, String reason) {
        publisher.publishEvent(new JobStateChanged(job.id(), job.type(), job.targetKind(), job.targetId(),
                JobState.QUEUED, null, reason));
    }

    void retrying(JobStore.Snapshot job, JobProblem problem) {
        publisher.publishEvent(new JobStateChanged(job.id(), job.type(), job.targetKind(), job.targetId(),
                JobState.QUEUED, problem, problem.detail()));
    }

    void ended(JobStore.Snapshot job, JobState state, JobProblem problem, String detail) {
        publisher.publishEvent(new JobStateChanged(job.id(), job.type(), job.targetKind(), job.targetId(), state,
                problem, detail));
        String outcome = state == JobState.SUCCEEDED ? AuditLog.SUCCESS : AuditLog.FAILURE;
        String what = state.value() + (problem == null ? "" : " (" + problem.failureClass() + "): " + problem.detail())
                + (detail == null ? "" : ": " + detail);
        audit.recordBy(RequestContext.SYSTEM_ACTOR, "job.end", job.targetKind(), job.targetId(), outcome,
                describe(job, what));
    }

    private static String describe(JobStore.Snapshot job, String what) {
        return job.type() + " job " + job.id() + " for " + job.requestedBy() + ": " + what;
    }
}
