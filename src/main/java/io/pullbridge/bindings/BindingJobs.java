package io.pullbridge.bindings;

import io.pullbridge.common.Condition;
import io.pullbridge.common.Phase;
import io.pullbridge.jobs.FailureClass;
import io.pullbridge.jobs.JobContext;
import io.pullbridge.jobs.JobFailure;
import io.pullbridge.jobs.JobHandler;
import io.pullbridge.jobs.JobProblem;
import io.pullbridge.jobs.JobResult;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A binding's jobs. {@code binding.apply} (after a create or an update) and {@code binding.reconcile} (the recurring
 * pass) run the same level-triggered steps, which make the world match the binding's spec and record the drift they
 * found; {@code binding.verify} proves that access is effective without changing anything.
 */
@Component
class BindingJobs implements JobHandler {

    static final String APPLY = "binding.apply";
    static final String RECONCILE = "binding.reconcile";
    static final String VERIFY = "binding.verify";

    private final BindingRepository bindings;
    private final KubeletIdentityAccess kubelet;
    private final TransactionTemplate tx;
    private final Clock clock;

    BindingJobs(BindingRepository bindings, KubeletIdentityAccess kubelet, TransactionTemplate tx, Clock clock) {
        this.bindings = bindings;
        this.kubelet = kubelet;
        this.tx = tx;
        this.clock = clock;
    }

    @Override
    public String type() {
        return APPLY;
    }

    @Override
    public Set<String> types() {
        return Set.of(APPLY, RECONCILE, VERIFY);
    }

    @Override
    public JobResult handle(JobContext context) throws Exception {
        Optional<BindingSnapshot> found = tx.execute(status -> bindings.findById(context.targetId())
                .filter(binding -> binding.getStatus().phase() != Phase.Deleting)
                .map(BindingSnapshot::of));
        if (found == null || found.isEmpty()) {
            return JobResult.done("the binding is gone or being deleted; nothing to do");
        }
        BindingSnapshot binding = found.get();
        if (context.type().equals(VERIFY)) {
            return verify(context, binding);
        }
        return switch (binding.method()) {
            case KUBELET_IDENTITY -> attach(context, binding);
            default -> throw new IllegalStateException("no jobs for " + binding.method() + " bindings");
        };
    }

    private JobResult attach(JobContext context, BindingSnapshot binding) throws Exception {
        KubeletIdentityAccess.Attached attached = kubelet.attach(context, binding, binding.kubelet());
        context.step("record", () -> {
            tx.executeWithoutResult(status -> bindings.findById(binding.id()).ifPresent(row -> {
                row.setKubeletAssignment(attached.assignment());
                row.reconciled(clock.instant(), attached.drift());
                row.getStatus().setCondition(new Condition(KubeletIdentityAccess.ROLE_ASSIGNED, "True",
                        attached.assignment().createdByPullBridge() ? "Assigned" : "Adopted",
                        attached.assignment().role() + " for kubelet identity "
                                + attached.assignment().principalObjectId(), clock.instant()));
                row.touched(clock.instant());
            }));
            return attached.drift().isEmpty() ? "no drift" : "repaired: " + String.join("; ", attached.drift());
        });
        KubeletAssignment made = attached.assignment();
        return JobResult.done((attached.drift().isEmpty() ? "" : "Repaired drift (" + String.join("; ",
                attached.drift()) + "). ") + made.role() + " assigned to kubelet identity "
                + made.principalObjectId());
    }

    private JobResult verify(JobContext context, BindingSnapshot binding) throws Exception {
        List<String> problems = switch (binding.method()) {
            case KUBELET_IDENTITY -> kubelet.verify(context, binding, binding.kubelet());
            default -> throw new IllegalStateException("no verification for " + binding.method() + " bindings");
        };
        Condition verified = problems.isEmpty()
                ? new Condition("Verified", "True", "AccessEffective", "Access was proven by job " + context.jobId(),
                clock.instant())
                : new Condition("Verified", "False", "AccessNotEffective", String.join("; ", problems),
                clock.instant());
        recordVerification(binding.id(), verified);
        if (!problems.isEmpty()) {
            throw JobFailure.permanent(JobProblem.of("binding-not-effective", "Access is not effective", 409,
                    String.join("; ", problems) + ". The next reconcile pass repairs what PullBridge manages",
                    FailureClass.PERMANENT), null);
        }
        return JobResult.done("access is effective");
    }

    private void recordVerification(UUID id, Condition verified) {
        tx.executeWithoutResult(status -> bindings.findById(id).ifPresent(row -> {
            row.getStatus().setCondition(verified);
            row.touched(clock.instant());
        }));
    }
}
