package io.pullbridge.bindings.kubelet;

import io.pullbridge.bindings.BindingMethod;
import io.pullbridge.bindings.BindingMethodHandler;
import io.pullbridge.bindings.BindingRecords;
import io.pullbridge.bindings.BindingRules;
import io.pullbridge.bindings.BindingSnapshot;
import io.pullbridge.bindings.BindingSpec;
import io.pullbridge.bindings.CreateBindingRequest;
import io.pullbridge.bindings.KubeletAssignment;
import io.pullbridge.bindings.UpdateBindingRequest;
import io.pullbridge.clusters.ClusterKind;
import io.pullbridge.common.Condition;
import io.pullbridge.jobs.JobContext;
import io.pullbridge.jobs.JobResult;
import io.pullbridge.web.ApiException;
import io.pullbridge.web.ProblemType;
import io.pullbridge.web.Violations;
import java.time.Clock;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** Kubelet-identity bindings: the role assignment {@link KubeletIdentityAccess} makes, records and removes. */
@Component
class KubeletIdentityHandler implements BindingMethodHandler {

    /** A kubelet-identity binding takes no options, and once made has nothing to change. */
    private static final Requests REQUESTS = new Requests() {

        @Override
        public String pendingMessage() {
            return "Waiting for PullBridge to grant AcrPull to the cluster's kubelet identity";
        }

        @Override
        public Creation create(CreateBindingRequest request, Violations violations) {
            return (registry, cluster) -> {
                BindingRules.requireKind(cluster, ClusterKind.AKS,
                        "kubelet-identity grants AcrPull to an AKS kubelet identity");
                return BindingSpec.none();
            };
        }

        @Override
        public BindingSpec update(BindingSnapshot binding, UpdateBindingRequest request, Violations violations) {
            throw new ApiException(ProblemType.VALIDATION_FAILED,
                    "A kubelet-identity binding has nothing to change; delete it and create another");
        }
    };

    private final KubeletIdentityAccess access;
    private final BindingRecords records;
    private final Clock clock;

    KubeletIdentityHandler(KubeletIdentityAccess access, BindingRecords records, Clock clock) {
        this.access = access;
        this.records = records;
        this.clock = clock;
    }

    @Override
    public BindingMethod method() {
        return BindingMethod.KUBELET_IDENTITY;
    }

    @Override
    public String condition() {
        return KubeletIdentityAccess.ROLE_ASSIGNED;
    }

    @Override
    public Requests requests() {
        return REQUESTS;
    }

    @Override
    public JobResult apply(JobContext job, BindingSnapshot binding) throws Exception {
        KubeletIdentityAccess.Attached attached = access.attach(job, binding, binding.kubelet());
        KubeletAssignment made = attached.assignment();
        job.step("record", () -> {
            records.update(job, binding.id(), row -> {
                row.setKubeletAssignment(made);
                row.reconciled(clock.instant(), attached.drift());
                row.getStatus().setCondition(new Condition(condition(), "True",
                        made.createdByPullBridge() ? "Assigned" : "Adopted",
                        made.role() + " for kubelet identity " + made.principalObjectId(), clock.instant()));
                row.touched(clock.instant());
            });
            return attached.drift().isEmpty() ? "no drift" : "repaired: " + String.join("; ", attached.drift());
        });
        return JobResult.done((attached.drift().isEmpty() ? "" : "Repaired drift (" + String.join("; ",
                attached.drift()) + "). ") + made.role() + " assigned to kubelet identity "
                + made.principalObjectId());
    }

    @Override
    public Verification verify(JobContext job, BindingSnapshot binding) throws Exception {
        return new Verification(access.verify(job, binding, binding.kubelet()),
                ". The next reconcile pass assigns the role again");
    }

    @Override
    public Optional<JobResult.RetryAfter> remove(JobContext job, BindingSnapshot binding) throws Exception {
        job.step("detach", () -> {
            String detail = access.detach(binding.id(), binding.kubelet());
            records.update(job, binding.id(), row -> row.setKubeletAssignment(null));
            return detail;
        });
        return Optional.empty();
    }

    @Override
    public Optional<String> rotateRefusal() {
        return Optional.of("the cluster's kubelet identity, which Azure manages");
    }
}
