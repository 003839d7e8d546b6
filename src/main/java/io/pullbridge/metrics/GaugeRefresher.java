package io.pullbridge.metrics;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * Refreshes every {@link RefreshedGauges} bean at start and then every {@code pullbridge.metrics.refresh-interval}.
 * A refresh that fails keeps the last values (and says so once per failure) rather than dropping the series.
 */
@Component
public class GaugeRefresher implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(GaugeRefresher.class);

    private final List<RefreshedGauges> gauges;
    private final MetricsProperties properties;

    GaugeRefresher(List<RefreshedGauges> gauges, MetricsProperties properties) {
        this.gauges = gauges;
        this.properties = properties;
    }

    /** Refreshes every gauge now (the schedule does it by itself; tests call it to read current figures). */
    public void refreshAll() {
        for (RefreshedGauges gauge : gauges) {
            try {
                gauge.refresh();
            } catch (RuntimeException e) {
                log.warn("Could not refresh the gauges of {}; they keep their last values: {}",
                        gauge.getClass().getSimpleName(), e.toString());
            }
        }
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addFixedDelayTask(this::refreshAll, properties.refreshInterval());
    }
}
