package io.pullbridge.lifecycle;

import io.pullbridge.common.ResourceEntity;
import io.pullbridge.jobs.JobContext;
import io.pullbridge.jobs.JobResult;
import java.util.Optional;
import java.util.UUID;

/**
 * One kind of resource as its lifecycle sees it. Each feature implements it for the resources it owns, so their
 * status follows their jobs and their deletes run as jobs, without this module knowing any feature.
 */
public interface ManagedResources {

    /** The resource kind, as in {@link io.pullbridge.common.ResourceKinds}. */
    String kind();

    /** The resource, managed by the current transaction so changes to its status are saved with it. */
    Optional<? extends ResourceEntity> find(UUID id);

    /** Removes the row, once everything PullBridge created for it outside is gone. */
    void remove(ResourceEntity resource);

    /**
     * What the audit trail says of the resource when its row goes (its name and identity, never a secret): once the
     * row is gone, the {@code <kind>.delete} event is the only record of what was removed.
     */
    String describe(ResourceEntity resource);

    /**
     * Whether the resource's {@code status.phase} follows jobs of this type. True by default; a kind answers false for
     * jobs that only observe (a periodic probe), which set the status themselves rather than passing it through
     * {@code Provisioning}.
     */
    default boolean followsJob(String jobType) {
        return true;
    }

    /**
     * Removes what PullBridge created for the resource in Azure and in clusters, as named, idempotent steps of the
     * delete job. Runs before the row goes; a failure keeps the resource {@code Deleting} and the job retries.
     */
    default void cleanUp(UUID id, JobContext job) throws Exception {
    }

    /**
     * {@link #cleanUp}, for kinds whose clean-up waits for something outside (an Azure resource being deleted): a
     * present answer ends this run of the delete job and runs it again after the wait, without a failed attempt; the
     * steps already done find nothing left to do. Calls {@link #cleanUp} and never waits unless a kind says otherwise.
     */
    default Optional<JobResult.RetryAfter> cleanUpOrWait(UUID id, JobContext job) throws Exception {
        cleanUp(id, job);
        return Optional.empty();
    }
}
