package io.pullbridge.bindings;

import io.pullbridge.common.ResourceKinds;
import io.pullbridge.jobs.JobContext;
import io.pullbridge.jobs.JobResult;
import io.pullbridge.lifecycle.RepositoryResources;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Bindings in the resource lifecycle: their status follows their jobs, and their delete job first removes what the
 * binding made: a kubelet-identity binding's role assignment (if PullBridge created it), a pull-secret binding's
 * secrets and its entries in ServiceAccounts' {@code imagePullSecrets}, a connected-registry binding's secrets,
 * extension, connected registry, tokens and scope maps (waiting, without a failed attempt, while Azure deletes the
 * extension).
 */
@Component
class BindingResources extends RepositoryResources<Binding> {

    private final BindingRepository repository;
    private final KubeletIdentityAccess kubelet;
    private final PullSecrets pullSecrets;
    private final ConnectedRegistryDeployment connectedRegistries;
    private final TransactionTemplate tx;

    BindingResources(BindingRepository repository, KubeletIdentityAccess kubelet, PullSecrets pullSecrets,
                     ConnectedRegistryDeployment connectedRegistries, TransactionTemplate tx) {
        super(ResourceKinds.BINDING, repository, Binding.class, binding -> binding.getMethod().value());
        this.repository = repository;
        this.kubelet = kubelet;
        this.pullSecrets = pullSecrets;
        this.connectedRegistries = connectedRegistries;
        this.tx = tx;
    }

    @Override
    public Optional<JobResult.RetryAfter> cleanUpOrWait(UUID id, JobContext job) throws Exception {
        Optional<BindingSnapshot> found = tx.execute(status -> repository.findById(id).map(BindingSnapshot::of));
        if (found == null || found.isEmpty()) {
            return Optional.empty();
        }
        BindingSnapshot binding = found.get();
        if (binding.method() == BindingMethod.KUBELET_IDENTITY) {
            job.step("detach", () -> {
                String detail = kubelet.detach(id, binding.kubelet());
                job.fenced(() -> repository.findById(id).ifPresent(row -> row.setKubeletAssignment(null)));
                return detail;
            });
        } else if (binding.method() == BindingMethod.PULL_SECRET) {
            pullSecrets.remove(job, binding);
        } else {
            return connectedRegistries.remove(job, binding);
        }
        return Optional.empty();
    }
}
