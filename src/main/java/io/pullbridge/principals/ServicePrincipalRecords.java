package io.pullbridge.principals;

import io.pullbridge.jobs.JobContext;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
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

    /**
     * Like {@link #update}, recording what an Azure call just made; when the job was taken over meanwhile, runs
     * {@code undo} (which removes what was made) before stopping: see {@link JobContext#fencedOrUndo}.
     */
    ServicePrincipal updateOrUndo(JobContext job, UUID id, Consumer<ServicePrincipal> change, String what,
                                  Runnable undo) {
        return job.fencedOrUndo(() -> tx.execute(status -> {
            ServicePrincipal principal = principals.findWithGrantsById(id).orElseThrow(() ->
                    new IllegalStateException("service principal " + id + " was removed while its job ran"));
            change.accept(principal);
            principal.touched(clock.instant());
            return principals.saveAndFlush(principal);
        }), what, undo);
    }

    /**
     * The key ids of the passwords the row records (the current one and, during a rotation, the previous one), read
     * now and fenced: a runner that was taken over gets no answer, so it never acts on what it read before it stalled.
     */
    Set<UUID> recordedKeyIds(JobContext job, UUID id) {
        return job.fenced(() -> principals.findById(id).map(principal -> Stream.of(principal.getCredentialKeyId(),
                        principal.getPreviousKeyId()).filter(Objects::nonNull).collect(Collectors.toSet()))
                .orElse(Set.of()));
    }

    /** The principal as the row holds it now, read fenced (see {@link #recordedKeyIds}). */
    Optional<ServicePrincipal> loadFenced(JobContext job, UUID id) {
        return job.fenced(() -> principals.findById(id));
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
