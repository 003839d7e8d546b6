package io.pullbridge.jobs;

import com.github.kagkarlsson.scheduler.SchedulerState;
import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.testhelper.ManualScheduler;
import io.pullbridge.support.IntegrationTest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/** A replica that is told to stop hands its running jobs back at their next step; another replica finishes them. */
@IntegrationTest
@Import(ManualJobEngine.class)
class JobShutdownTests {

    @Autowired JobService jobs;
    @Autowired JobRunner runner;
    @Autowired ManualScheduler scheduler;
    @Autowired ManualJobEngine.Script script;
    @Autowired TransactionTemplate tx;
    @Autowired JdbcClient jdbc;

    @Test
    void aJobRunningWhenItsReplicaStopsIsHandedBackAtItsNextStepAndFinishedElsewhere() {
        UUID target = UUID.randomUUID();
        AtomicBoolean stopping = new AtomicBoolean();
        AtomicInteger firstRuns = new AtomicInteger();
        AtomicInteger secondRuns = new AtomicInteger();
        script.behaviours.put(target, context -> {
            context.step("first", () -> {
                firstRuns.incrementAndGet();
                stopping.set(true);
                return null;
            });
            context.step("second", () -> {
                secondRuns.incrementAndGet();
                return null;
            });
            return JobResult.done();
        });
        UUID id = tx.execute(status -> jobs.enqueue(new JobRequest("test.scripted", "thing", target, Map.of()))).id();

        // The replica runs the job as db-scheduler would, and receives SIGTERM during the first step.
        runner.run(new TaskInstance<>(JobRunner.TASK_NAME, id.toString()),
                new ExecutionContext(stoppingState(stopping), null, null, null));

        assertThat(state(id)).isEqualTo("queued");
        assertThat(jdbc.sql("select attempts from jobs where id = ?").param(id).query(Integer.class).single()).isZero();
        assertThat(stepStates(id)).containsExactly("first:succeeded");
        assertThat(secondRuns).hasValue(0);

        scheduler.runAnyDueExecutions();

        assertThat(state(id)).isEqualTo("succeeded");
        assertThat(firstRuns).hasValue(2);
        assertThat(secondRuns).hasValue(1);
    }

    private static SchedulerState stoppingState(AtomicBoolean stopping) {
        return new SchedulerState() {
            @Override
            public boolean isShuttingDown() {
                return stopping.get();
            }

            @Override
            public boolean isStarted() {
                return true;
            }

            @Override
            public boolean isPaused() {
                return false;
            }
        };
    }

    private String state(UUID id) {
        return jdbc.sql("select state from jobs where id = ?").param(id).query(String.class).single();
    }

    private List<String> stepStates(UUID id) {
        return jdbc.sql("select s ->> 'name' || ':' || (s ->> 'state') from jobs, jsonb_array_elements(steps) s "
                + "where id = ?").param(id).query(String.class).list();
    }
}
