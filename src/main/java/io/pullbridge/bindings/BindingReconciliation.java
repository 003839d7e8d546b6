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

    /** The methods whose bindings PullBridge keeps true today. */
    static final List<BindingMethod> RECONCILED = List.of(BindingMethod.KUBELET_IDENTITY, BindingMethod.PULL_SECRET,
            BindingMethod.CONNECTED_REGISTRY);

    private final BindingRepository bindings;

    BindingReconciliation(BindingRepository bindings) {
        this.bindings = bindings;
    }

    @Override
    public List<JobRequest> reconcileRequests() {
        return bindings.findReconcilable(RECONCILED).stream()
                .map(id -> JobRequest.of(BindingJobs.RECONCILE, ResourceKinds.BINDING, id))
                .toList();
    }
}
