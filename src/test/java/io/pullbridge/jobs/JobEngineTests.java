package io.pullbridge.jobs;

import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.testhelper.ManualScheduler;
import com.github.kagkarlsson.scheduler.testhelper.SettableClock;
import io.pullbridge.support.Api;
import io.pullbridge.support.IntegrationTest;
import io.pullbridge.support.ManualScheduling;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

@IntegrationTest
@Import(ManualJobEngine.class)
@ExtendWith(OutputCaptureExtension.class)
class JobEngineTests {

    @Autowired JobService jobs;
    @Autowired ManualScheduler scheduler;
    @Autowired SettableClock clock;
    @Autowired ManualJobEngine.Script script;
    @Autowired TransactionTemplate tx;
    @Autowired JdbcClient jdbc;
    @Autowired DataSource dataSource;
    @Autowired List<Task<?>> tasks;
    @Autowired MockMvc mvc;

    ExecutorService background = Executors.newCachedThreadPool();

    @BeforeEach
    void reset() {
        script.behaviours.clear();
        script.log.clear();
        script.events.clear();
        script.reconcileTargets.clear();
        script.reconcileTypes.clear();
    }

    @AfterEach
    void stop() {
        background.shutdownNow();
    }

    @Test
    void aJobEnqueuedInARolledBackTransactionLeavesNothingBehind() {
        UUID target = UUID.randomUUID();
        assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
            jobs.enqueue(JobRequest.of("test.scripted", "thing", target));
            throw new IllegalStateException("the resource change failed");
        })).hasMessage("the resource change failed");

        assertThat(count("select count(*) from jobs where target_id = ?", target)).isZero();
        assertThat(count("select count(*) from scheduled_tasks where task_name = 'pullbridge-job'")).isZero();
    }

    @Test
    void aJobRunsItsStepsAndSucceedsAndIsAudited() throws Exception {
        UUID target = UUID.randomUUID();
        script.behaviours.put(target, context -> {
            context.step("prepare", () -> "ready");
            context.step("apply", () -> null);
            return JobResult.done("applied");
        });
        UUID id = enqueue("test.scripted", target);
        assertThat(state(id)).isEqualTo("queued");

        scheduler.runAnyDueExecutions();

        assertThat(state(id)).isEqualTo("succeeded");
        Api.reader(mvc).get("/api/v1/jobs/" + id)
                .andExpect(jsonPath("$.steps[0].name").value("prepare"))
                .andExpect(jsonPath("$.steps[0].state").value("succeeded"))
                .andExpect(jsonPath("$.steps[0].detail").value("ready"))
                .andExpect(jsonPath("$.steps[1].name").value("apply"))
                .andExpect(jsonPath("$.attempts").value(1))
                .andExpect(jsonPath("$.startedAt").exists())
                .andExpect(jsonPath("$.finishedAt").exists());
        assertThat(actions(target)).containsExactly("job.start", "job.end");
        assertThat(eventsFor(target)).containsExactly(JobState.RUNNING, JobState.SUCCEEDED);
        assertThat(count("select count(*) from scheduled_tasks where task_instance = ?", id.toString())).isZero();
    }

    @Test
    void transientFailuresAreRetriedWithBackoffHonouringRetryAfter() throws Exception {
        UUID target = UUID.randomUUID();
        AtomicInteger runs = new AtomicInteger();
        script.behaviours.put(target, context -> {
            int run = runs.incrementAndGet();
            context.step("call-azure", () -> {
                if (run == 1) {
                    throw new SocketTimeoutException("read timed out");
                }
                if (run == 2) {
                    throw JobFailure.transientFailure(JobProblem.of("azure-throttled", "Azure throttled the request",
                            429, "Too many requests", FailureClass.TRANSIENT), Duration.ofMinutes(7), null);
                }
                return "ok";
            });
            return JobResult.done();
        });
        UUID id = enqueue("test.scripted", target);

        scheduler.runAnyDueExecutions();
        assertThat(state(id)).isEqualTo("queued");
        Instant firstRetry = nextAttempt(id);
        assertThat(Duration.between(clock.now(), firstRetry)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
        Api.reader(mvc).get("/api/v1/jobs/" + id)
                .andExpect(jsonPath("$.failureClass").value("transient"))
                .andExpect(jsonPath("$.failedAttempts").value(1))
                .andExpect(jsonPath("$.lastError.type").value("https://pullbridge.io/problems/job-timeout"))
                .andExpect(jsonPath("$.steps[0].state").value("failed"));

        clock.set(firstRetry);
        scheduler.runAnyDueExecutions();
        assertThat(state(id)).isEqualTo("queued");
        assertThat(Duration.between(clock.now(), nextAttempt(id))).isEqualTo(Duration.ofMinutes(7));

        clock.tick(Duration.ofMinutes(6));
        scheduler.runAnyDueExecutions();
        assertThat(runs).hasValue(2);
        clock.tick(Duration.ofMinutes(1));
        scheduler.runAnyDueExecutions();
        assertThat(state(id)).isEqualTo("succeeded");
        assertThat(runs).hasValue(3);
        assertThat(actions(target)).filteredOn("job.step-failed"::equals).hasSize(2);
    }

    @Test
    void aPermanentFailureStopsAtOnceAndSaysWhy() throws Exception {
        UUID target = UUID.randomUUID();
        script.behaviours.put(target, context -> {
            context.step("assign-role", () -> {
                throw JobFailure.permanent(JobProblem.of("azure-authorization-failed",
                        "PullBridge may not assign roles here", 403,
                        "The caller lacks Microsoft.Authorization/roleAssignments/write", FailureClass.PERMANENT)
                        .withRemoteRequestId("c0ffee00-0000-0000-0000-000000000001"), null);
            });
            return JobResult.done();
        });
        UUID id = enqueue("test.scripted", target);

        scheduler.runAnyDueExecutions();

        Api.reader(mvc).get("/api/v1/jobs/" + id)
                .andExpect(jsonPath("$.state").value("failed"))
                .andExpect(jsonPath("$.failureClass").value("permanent"))
                .andExpect(jsonPath("$.lastError.status").value(403))
                .andExpect(jsonPath("$.lastError.remoteRequestId").value("c0ffee00-0000-0000-0000-000000000001"))
                .andExpect(jsonPath("$.lastError.detail").value(containsString("roleAssignments/write")));
        assertThat(eventsFor(target)).containsExactly(JobState.RUNNING, JobState.FAILED);
    }

    @Test
    void aStepHandsItsValueToTheNextAndRecordsWhatItSays() throws Exception {
        UUID target = UUID.randomUUID();
        script.behaviours.put(target, context -> {
            int replicas = context.step("count", () -> 3, count -> count + " replicas");
            context.step("check", () -> {
                if (replicas != 3) {
                    throw new IllegalStateException("got " + replicas);
                }
                throw JobFailure.permanent("quota-exceeded", "The quota is used up", 409, replicas + " is too many");
            });
            return JobResult.done();
        });
        UUID id = enqueue("test.scripted", target);

        scheduler.runAnyDueExecutions();

        Api.reader(mvc).get("/api/v1/jobs/" + id)
                .andExpect(jsonPath("$.state").value("failed"))
                .andExpect(jsonPath("$.steps[0].name").value("count"))
                .andExpect(jsonPath("$.steps[0].state").value("succeeded"))
                .andExpect(jsonPath("$.steps[0].detail").value("3 replicas"))
                .andExpect(jsonPath("$.steps[1].detail").value("3 is too many"))
                .andExpect(jsonPath("$.failureClass").value("permanent"))
                .andExpect(jsonPath("$.lastError.type").value("https://pullbridge.io/problems/quota-exceeded"))
                .andExpect(jsonPath("$.lastError.title").value("The quota is used up"))
                .andExpect(jsonPath("$.lastError.status").value(409));
    }

    @Test
    void whatAJobRecordsIsMaskedForTheSecretsItSaysItHolds(CapturedOutput output) throws Exception {
        String secret = "s3cret-Pa55word/+=";
        String encoded = java.util.Base64.getEncoder().encodeToString(secret.getBytes(
                java.nio.charset.StandardCharsets.UTF_8));
        UUID failing = UUID.randomUUID();
        script.behaviours.put(failing, context -> {
            context.protect(secret);
            context.step("read", () -> "read " + secret);
            context.step("write", () -> {
                throw JobFailure.permanent(JobProblem.of("cluster-invalid", "The cluster refused the request", 422,
                        "admission webhook denied the request: data " + encoded, FailureClass.PERMANENT), null);
            });
            return JobResult.done();
        });
        UUID crashing = UUID.randomUUID();
        script.behaviours.put(crashing, context -> {
            context.protect(secret);
            throw new IllegalStateException("cannot parse " + secret, new IOException("token " + encoded));
        });
        UUID waiting = UUID.randomUUID();
        AtomicInteger runs = new AtomicInteger();
        script.behaviours.put(waiting, context -> {
            context.protect(secret);
            return runs.incrementAndGet() == 1 ? JobResult.retryAfter(Duration.ofSeconds(1), "waiting for " + secret)
                    : JobResult.done("done with " + encoded);
        });
        UUID failed = enqueue("test.scripted", failing);
        UUID crashed = enqueue("test.scripted", crashing);
        UUID waited = enqueue("test.scripted", waiting);

        scheduler.runAnyDueExecutions();
        clock.tick(Duration.ofSeconds(2));
        scheduler.runAnyDueExecutions();

        assertThat(state(failed)).isEqualTo("failed");
        assertThat(state(crashed)).isEqualTo("failed");
        assertThat(state(waited)).isEqualTo("succeeded");
        Api.reader(mvc).get("/api/v1/jobs/" + failed)
                .andExpect(jsonPath("$.steps[0].detail").value("read (redacted)"))
                .andExpect(jsonPath("$.steps[1].detail").value("admission webhook denied the request: data (redacted)"))
                .andExpect(jsonPath("$.lastError.detail").value("admission webhook denied the request: data (redacted)"));
        List<String> recorded = new java.util.ArrayList<>(jdbc.sql("select row_to_json(j)::text from jobs j where "
                + "target_id in (?, ?, ?)").params(failing, crashing, waiting).query(String.class).list());
        recorded.addAll(jdbc.sql("select row_to_json(a)::text from audit_events a where resource_id in (?, ?, ?)")
                .params(failing.toString(), crashing.toString(), waiting.toString()).query(String.class).list());
        script.events.stream().filter(event -> List.of(failing, crashing, waiting).contains(event.targetId()))
                .forEach(event -> recorded.add(event.toString()));
        assertThat(recorded).isNotEmpty().noneMatch(text -> text.contains(secret) || text.contains(encoded))
                .anyMatch(text -> text.contains("waiting for (redacted)"))
                .anyMatch(text -> text.contains("done with (redacted)"));
        assertThat(output.getAll()).contains("failed unexpectedly").contains("cannot parse (redacted)")
                .contains("token (redacted)").doesNotContain(secret).doesNotContain(encoded);
    }

    @Test
    void retriesStopAfterTheConfiguredAttempts() throws Exception {
        UUID target = UUID.randomUUID();
        script.behaviours.put(target, context -> {
            context.step("flaky", () -> {
                throw new IOException("connection reset");
            });
            return JobResult.done();
        });
        UUID id = enqueue("test.scripted", target);

        for (int run = 0; run < 10; run++) {
            scheduler.runAnyDueExecutions();
            clock.tick(Duration.ofMinutes(15));
        }

        Api.reader(mvc).get("/api/v1/jobs/" + id)
                .andExpect(jsonPath("$.state").value("failed"))
                .andExpect(jsonPath("$.attempts").value(10))
                .andExpect(jsonPath("$.lastError.detail").value(containsString("Gave up after 10 failed attempt(s)")));
    }

    @Test
    void aWaitingJobPollsUntilDoneWithoutUsingItsRetryBudget() throws Exception {
        UUID target = UUID.randomUUID();
        AtomicInteger polls = new AtomicInteger();
        script.behaviours.put(target, context -> polls.incrementAndGet() < 15
                ? JobResult.retryAfter(Duration.ofSeconds(30), "extension still provisioning")
                : JobResult.done());
        UUID id = enqueue("test.scripted", target);

        for (int poll = 0; poll < 15; poll++) {
            scheduler.runAnyDueExecutions();
            clock.tick(Duration.ofSeconds(30));
        }

        assertThat(state(id)).isEqualTo("succeeded");
        assertThat(polls).hasValue(15);
    }

    @Test
    void aJobThatWaitsResumesAtTheStepItWaitsInAndShowsItOnceWithItsPolls() throws Exception {
        UUID target = UUID.randomUUID();
        AtomicInteger prepared = new AtomicInteger();
        AtomicInteger read = new AtomicInteger();
        AtomicInteger polls = new AtomicInteger();
        script.behaviours.put(target, context -> {
            context.step("prepare", () -> "prepared " + prepared.incrementAndGet() + " time(s)");
            String name = context.step("read-name", () -> "name-" + read.incrementAndGet(), value -> "read " + value);
            boolean installed = context.step("await-install", () -> polls.incrementAndGet() >= 3,
                    done -> done ? "installed as " + name : "still installing (poll " + polls.get() + ")");
            if (!installed) {
                return JobResult.retryAfter(Duration.ofSeconds(30), "waiting for the install");
            }
            context.step("finish", () -> "finished " + name);
            return JobResult.done();
        });
        UUID id = enqueue("test.scripted", target);

        for (int run = 0; run < 3; run++) {
            scheduler.runAnyDueExecutions();
            clock.tick(Duration.ofSeconds(30));
        }

        assertThat(state(id)).isEqualTo("succeeded");
        assertThat(prepared).hasValue(1);
        assertThat(polls).hasValue(3);
        Api.reader(mvc).get("/api/v1/jobs/" + id)
                .andExpect(jsonPath("$.steps.length()").value(4))
                .andExpect(jsonPath("$.steps[0].name").value("prepare"))
                .andExpect(jsonPath("$.steps[0].detail").value("prepared 1 time(s)"))
                .andExpect(jsonPath("$.steps[0].polls").doesNotExist())
                .andExpect(jsonPath("$.steps[1].name").value("read-name"))
                .andExpect(jsonPath("$.steps[1].detail").value("read name-3"))
                .andExpect(jsonPath("$.steps[1].polls").doesNotExist())
                .andExpect(jsonPath("$.steps[2].name").value("await-install"))
                .andExpect(jsonPath("$.steps[2].state").value("succeeded"))
                .andExpect(jsonPath("$.steps[2].detail").value("installed as name-3"))
                .andExpect(jsonPath("$.steps[2].polls").value(3))
                .andExpect(jsonPath("$.steps[3].name").value("finish"))
                .andExpect(jsonPath("$.steps[3].detail").value("finished name-3"));
    }

    @Test
    void aJobThatFailedStartsOverInsteadOfResuming() throws Exception {
        UUID target = UUID.randomUUID();
        AtomicInteger runs = new AtomicInteger();
        script.behaviours.put(target, context -> {
            int run = runs.incrementAndGet();
            context.step("prepare", () -> "run " + run);
            if (run == 1) {
                return JobResult.retryAfter(Duration.ofSeconds(1), "waiting");
            }
            context.step("call", () -> {
                if (run == 2) {
                    throw new IOException("connection reset");
                }
                return "called";
            });
            return JobResult.done();
        });
        UUID id = enqueue("test.scripted", target);

        for (int run = 0; run < 3; run++) {
            scheduler.runAnyDueExecutions();
            clock.tick(Duration.ofMinutes(1));
        }

        assertThat(state(id)).isEqualTo("succeeded");
        Api.reader(mvc).get("/api/v1/jobs/" + id)
                .andExpect(jsonPath("$.steps[*].name").value(org.hamcrest.Matchers.contains("prepare", "call",
                        "prepare", "call")))
                .andExpect(jsonPath("$.steps[0].detail").value("run 2"))
                .andExpect(jsonPath("$.steps[0].polls").value(2))
                .andExpect(jsonPath("$.steps[1].state").value("failed"))
                .andExpect(jsonPath("$.steps[2].detail").value("run 3"));
    }

    @Test
    void jobsOnOneTargetRunOneAtATimeInOrderWhileOtherTargetsGoOn() throws Exception {
        UUID target = UUID.randomUUID();
        UUID elsewhere = UUID.randomUUID();
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        script.behaviours.put(target, context -> {
            context.step("slow", () -> {
                inside.countDown();
                ManualJobEngine.Script.await(release);
                return null;
            });
            return JobResult.done();
        });
        UUID first = enqueue("test.scripted", target);
        Future<?> running = background.submit(scheduler::runAnyDueExecutions);
        ManualJobEngine.Script.await(inside);

        UUID second = enqueue("test.other", target);
        UUID unrelated = enqueue("test.other", elsewhere);
        scheduler.runAnyDueExecutions();

        assertThat(state(first)).isEqualTo("running");
        assertThat(state(second)).isEqualTo("queued");
        assertThat(state(unrelated)).isEqualTo("succeeded");

        release.countDown();
        running.get(10, TimeUnit.SECONDS);
        clock.tick(Duration.ofSeconds(1));
        scheduler.runAnyDueExecutions();

        assertThat(state(second)).isEqualTo("succeeded");
        Instant firstFinished = instant("select finished_at from jobs where id = ?", first);
        Instant secondStarted = instant("select started_at from jobs where id = ?", second);
        assertThat(secondStarted).isAfterOrEqualTo(firstFinished);
    }

    @Test
    void aQueuedJobOfTheSameKindAbsorbsANewRequest() {
        UUID target = UUID.randomUUID();
        JobRef first = tx.execute(status -> jobs.enqueue(JobRequest.of("test.scripted", "thing", target)));
        JobRef again = tx.execute(status -> jobs.enqueue(JobRequest.of("test.scripted", "thing", target)));
        JobRef other = tx.execute(status -> jobs.enqueue(JobRequest.of("test.other", "thing", target)));

        assertThat(again.id()).isEqualTo(first.id());
        assertThat(again.coalesced()).isTrue();
        assertThat(other.id()).isNotEqualTo(first.id());
        assertThat(count("select count(*) from jobs where target_id = ?", target)).isEqualTo(2);
    }

    @Test
    void cancellingAQueuedJobRemovesItAndARunningJobStopsAtItsNextStep() throws Exception {
        UUID queuedTarget = UUID.randomUUID();
        UUID queued = enqueue("test.scripted", queuedTarget);
        Api.operator(mvc).post("/api/v1/jobs/" + queued + ":cancel", "")
                .andExpect(status().isAccepted())
                .andExpect(header().string("Operation-Location", "/api/v1/jobs/" + queued))
                .andExpect(jsonPath("$.state").value("cancelled"));
        assertThat(count("select count(*) from scheduled_tasks where task_instance = ?", queued.toString())).isZero();

        UUID target = UUID.randomUUID();
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger secondStepRuns = new AtomicInteger();
        script.behaviours.put(target, context -> {
            context.step("first", () -> {
                inside.countDown();
                ManualJobEngine.Script.await(release);
                return null;
            });
            context.step("second", () -> {
                secondStepRuns.incrementAndGet();
                return null;
            });
            return JobResult.done();
        });
        UUID running = enqueue("test.scripted", target);
        Future<?> run = background.submit(scheduler::runAnyDueExecutions);
        ManualJobEngine.Script.await(inside);

        Api.operator(mvc).post("/api/v1/jobs/" + running + ":cancel", "")
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.cancelRequested").value(true));
        release.countDown();
        run.get(10, TimeUnit.SECONDS);

        assertThat(state(running)).isEqualTo("cancelled");
        assertThat(secondStepRuns).hasValue(0);
        Api.operator(mvc).post("/api/v1/jobs/" + running + ":cancel", "")
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.type").value("https://pullbridge.io/problems/invalid-state"));

        Api.operator(mvc).post("/api/v1/jobs/" + running + ":retry", "")
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.state").value("queued"));
        scheduler.runAnyDueExecutions();
        assertThat(state(running)).isEqualTo("succeeded");
        assertThat(secondStepRuns).hasValue(1);
        Api.operator(mvc).post("/api/v1/jobs/" + running + ":retry", "").andExpect(status().isConflict());
        Api.reader(mvc).post("/api/v1/jobs/" + running + ":retry", "").andExpect(status().isForbidden());
    }

    @Test
    void aJobWhoseReplicaDiesIsFinishedExactlyOnceByAnother() throws Exception {
        ManualScheduler replicaB = ManualScheduling.replica(dataSource, tasks, clock);
        UUID target = UUID.randomUUID();
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch hang = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        AtomicInteger applied = new AtomicInteger();
        AtomicInteger published = new AtomicInteger();
        script.behaviours.put(target, context -> {
            boolean firstRun = runs.incrementAndGet() == 1;
            context.step("apply", () -> {
                if (firstRun) {
                    inside.countDown();
                    ManualJobEngine.Script.await(hang);
                }
                applied.incrementAndGet();
                return null;
            });
            context.step("publish", () -> {
                published.incrementAndGet();
                return null;
            });
            return JobResult.done();
        });
        UUID id = enqueue("test.scripted", target);
        Future<?> replicaA = background.submit(scheduler::runAnyDueExecutions);
        ManualJobEngine.Script.await(inside);

        // Replica A stops heartbeating; once its execution counts as dead, replica B revives and finishes it.
        clock.tick(Duration.ofHours(1));
        replicaB.runDeadExecutionDetection();
        replicaB.runAnyDueExecutions();
        assertThat(state(id)).isEqualTo("succeeded");

        hang.countDown();
        replicaA.get(10, TimeUnit.SECONDS);

        assertThat(state(id)).isEqualTo("succeeded");
        assertThat(published).hasValue(1);
        assertThat(applied).hasValue(2);
        assertThat(actions(target)).filteredOn("job.end"::equals).hasSize(1);
        assertThat(actions(target)).filteredOn("job.start"::equals).hasSize(2);
        assertThat(count("select count(*) from scheduled_tasks where task_instance = ?", id.toString())).isZero();
    }

    @Test
    void aRunnerPresumedDeadCannotWriteAResourceRowAfterAnotherTookItsJobOver() throws Exception {
        UUID target = fencedThing();
        Stall stall = new Stall();
        AtomicInteger runs = new AtomicInteger();
        List<Throwable> refused = new CopyOnWriteArrayList<>();
        script.behaviours.put(target, context -> {
            boolean firstRun = runs.incrementAndGet() == 1;
            context.step("make", () -> {
                // What the outside world made in this run; the first runner stalls right after making it.
                String value = firstRun ? "made-by-A" : "made-by-B";
                if (firstRun) {
                    stall.here();
                }
                try {
                    context.fenced(() -> jdbc.sql("update fenced_things set made = ? where id = ?")
                            .params(value, target).update());
                } catch (RuntimeException e) {
                    refused.add(e);
                    throw e;
                }
                return value;
            });
            return JobResult.done();
        });
        UUID id = enqueue("test.scripted", target);

        // Replica A is presumed dead; replica B takes the job over and records what it made. Then A wakes up and
        // tries to record what it made: refused, and nothing of it is stored.
        takeOverWhileStalled(id, stall, () -> { });

        assertThat(refused).singleElement().satisfies(e -> assertThat(e).hasMessageContaining("taken over"));
        assertThat(made(target)).isEqualTo("made-by-B");
        assertThat(state(id)).isEqualTo("succeeded");
        Api.reader(mvc).get("/api/v1/jobs/" + id)
                .andExpect(jsonPath("$.steps[*].detail", hasItem("made-by-B")))
                .andExpect(jsonPath("$.steps[*].detail", not(hasItem("made-by-A"))));
        assertThat(actions(target)).noneMatch("job.step-failed"::equals);
    }

    @Test
    void aRunnerPresumedDeadUndoesWhatItMadeWhenItMayNotRecordItAndTheOwnerUndoesNothing() throws Exception {
        UUID target = fencedThing();
        Stall stall = new Stall();
        AtomicInteger runs = new AtomicInteger();
        List<String> undone = new CopyOnWriteArrayList<>();
        script.behaviours.put(target, context -> {
            boolean firstRun = runs.incrementAndGet() == 1;
            context.step("make", () -> {
                String value = firstRun ? "made-by-A" : "made-by-B";
                if (firstRun) {
                    stall.here();
                }
                context.fencedOrUndo(() -> jdbc.sql("update fenced_things set made = ? where id = ?")
                        .params(value, target).update(), value, () -> undone.add(value));
                return value;
            });
            return JobResult.done();
        });
        UUID id = enqueue("test.scripted", target);

        takeOverWhileStalled(id, stall,
                () -> assertThat(undone).as("the owner records what it made and undoes nothing").isEmpty());

        assertThat(undone).as("what A made, which nobody will record").containsExactly("made-by-A");
        assertThat(made(target)).isEqualTo("made-by-B");
        assertThat(state(id)).isEqualTo("succeeded");
        assertThat(actions(target)).noneMatch("job.step-failed"::equals);
    }

    /** A row a scripted job writes fenced by its run token; it holds "nothing" until a runner records something. */
    private UUID fencedThing() {
        jdbc.sql("create table if not exists fenced_things (id uuid primary key, made text not null)").update();
        UUID target = UUID.randomUUID();
        jdbc.sql("insert into fenced_things (id, made) values (?, 'nothing')").param(target).update();
        return target;
    }

    private String made(UUID target) {
        return jdbc.sql("select made from fenced_things where id = ?").param(target).query(String.class).single();
    }

    /** Where a job's first runner stops, as if its process froze, until the test wakes it. */
    private static final class Stall {

        final CountDownLatch reached = new CountDownLatch(1);
        final CountDownLatch wake = new CountDownLatch(1);

        void here() throws InterruptedException {
            reached.countDown();
            ManualJobEngine.Script.await(wake);
        }
    }

    /**
     * Replica A runs the job until it stalls; the clock passes A's lease, replica B takes the job over and finishes
     * it ({@code whileAStalls} then looks at what B left); then A wakes up and runs to its end.
     */
    private void takeOverWhileStalled(UUID id, Stall stall, Runnable whileAStalls) throws Exception {
        ManualScheduler replicaB = ManualScheduling.replica(dataSource, tasks, clock);
        Future<?> replicaA = background.submit(scheduler::runAnyDueExecutions);
        ManualJobEngine.Script.await(stall.reached);

        clock.tick(Duration.ofHours(1));
        replicaB.runDeadExecutionDetection();
        replicaB.runAnyDueExecutions();
        assertThat(state(id)).isEqualTo("succeeded");
        whileAStalls.run();

        stall.wake.countDown();
        replicaA.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aFencedWriteOfTheRunnerThatOwnsTheJobIsStoredEvenWhenACancelWasAsked() throws Exception {
        UUID target = fencedThing();
        script.behaviours.put(target, context -> {
            context.step("make", () -> {
                jdbc.sql("update jobs set cancel_requested = true where id = ?").param(context.jobId()).update();
                context.fenced(() -> {
                    jdbc.sql("update fenced_things set made = 'recorded' where id = ?").param(target).update();
                });
                return null;
            });
            context.step("next", () -> null);
            return JobResult.done();
        });
        UUID id = enqueue("test.scripted", target);
        scheduler.runAnyDueExecutions();

        assertThat(made(target)).isEqualTo("recorded");
        assertThat(state(id)).isEqualTo("cancelled");
    }

    @Test
    void theReconcilePassFiresOncePerIntervalAcrossReplicasAndSkipsBusyTargets() {
        ManualScheduler replicaB = ManualScheduling.replica(dataSource, tasks, clock);
        UUID idle = UUID.randomUUID();
        UUID busy = UUID.randomUUID();
        script.reconcileTargets.addAll(List.of(idle, busy));
        enqueue("test.scripted", busy);
        clock.tick(Duration.ofMinutes(10));
        int passesBefore = script.reconcilePasses.get();

        // Only the reconcile execution is due on replica B; the busy target's job is left for replica A.
        jdbc.sql("update scheduled_tasks set execution_time = ? where task_name = 'pullbridge-job'")
                .param(Timestamp.from(clock.now().plus(Duration.ofHours(1)))).update();
        replicaB.runAnyDueExecutions();
        scheduler.runAnyDueExecutions();

        assertThat(script.reconcilePasses.get() - passesBefore).isEqualTo(1);
        assertThat(count("select count(*) from jobs where target_id = ? and type = 'test.other'", idle)).isEqualTo(1);
        assertThat(count("select count(*) from jobs where target_id = ? and type = 'test.other'", busy)).isZero();

        clock.tick(Duration.ofMinutes(5));
        replicaB.runAnyDueExecutions();
        scheduler.runAnyDueExecutions();
        assertThat(script.reconcilePasses.get() - passesBefore).isEqualTo(1);

        clock.tick(Duration.ofMinutes(6));
        scheduler.runAnyDueExecutions();
        replicaB.runAnyDueExecutions();
        assertThat(script.reconcilePasses.get() - passesBefore).isEqualTo(2);
    }

    @Test
    void theReconcilePassEnqueuesInBatchesAndABadRequestCostsOnlyItsOwnJob(CapturedOutput output) {
        List<UUID> targets = new java.util.ArrayList<>();
        for (int i = 0; i < 250; i++) {
            targets.add(UUID.randomUUID());
        }
        UUID unhandled = targets.get(150);
        script.reconcileTypes.put(unhandled, "test.unhandled");
        script.reconcileTargets.addAll(targets);
        clock.tick(Duration.ofMinutes(11));

        scheduler.runAnyDueExecutions();

        assertThat(jdbc.sql("select count(*) from jobs where type = 'test.other' and target_id = any(?)")
                .param(targets.toArray(UUID[]::new)).query(Long.class).single())
                .as("jobs enqueued, the unhandled request's batch included").isEqualTo(249);
        assertThat(count("select count(*) from jobs where target_id = ?", unhandled)).isZero();
        assertThat(output).contains("Reconcile pass could not enqueue test.unhandled for thing " + unhandled)
                .contains("Reconcile pass enqueued 249 job(s)");

        // 249 queued jobs would hold up the next test's executions: they go.
        script.reconcileTargets.clear();
        jdbc.sql("delete from scheduled_tasks where task_name = 'pullbridge-job' and task_instance in "
                + "(select cast(id as text) from jobs where target_id = any(?))")
                .param(targets.toArray(UUID[]::new)).update();
        jdbc.sql("delete from jobs where target_id = any(?)").param(targets.toArray(UUID[]::new)).update();
    }

    @Test
    void metricsCountJobsByTypeAndOutcome() throws Exception {
        UUID id = enqueue("test.other", UUID.randomUUID());
        scheduler.runAnyDueExecutions();
        assertThat(state(id)).isEqualTo("succeeded");

        // On the API port (no management port of its own here) the scrape takes an Admin token.
        mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get("/actuator/prometheus")
                        .header("Authorization", "Bearer " + io.pullbridge.support.TestTokens.instance()
                                .token("scraper", "Admin")))
                .andExpect(status().isOk())
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.content()
                        .string(containsString("pullbridge_jobs_completed_total{outcome=\"succeeded\",type=\"test.other\"")))
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.content()
                        .string(containsString("pullbridge_jobs_queue_depth")))
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.content()
                        .string(containsString("pullbridge_jobs_queue_oldest_age_seconds")));
    }

    private UUID enqueue(String type, UUID target) {
        return tx.execute(status -> jobs.enqueue(new JobRequest(type, "thing", target, Map.of("reason", "test")))).id();
    }

    private String state(UUID id) {
        return jdbc.sql("select state from jobs where id = ?").param(id).query(String.class).single();
    }

    private Instant nextAttempt(UUID id) {
        return instant("select next_attempt_at from jobs where id = ?", id);
    }

    private Instant instant(String sql, UUID id) {
        return jdbc.sql(sql).param(id).query(Timestamp.class).single().toInstant();
    }

    private long count(String sql, Object... params) {
        return jdbc.sql(sql).params(params).query(Long.class).single();
    }

    private List<JobState> eventsFor(UUID target) {
        return script.events.stream().filter(event -> event.targetId().equals(target)).map(JobStateChanged::state)
                .toList();
    }

    private List<String> actions(UUID target) {
        return jdbc.sql("select action from audit_events where resource_id = ? order by seq")
                .param(target.toString()).query(String.class).list();
    }
}
