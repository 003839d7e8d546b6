package io.pullbridge.audit;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.Schedules;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

/** The audit retention purge, a recurring db-scheduler task: it runs on one replica at a time. */
@Configuration(proxyBeanMethods = false)
class AuditConfiguration {

    static final String PURGE_TASK = "pullbridge-audit-purge";

    @Bean
    RecurringTask<Void> auditPurgeTask(@Lazy AuditRetention retention, AuditProperties properties) {
        return Tasks.recurring(PURGE_TASK, Schedules.fixedDelay(properties.purgeInterval()))
                .execute((instance, context) -> retention.purge());
    }
}
