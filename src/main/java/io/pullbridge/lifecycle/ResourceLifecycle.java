package io.pullbridge.lifecycle;

import io.pullbridge.audit.AuditLog;
import io.pullbridge.common.Phase;
import io.pullbridge.common.Reference;
import io.pullbridge.common.ResourceEntity;
import io.pullbridge.common.ResourceReferences;
import io.pullbridge.common.ResourceStatus;
import io.pullbridge.jobs.JobRef;
import io.pullbridge.jobs.JobRequest;
import io.pullbridge.jobs.JobService;
import io.pullbridge.jobs.JobStateChanged;
import io.pullbridge.web.ApiException;
import io.pullbridge.web.ETags;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.context.event.EventListener;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Resources' lifecycle over the job engine. Deletes work like Kubernetes finalizers: the resource goes to
 * {@code Deleting}, a {@code <kind>.delete} job removes what PullBridge created for it, and only then is the row
 * removed. Every resource's {@code status.phase} and {@code status.jobId} follow its latest job.
 * <p>
 * A delete and a new reference never miss each other: a delete locks the row FOR UPDATE before it looks for
 * references, and a resource about to reference another reads it through its service's {@code findForUse}, which
 * locks the row FOR SHARE until that transaction ends. So the delete either waits for the new reference and sees it,
 * or committed first and the referrer sees the resource {@code Deleting}. These are database locks, so replicas are
 * covered too.
 */
@Service
public class ResourceLifecycle {

    private final ObjectProvider<ManagedResources> kindBeans;
    private volatile Map<String, ManagedResources> kinds;
    private final List<ResourceReferences> references;
    private final JobService jobs;
    private final AuditLog audit;
    private final Clock clock;

    /*
     * The kinds are looked up at first use: a kind's clean-up uses feature services, which use this lifecycle, so
     * injecting them here would be a cycle of constructor dependencies.
     */
    ResourceLifecycle(ObjectProvider<ManagedResources> kinds, List<ResourceReferences> references, JobService jobs,
                      AuditLog audit, Clock clock) {
        this.kindBeans = kinds;
        this.references = references;
        this.jobs = jobs;
        this.audit = audit;
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
        audit.record(kind + ".delete-requested", kind, resource.getId(), null);
        return job;
    }

    /**
     * A user's DELETE: honours {@code If-Match}, refuses (409) while other resources use this one, then marks it
     * {@code Deleting} and enqueues its delete job, all in the caller's transaction. The row is flushed, so the
     * answer's ETag is its new version.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public <T extends ResourceEntity> Deletion<T> delete(String kind, T resource, String ifMatch,
                                                         JpaRepository<T, UUID> rows) {
        ETags.checkIfMatch(ifMatch, resource.getVersion());
        requireUnreferenced(kind, resource.getId());
        Deletion<T> deletion = new Deletion<>(resource, requestDelete(kind, resource));
        rows.saveAndFlush(resource);
        return deletion;
    }

    /** A user's change to a resource: honours {@code If-Match}, then refuses (409) one that is being deleted. */
    public void checkChangeable(String kind, ResourceEntity resource, String ifMatch) {
        ETags.checkIfMatch(ifMatch, resource.getVersion());
        requireNotDeleting(kind, resource);
    }

    /** @throws ApiException 409 while the resource is being deleted */
    public void requireNotDeleting(String kind, ResourceEntity resource) {
        if (resource.getStatus().phase() == Phase.Deleting) {
            throw ApiException.deleting(null, kind, resource.getId());
        }
    }

    /** A resource now {@code Deleting}, and the job that deletes it. */
    public record Deletion<T extends ResourceEntity>(T resource, JobRef job) {
    }

    /** The resources of {@code kind} that reference the given one, across all features. */
    public List<Reference> referencesTo(String kind, UUID id) {
        return references.stream().flatMap(source -> source.referencesTo(kind, id).stream()).toList();
    }

    @EventListener
    void follow(JobStateChanged event) {
        ManagedResources resources = kinds().get(event.targetKind());
        if (resources == null || !resources.followsJob(event.type())) {
            return;
        }
        String message = event.problem() != null ? event.problem().detail() : event.detail();
        resources.find(event.targetId())
                // Once a resource is Deleting, only its delete job speaks for it: an older job that runs first
                // (its create, say) must not show as the resource's latest.
                .filter(resource -> resource.getStatus().phase() != Phase.Deleting
                        || event.jobId().equals(resource.getStatus().jobId()))
                .ifPresent(resource -> follow(resource.getStatus(), event, message, clock.instant()));
    }

    private static void follow(ResourceStatus status, JobStateChanged event, String message, Instant now) {
        UUID job = event.jobId();
        switch (event.state()) {
            case QUEUED -> status.jobQueued(job, message, now);
            case RUNNING -> status.jobRunning(job, now);
            case SUCCEEDED -> status.jobSucceeded(job, message, now);
            case FAILED -> status.jobFailed(job, message, now);
            case CANCELLED -> status.jobCancelled(job, now);
        }
    }

    /** @throws io.pullbridge.web.ApiException 409 when other resources use this one, naming them */
    public void requireUnreferenced(String kind, UUID id) {
        List<Reference> blockers = referencesTo(kind, id);
        if (!blockers.isEmpty()) {
            throw ApiException.inUse(kind, id, blockers);
        }
    }

    static String deleteType(String kind) {
        return kind + ".delete";
    }


    private Map<String, ManagedResources> kinds() {
        Map<String, ManagedResources> known = kinds;
        if (known == null) {
            known = kindBeans.orderedStream().collect(Collectors.toMap(ManagedResources::kind, Function.identity()));
            kinds = known;
        }
        return known;
    }
}
