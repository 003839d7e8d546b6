package io.pullbridge.jobs;

import io.pullbridge.common.SecretMask;
import java.time.Duration;
import java.util.Optional;

/**
 * Thrown by handlers and adapters to say how a step failed: transient failures are retried with backoff (no sooner
 * than a remote {@code Retry-After}), permanent ones fail the job at once.
 */
public class JobFailure extends RuntimeException {

    private final JobProblem problem;
    private final Duration retryAfter;

    private JobFailure(JobProblem problem, Duration retryAfter, Throwable cause) {
        super(problem.detail() == null ? problem.title() : problem.detail(), cause);
        this.problem = problem;
        this.retryAfter = retryAfter;
    }

    public static JobFailure transientFailure(JobProblem problem, Duration retryAfter, Throwable cause) {
        return new JobFailure(problem, retryAfter, cause);
    }

    public static JobFailure permanent(JobProblem problem, Throwable cause) {
        return new JobFailure(problem, null, cause);
    }

    /** A permanent failure with a problem of its own: {@code slug} is the last part of its type URI. */
    public static JobFailure permanent(String slug, String title, int status, String detail) {
        return permanent(JobProblem.of(slug, title, status, detail, FailureClass.PERMANENT), null);
    }

    public JobProblem problem() {
        return problem;
    }

    /** The remote service's {@code Retry-After}, when it sent one. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /**
     * This failure with its detail masked. When the mask changed something the cause is dropped: a remote client's
     * exception quotes what it read, and its message is what the mask just cut out of the detail.
     */
    public JobFailure masked(SecretMask mask) {
        JobProblem masked = problem.masked(mask);
        return masked == problem ? this : new JobFailure(masked, retryAfter, null);
    }

    public boolean isTransient() {
        return problem.failureClass() == FailureClass.TRANSIENT;
    }
}
