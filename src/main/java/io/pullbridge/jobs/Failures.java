package io.pullbridge.jobs;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.TimeoutException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;

/** Sorts what a handler threw into transient (retry) and permanent (stop) failures. */
final class Failures {

    private Failures() {
    }

    static JobProblem classify(Throwable e) {
        if (e instanceof JobFailure failure) {
            return failure.problem();
        }
        if (e instanceof SocketTimeoutException || e instanceof HttpTimeoutException || e instanceof TimeoutException) {
            return JobProblem.of("job-timeout", "A remote call timed out", 504, describe(e), FailureClass.TRANSIENT);
        }
        if (e instanceof ConnectException || e instanceof UnknownHostException) {
            return JobProblem.of("job-connection-failed", "A remote service could not be reached", 503, describe(e),
                    FailureClass.TRANSIENT);
        }
        if (e instanceof IOException) {
            return JobProblem.of("job-io-error", "A remote call failed", 502, describe(e), FailureClass.TRANSIENT);
        }
        if (e instanceof TransientDataAccessException || e instanceof RecoverableDataAccessException) {
            return JobProblem.of("job-database-unavailable", "PullBridge's database was briefly unavailable", 503,
                    null, FailureClass.TRANSIENT);
        }
        return JobProblem.of("job-internal-error", "The job failed unexpectedly", 500,
                "An unexpected error stopped the job; the service log has the details", FailureClass.PERMANENT);
    }

    /** A short description that names the failure without dumping payloads (which may hold secrets). */
    static String describe(Throwable e) {
        if (e instanceof JobFailure failure) {
            return failure.problem().detail();
        }
        if (e instanceof SocketTimeoutException || e instanceof HttpTimeoutException || e instanceof TimeoutException) {
            return "timed out";
        }
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof UnknownHostException) {
            return "unknown host";
        }
        if (e instanceof IOException) {
            return "I/O error";
        }
        String kind = "unexpected error";
        return kind;
    }
}
