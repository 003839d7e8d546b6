package io.pullbridge.jobs;

import java.util.List;

/**
 * Names the resources that need a reconcile job now. Features implement it; the recurring reconcile trigger asks
 * every source once per interval and enqueues one job per resource that has no job queued or running.
 */
public interface ReconcileSource {

    List<JobRequest> reconcileRequests();
}
