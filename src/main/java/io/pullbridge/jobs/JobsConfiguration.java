package io.pullbridge.jobs;

import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.Schedules;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

/** The two db-scheduler tasks behind the engine: one execution per job, and the recurring reconcile pass. */
@Configuration(proxyBeanMethods = false)
class JobsConfiguration {

    @Bean
    CustomTask<Void> jobTask(@Lazy JobRunner runner) {
        // The runner records every job outcome itself; an exception escaping it means a database write failed
        // mid-transition, and the execution simply runs again shortly (a claim takes over the job).
        return Tasks.custom(JobRunner.TASK_NAME, Void.class)
                .onDeadExecutionRevive()
                .onFailureReschedule(Schedules.fixedDelay(Duration.ofSeconds(5)))
                .execute(runner::run);
    }

    @Bean
    RecurringTask<Void> reconcileTask(@Lazy ReconcileTrigger trigger, JobsProperties properties) {
        return Tasks.recurring(ReconcileTrigger.TASK_NAME, Schedules.fixedDelay(properties.reconcileInterval()))
                .execute((instance, context) -> trigger.fire());
    }

    @Bean
    RunnerName runnerName(@Value("${db-scheduler.scheduler-name:}") String configured) {
        if (!configured.isBlank()) {
            return new RunnerName(configured);
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return new RunnerName(host + "/" + ManagementFactory.getRuntimeMXBean().getPid());
    }
}
