package io.pullbridge.support;

import com.github.kagkarlsson.scheduler.task.OnStartup;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.testhelper.ManualScheduler;
import com.github.kagkarlsson.scheduler.testhelper.SettableClock;
import com.github.kagkarlsson.scheduler.testhelper.TestHelper;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;

/**
 * Runs the job engine under a manual db-scheduler: jobs run only when a test calls
 * {@link ManualScheduler#runAnyDueExecutions()}, and time moves only when it sets the {@link SettableClock}, which
 * every module reads through the {@link Clock} bean. Nothing then depends on timing.
 */
@TestConfiguration(proxyBeanMethods = false)
public class ManualScheduling {

    @Bean
    SettableClock schedulerClock() {
        // Starts at the real time: db-scheduler stamps a revived dead execution with the wall clock.
        SettableClock clock = new SettableClock();
        clock.set(Instant.now().truncatedTo(ChronoUnit.MILLIS));
        return clock;
    }

    @Bean
    @Primary
    Clock testClock(SettableClock schedulerClock) {
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return schedulerClock.now();
            }
        };
    }

    @Bean
    ManualScheduler scheduler(DataSource dataSource, List<Task<?>> tasks, SettableClock schedulerClock) {
        return replica(dataSource, tasks, schedulerClock);
    }

    /** Another scheduler on the same database: a second replica of the service. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static ManualScheduler replica(DataSource dataSource, List<Task<?>> tasks, SettableClock clock) {
        List<Task<?>> plain = tasks.stream().filter(task -> !(task instanceof OnStartup)).toList();
        List startup = tasks.stream().filter(task -> task instanceof OnStartup).toList();
        return TestHelper.createManualScheduler(new TransactionAwareDataSourceProxy(dataSource), plain)
                .startTasks(startup)
                .clock(clock)
                .build();
    }
}
