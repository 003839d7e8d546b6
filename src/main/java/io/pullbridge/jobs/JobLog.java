package io.pullbridge.jobs;

import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The job engine's log lines for operators: a WARN for each failed attempt and an INFO for each job that ends. The
 * fields are also key-value pairs, which structured logs (ECS, Logstash) carry as their own JSON members. They quote
 * only what a job record shows: ids, the type, the problem's type and title, never a problem's detail (a remote
 * service's words, masked for the job record but not needed here).
 */
final class JobLog {

    private static final Logger log = LoggerFactory.getLogger(JobLog.class);

    private JobLog() {
    }

    /**
     * @param attempt  the number of the attempt that failed, from 1
     * @param retryIn  when the job runs again; null when this failure ends it
     */
    static void attemptFailed(JobStore.Snapshot job, int attempt, JobProblem problem, Duration retryIn) {
        String next = retryIn == null ? "not retried" : "retrying in " + retryIn;
        LoggingEventBuilder line = with(log.atWarn(), job)
                .addKeyValue("job.attempt", attempt)
                .addKeyValue("job.problem.type", problem.type())
                .addKeyValue("job.problem.failureClass", problem.failureClass().value());
        if (problem.remoteRequestId() != null) {
            line = line.addKeyValue("job.problem.remoteRequestId", problem.remoteRequestId());
        }
        line.log("Job {} ({} on {} {}) attempt {} failed: {} ({}){}; {}", job.id(), job.type(), job.targetKind(),
                        job.targetId(), attempt, problem.type(), problem.title(),
                        problem.remoteRequestId() == null ? "" : ", remote request id " + problem.remoteRequestId(),
                        next);
    }

    /** @param attempts how many times the job ran (0 for one cancelled before it started) */
    static void finished(JobStore.Snapshot job, JobState state, JobProblem problem, int attempts, Instant now) {
        Duration took = Duration.between(job.createdAt(), now);
        LoggingEventBuilder line = with(log.atInfo(), job)
                .addKeyValue("job.outcome", state.value())
                .addKeyValue("job.attempts", attempts)
                .addKeyValue("job.durationMs", took.toMillis());
        if (problem != null) {
            line = line.addKeyValue("job.problem.type", problem.type());
        }
        line.log("Job {} ({} on {} {}) {} after {} attempt(s) in {}{}", job.id(), job.type(), job.targetKind(),
                job.targetId(), state.value(), attempts, took, problem == null ? "" : ": " + problem.type());
    }

    private static LoggingEventBuilder with(LoggingEventBuilder line, JobStore.Snapshot job) {
        return line.addKeyValue("job.id", job.id())
                .addKeyValue("job.type", job.type())
                .addKeyValue("job.target.kind", job.targetKind())
                .addKeyValue("job.target.id", job.targetId());
    }
}
