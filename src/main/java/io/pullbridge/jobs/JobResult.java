package io.pullbridge.jobs;

import java.time.Duration;

/** What a handler says when it returns: done, try again later, or failed for good. */
public sealed interface JobResult {

    record Done(String detail) implements JobResult {
    }

    /** Not finished yet (e.g. waiting for Azure to provision something): run the job again after {@code after}. */
    record RetryAfter(Duration after, String reason) implements JobResult {
    }

    record Failed(JobProblem problem) implements JobResult {
    }

    static JobResult done() {
        return new Done(null);
    }

    static JobResult done(String detail) {
        return new Done(detail);
    }

    static JobResult retryAfter(Duration after, String reason) {
        return new RetryAfter(after, reason);
    }

    static JobResult failed(JobProblem problem) {
        return new Failed(problem);
    }
}
