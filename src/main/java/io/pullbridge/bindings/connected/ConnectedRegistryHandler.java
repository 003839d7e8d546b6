package io.pullbridge.bindings.connected;

import io.pullbridge.bindings.BindingMethod;
import io.pullbridge.bindings.BindingMethodHandler;
import io.pullbridge.bindings.BindingSnapshot;
import io.pullbridge.common.ResourceStatus;
import io.pullbridge.jobs.JobContext;
import io.pullbridge.jobs.JobResult;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Connected-registry bindings: an ACR connected registry on the binding's registry, run by the
 * {@value io.pullbridge.bindings.ConnectedRegistries#EXTENSION_TYPE} Arc extension on the binding's Arc-enabled
 * cluster, and a pull secret for {@code <clusterIP>} in the target namespaces so pods pull through it. Each job is a
 * class of its own: {@link ConnectedRegistryApply}, {@link ConnectedRegistryRotation}, {@link ConnectedRegistryRemoval}.
 */
@Component
class ConnectedRegistryHandler implements BindingMethodHandler {

    private final ConnectedRegistryRequests requests;
    private final ConnectedRegistryApply apply;
    private final ConnectedRegistryRotation rotation;
    private final ConnectedRegistryRemoval removal;

    ConnectedRegistryHandler(ConnectedRegistryRequests requests, ConnectedRegistryApply apply,
                             ConnectedRegistryRotation rotation, ConnectedRegistryRemoval removal) {
        this.requests = requests;
        this.apply = apply;
        this.rotation = rotation;
        this.removal = removal;
    }

    @Override
    public BindingMethod method() {
        return BindingMethod.CONNECTED_REGISTRY;
    }

    @Override
    public String condition() {
        return ResourceStatus.DEGRADED;
    }

    @Override
    public Requests requests() {
        return requests;
    }

    @Override
    public JobResult apply(JobContext job, BindingSnapshot binding) throws Exception {
        return apply.run(job, binding);
    }

    @Override
    public Verification verify(JobContext job, BindingSnapshot binding) {
        throw new IllegalStateException("no verification for " + method() + " bindings");
    }

    @Override
    public JobResult rotate(JobContext job, BindingSnapshot binding) throws Exception {
        return rotation.run(job, binding);
    }

    @Override
    public Optional<JobResult.RetryAfter> remove(JobContext job, BindingSnapshot binding) throws Exception {
        return removal.run(job, binding);
    }

    @Override
    public Optional<String> verifyRefusal() {
        return Optional.of("their status.connectedRegistry reports the connection state and last sync");
    }
}
