package io.pullbridge.bindings;

import io.pullbridge.common.ResourceKinds;
import io.pullbridge.jobs.JobRequest;
import io.pullbridge.jobs.ReconcileSource;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Every binding gets a {@code binding.reconcile} job each reconcile interval ({@code pullbridge.jobs.reconcile-interval}),
 * unless one of its jobs is already queued or running: level-triggered repair of whatever drifted.
 */
@Component
class BindingReconciliation implements ReconcileSource {

    private final BindingRepository bindings;
    private final BindingMethodHandlers handlers;

    BindingReconciliation(BindingRepository bindings, BindingMethodHandlers handlers) {
        this.bindings = bindings;
        this.handlers = handlers;
    }

    @Override
    public List<JobRequest> reconcileRequests() {
        return bindings.findReconcilable(handlers.methods()).stream()
                .map(id -> JobRequest.of(BindingJobs.RECONCILE, ResourceKinds.BINDING, id))
                .toList();
    }
}
