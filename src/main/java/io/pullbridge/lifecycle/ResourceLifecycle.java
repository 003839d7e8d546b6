package io.pullbridge.lifecycle;

import io.pullbridge.audit.AuditLog;
import io.pullbridge.common.Phase;
import io.pullbridge.common.Reference;
import io.pullbridge.common.ResourceEntity;
import io.pullbridge.common.ResourceReferences;
import io.pullbridge.jobs.FailureClass;
import io.pullbridge.jobs.JobContext;
import io.pullbridge.jobs.JobFailure;
import io.pullbridge.jobs.JobHandler;
import io.pullbridge.jobs.JobProblem;
import io.pullbridge.jobs.JobRef;
import io.pullbridge.jobs.JobRequest;
import io.pullbridge.jobs.JobResult;
import io.pullbridge.jobs.JobService;
import io.pullbridge.jobs.JobStateChanged;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Resources' lifecycle over the job engine. Deletes work like Kubernetes finalizers: the resource goes to
 * {@code Deleting}, a {@code <kind>.delete} job removes what PullBridge created for it, and only then is the row
 * removed. Every resource's {@code status.phase} and {@code status.jobId} follow its latest job.
 */
@Service
public class ResourceLifecycle implements JobHandler {

    private final Map<String, ManagedResources> kinds;
    private final List<ResourceReferences> references;
    private final JobService jobs;
    private final AuditLog audit;
    private final TransactionTemplate tx;
    private final Clock clock;

    ResourceLifecycle(List<ManagedResources> kinds, List<ResourceReferences> references, JobService jobs,
                      AuditLog audit, TransactionTemplate tx, Clock clock) {
        this.kinds = kinds.stream().collect(Collectors.toMap(ManagedResources::kind, Function.identity()));
        this.references = references;
        this.jobs = jobs;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
    }

    /**
     * Marks the resource {@code Deleting} and enqueues its delete job, in the caller's transaction. Asking again
     * while the first delete is queued returns the same job.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public JobRef requestDelete(String kind, ResourceEntity resource) {
        JobRef job = jobs.enqueue(JobRequest.of(deleteType(kind), kind, resource.getId()));
        resource.getStatus().moveTo(Phase.Deleting, "Waiting for PullBridge to remove what it created");
        resource.getStatus().trackJob(job.id());
        resource.touched(clock.instant());
        audit.recorded(kind + ".delete-requested", kind, resource.getId(), null);
        return job;
    }

    /** The resources of {@code kind} that reference the given one, across all features. */
    public List<Reference> referencesTo(String kind, UUID id) {
        return references.stream().flatMap(source -> source.referencesTo(kind, id).stream()).toList();
    }

    @Override
    public String type() {
        return "resource.delete";
    }

    @Override
    public Set<String> types() {
        return kinds.keySet().stream().map(ResourceLifecycle::deleteType).collect(Collectors.toSet());
    }

    @Override
    public JobResult handle(JobContext context) throws Exception {
        ManagedResources resources = kinds.get(context.targetKind());
        UUID id = context.targetId();
        context.step("check-references", () -> {
            List<Reference> blockers = referencesTo(context.targetKind(), id);
            if (!blockers.isEmpty()) {
                throw JobFailure.permanent(JobProblem.of("resource-in-use", "The resource is in use", 409,
                        "Still used by " + blockers.stream().map(b -> b.kind() + " " + b.id())
                                .collect(Collectors.joining(", ")) + "; remove them, then retry this job",
                        FailureClass.PERMANENT), null);
            }
            return null;
        });
        resources.cleanUp(id, context);
        context.step("remove-record", () -> tx.execute(status -> {
            Optional<? extends ResourceEntity> resource = resources.find(id);
            if (resource.isEmpty()) {
                return "already removed";
            }
            resources.remove(resource.get());
            audit.recordedBy(context.requestedBy(), context.targetKind() + ".delete", context.targetKind(), id,
                    AuditLog.SUCCESS, "removed by job " + context.jobId());
            return null;
        }));
        return JobResult.done("removed");
    }

    @EventListener
    void follow(JobStateChanged event) {
        ManagedResources resources = kinds.get(event.targetKind());
        if (resources == null) {
            return;
        }
        String message = event.problem() != null ? event.problem().detail() : event.detail();
        resources.find(event.targetId()).ifPresent(resource ->
                resource.getStatus().followJob(event.jobId(), event.state().value(), message, clock.instant()));
    }

    static String deleteType(String kind) {
        return kind + ".delete";
    }

}
