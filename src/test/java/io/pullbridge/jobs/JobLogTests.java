package io.pullbridge.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.kagkarlsson.scheduler.testhelper.ManualScheduler;
import com.github.kagkarlsson.scheduler.testhelper.SettableClock;
import io.pullbridge.support.Api;
import io.pullbridge.support.IntegrationTest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What the job engine logs for operators: one WARN per failed attempt, one INFO per job that ends, each naming the
 * job, its type and target (and the problem's type, the attempt, the outcome and duration), and never a secret.
 */
@IntegrationTest
@Import(ManualJobEngine.class)
@ExtendWith(OutputCaptureExtension.class)
class JobLogTests {

    private static final String SECRET = "log-s3cret-Pa55word";

    @Autowired JobService jobs;
    @Autowired ManualScheduler scheduler;
    @Autowired SettableClock clock;
    @Autowired ManualJobEngine.Script script;
    @Autowired TransactionTemplate tx;
    @Autowired JdbcClient jdbc;
    @Autowired MockMvc mvc;

    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private Logger engineLog;

    @BeforeEach
    void capture() {
        script.behaviours.clear();
        engineLog = (Logger) LoggerFactory.getLogger(JobLog.class);
        lines.start();
        engineLog.addAppender(lines);
    }

    @AfterEach
    void release() {
        engineLog.detachAppender(lines);
        lines.stop();
    }

    @Test
    void aFailedAttemptIsOneWarningAndTheFinishedJobOneInfoLine(CapturedOutput output) {
        UUID target = UUID.randomUUID();
        AtomicInteger runs = new AtomicInteger();
        script.behaviours.put(target, context -> {
            context.protect(SECRET);
            context.step("call-azure", () -> {
                if (runs.incrementAndGet() == 1) {
                    throw JobFailure.transientFailure(JobProblem.of("azure-throttled", "Azure throttled the request",
                            429, "Too many requests for " + SECRET, FailureClass.TRANSIENT)
                            .withRemoteRequestId("c0ffee00-0000-0000-0000-000000000002"), null, null);
                }
                return "ok";
            });
            return JobResult.done();
        });
        UUID id = enqueue(target);

        scheduler.runAnyDueExecutions();
        List<ILoggingEvent> afterFirst = linesOf(id);
        assertThat(afterFirst).hasSize(1);
        ILoggingEvent warning = afterFirst.get(0);
        assertThat(warning.getLevel()).isEqualTo(Level.WARN);
        assertThat(fields(warning)).containsEntry("job.id", id.toString())
                .containsEntry("job.type", "test.scripted")
                .containsEntry("job.target.kind", "thing")
                .containsEntry("job.target.id", target.toString())
                .containsEntry("job.attempt", "1")
                .containsEntry("job.problem.type", "https://pullbridge.io/problems/azure-throttled")
                .containsEntry("job.problem.failureClass", "transient")
                .containsEntry("job.problem.remoteRequestId", "c0ffee00-0000-0000-0000-000000000002");
        assertThat(warning.getFormattedMessage()).contains(id.toString(), "test.scripted", target.toString(),
                "attempt 1 failed", "azure-throttled", "retrying in");

        clock.tick(Duration.ofMinutes(1));
        scheduler.runAnyDueExecutions();

        List<ILoggingEvent> all = linesOf(id);
        assertThat(all).hasSize(2);
        ILoggingEvent finished = all.get(1);
        assertThat(finished.getLevel()).isEqualTo(Level.INFO);
        assertThat(fields(finished)).containsEntry("job.id", id.toString())
                .containsEntry("job.type", "test.scripted")
                .containsEntry("job.target.id", target.toString())
                .containsEntry("job.outcome", "succeeded")
                .containsEntry("job.attempts", "2")
                .containsKey("job.durationMs")
                .doesNotContainKey("job.problem.type");
        assertThat(Long.parseLong(fields(finished).get("job.durationMs"))).isGreaterThanOrEqualTo(60_000);
        assertThat(finished.getFormattedMessage()).contains(id.toString(), "succeeded after 2 attempt(s)");
        assertThat(output.getAll()).contains("attempt 1 failed").doesNotContain(SECRET);
    }

    @Test
    void aPermanentFailureIsOneWarningAndAFailedJobLine(CapturedOutput output) {
        UUID target = UUID.randomUUID();
        script.behaviours.put(target, context -> {
            context.protect(SECRET);
            context.step("assign-role", () -> {
                throw JobFailure.permanent(JobProblem.of("azure-authorization-failed",
                        "PullBridge may not assign roles here", 403, "The caller " + SECRET + " lacks a right",
                        FailureClass.PERMANENT), null);
            });
            return JobResult.done();
        });
        UUID id = enqueue(target);

        scheduler.runAnyDueExecutions();

        List<ILoggingEvent> logged = linesOf(id);
        assertThat(logged).extracting(ILoggingEvent::getLevel).containsExactly(Level.WARN, Level.INFO);
        assertThat(fields(logged.get(0))).containsEntry("job.attempt", "1")
                .containsEntry("job.problem.type", "https://pullbridge.io/problems/azure-authorization-failed")
                .containsEntry("job.problem.failureClass", "permanent");
        assertThat(logged.get(0).getFormattedMessage()).contains("not retried");
        assertThat(fields(logged.get(1))).containsEntry("job.outcome", "failed")
                .containsEntry("job.attempts", "1")
                .containsEntry("job.problem.type", "https://pullbridge.io/problems/azure-authorization-failed");
        assertThat(output.getAll()).contains("azure-authorization-failed").doesNotContain(SECRET);
    }

    @Test
    void aJobCancelledBeforeItRanIsOneInfoLine() throws Exception {
        UUID id = enqueue(UUID.randomUUID());

        Api.operator(mvc).post("/api/v1/jobs/" + id + ":cancel", "");

        assertThat(linesOf(id)).singleElement().satisfies(line -> {
            assertThat(line.getLevel()).isEqualTo(Level.INFO);
            assertThat(fields(line)).containsEntry("job.outcome", "cancelled").containsEntry("job.attempts", "0");
        });
    }

    private UUID enqueue(UUID target) {
        return tx.execute(status -> jobs.enqueue(new JobRequest("test.scripted", "thing", target,
                Map.of("reason", "test")))).id();
    }

    private List<ILoggingEvent> linesOf(UUID jobId) {
        return lines.list.stream().filter(line -> jobId.toString().equals(fields(line).get("job.id"))).toList();
    }

    private static Map<String, String> fields(ILoggingEvent line) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (line.getKeyValuePairs() != null) {
            for (KeyValuePair pair : line.getKeyValuePairs()) {
                fields.put(pair.key, String.valueOf(pair.value));
            }
        }
        return fields;
    }
}
