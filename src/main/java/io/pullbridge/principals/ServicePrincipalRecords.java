package io.pullbridge.principals;

import io.pullbridge.jobs.JobContext;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * How the service principal jobs read and record: each change in a short transaction of its own, right after the
 * Azure call it records, so a rerun of the job finds what an earlier run made. Every change is fenced by the job's
 * run token ({@link JobContext#fenced}): a runner that was presumed dead and taken over records nothing. Every change
 * touches the principal, so its version (the ETag) moves and a concurrent PATCH cannot silently overwrite it.
 */
@Component
class ServicePrincipalRecords {

    private final ServicePrincipalRepository principals;
    private final TransactionTemplate tx;
    private final Clock clock;

    ServicePrincipalRecords(ServicePrincipalRepository principals, TransactionTemplate tx, Clock clock) {
        this.principals = principals;
        this.tx = tx;
        this.clock = clock;
    }

    /** The principal with its grants, detached: a snapshot to decide what to do next. */
    Optional<ServicePrincipal> load(UUID id) {
        return principals.findWithGrantsById(id);
    }

    /** Applies the change in a fenced transaction of its own and returns the principal as committed. */
    ServicePrincipal update(JobContext job, UUID id, Consumer<ServicePrincipal> change) {
        return job.fenced(() -> tx.execute(status -> {
            ServicePrincipal principal = principals.findWithGrantsById(id).orElseThrow(() ->
                    new IllegalStateException("service principal " + id + " was removed while its job ran"));
            change.accept(principal);
            principal.touched(clock.instant());
            return principals.saveAndFlush(principal);
        }));
    }

    /** Like {@link #update}, for a principal that may be gone: then nothing happens. */
    Optional<ServicePrincipal> updateIfPresent(JobContext job, UUID id, Consumer<ServicePrincipal> change) {
        return Optional.ofNullable(job.fenced(() -> tx.execute(status -> principals.findWithGrantsById(id)
                .map(principal -> {
                    change.accept(principal);
                    principal.touched(clock.instant());
                    return principals.saveAndFlush(principal);
                }).orElse(null))));
    }

    /** Runs the work in a fenced transaction of its own (for audit events and events published after commit). */
    void inTransaction(JobContext job, Runnable work) {
        job.fenced(() -> tx.executeWithoutResult(status -> work.run()));
    }
}
