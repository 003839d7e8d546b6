package io.pullbridge.jobs;

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

    public JobProblem problem() {
        return problem;
    }

    /** The remote service's {@code Retry-After}, when it sent one. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    public boolean isTransient() {
        return problem.failureClass() == FailureClass.TRANSIENT;
    }
}
