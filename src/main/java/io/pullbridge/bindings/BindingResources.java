package io.pullbridge.bindings;

import io.pullbridge.common.ResourceKinds;
import io.pullbridge.jobs.JobContext;
import io.pullbridge.jobs.JobResult;
import io.pullbridge.lifecycle.RepositoryResources;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Bindings in the resource lifecycle: their status follows their jobs, and their delete job first removes what the
 * binding made, as its method's handler says: a kubelet-identity binding's role assignment (if PullBridge created it),
 * a pull-secret binding's secrets and its entries in ServiceAccounts' {@code imagePullSecrets}, a connected-registry
 * binding's secrets, extension, connected registry, tokens and scope maps (waiting, without a failed attempt, while
 * Azure deletes the extension).
 */
@Component
class BindingResources extends RepositoryResources<Binding> {

    private final BindingRecords records;
    private final BindingMethodHandlers handlers;

    BindingResources(BindingRepository repository, BindingRecords records, BindingMethodHandlers handlers) {
        super(ResourceKinds.BINDING, repository, Binding.class, binding -> binding.getMethod().value());
        this.records = records;
        this.handlers = handlers;
    }

    @Override
    public Optional<JobResult.RetryAfter> cleanUpOrWait(UUID id, JobContext job) throws Exception {
        Optional<BindingSnapshot> found = records.find(id);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        return handlers.of(found.get().method()).remove(job, found.get());
    }
}
