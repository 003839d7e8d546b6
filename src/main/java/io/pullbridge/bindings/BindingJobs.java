package io.pullbridge.bindings;

import io.pullbridge.common.Condition;
import io.pullbridge.common.Phase;
import io.pullbridge.jobs.JobContext;
import io.pullbridge.jobs.JobFailure;
import io.pullbridge.jobs.JobHandler;
import io.pullbridge.jobs.JobResult;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * A binding's jobs. {@code binding.apply} (after a create or an update) and {@code binding.reconcile} (the recurring
 * pass) run the same level-triggered steps, which make the world match the binding's spec and record the drift they
 * found; {@code binding.verify} proves that access is effective without changing anything; {@code binding.rotate}
 * rotates a binding's own credentials. The steps are the binding method's handler's.
 */
@Component
class BindingJobs implements JobHandler {

    static final String APPLY = "binding.apply";
    static final String RECONCILE = "binding.reconcile";
    static final String VERIFY = "binding.verify";
    static final String ROTATE = "binding.rotate";
    /** Job data of {@code binding.verify}: the image to check pull access to, if the request named one. */
    static final String IMAGE = BindingMethodHandler.VERIFY_IMAGE;

    /** What a job of each type asks of the binding's handler. */
    @FunctionalInterface
    private interface Work {
        JobResult run(BindingMethodHandler handler, JobContext context, BindingSnapshot binding) throws Exception;
    }

    private final BindingRecords records;
    private final BindingMethodHandlers handlers;
    private final Clock clock;
    private final Map<String, Work> work;

    BindingJobs(BindingRecords records, BindingMethodHandlers handlers, Clock clock) {
        this.records = records;
        this.handlers = handlers;
        this.clock = clock;
        this.work = Map.of(APPLY, BindingMethodHandler::apply, RECONCILE, BindingMethodHandler::reconcile,
                VERIFY, this::verify, ROTATE, BindingMethodHandler::rotate);
    }

    @Override
    public Set<String> types() {
        return work.keySet();
    }

    @Override
    public JobResult handle(JobContext context) throws Exception {
        Optional<BindingSnapshot> found = records.find(context.targetId())
                .filter(binding -> binding.phase() != Phase.Deleting);
        if (found.isEmpty()) {
            return JobResult.done("the binding is gone or being deleted; nothing to do");
        }
        BindingSnapshot binding = found.get();
        return work.get(context.type()).run(handlers.of(binding.method()), context, binding);
    }

    private JobResult verify(BindingMethodHandler handler, JobContext context, BindingSnapshot binding)
            throws Exception {
        BindingMethodHandler.Verification verification = handler.verify(context, binding);
        String found = context.mask().apply(String.join("; ", verification.problems()));
        Condition verified = verification.effective()
                ? new Condition("Verified", "True", "AccessEffective", "Access was proven by job " + context.jobId(),
                clock.instant())
                : new Condition("Verified", "False", "AccessNotEffective", found, clock.instant());
        recordVerification(context, binding.id(), verified);
        if (!verification.effective()) {
            throw JobFailure.permanent("binding-not-effective", "Access is not effective", 409,
                    found + verification.remedy());
        }
        return JobResult.done("access is effective");
    }

    private void recordVerification(JobContext context, UUID id, Condition verified) {
        records.update(context, id, row -> {
            row.getStatus().setCondition(verified);
            row.touched(clock.instant());
        });
    }
}
