package io.pullbridge.bindings;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.pullbridge.common.Phase;
import io.pullbridge.metrics.LabelledGauge;
import io.pullbridge.metrics.RefreshedGauges;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.DoubleSupplier;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * {@code pullbridge_bindings{method,phase}}: bindings by method and phase (every combination, zeros included, so a
 * dashboard's series never vanish); {@code pullbridge_binding_unhealthy{binding_id,method,phase}}: 1 for each binding
 * that is Degraded or Failed, and no series for the others, so an alert can name the binding and how long it has been
 * so. One aggregate query and one over the unhealthy bindings per refresh.
 */
@Component
class BindingGauges implements RefreshedGauges {

    private final JdbcClient jdbc;
    private final LabelledGauge byPhase;
    private final LabelledGauge unhealthy;

    BindingGauges(JdbcClient jdbc, MeterRegistry registry) {
        this.jdbc = jdbc;
        this.byPhase = LabelledGauge.register(registry, "pullbridge.bindings", "Bindings by method and phase", null);
        this.unhealthy = LabelledGauge.register(registry, "pullbridge.binding.unhealthy",
                "1 for each binding that is Degraded or Failed", null);
    }

    @Override
    public void refresh() {
        Map<String, Long> counts = new HashMap<>();
        jdbc.sql("select method, phase, count(*) from bindings group by method, phase")
                .query(rs -> {
                    counts.put(rs.getString(1) + "|" + rs.getString(2), rs.getLong(3));
                });
        Map<Tags, DoubleSupplier> phases = new LinkedHashMap<>();
        for (BindingMethod method : BindingMethod.values()) {
            for (Phase phase : Phase.values()) {
                long count = counts.getOrDefault(method.value() + "|" + phase.name(), 0L);
                phases.put(Tags.of("method", method.value(), "phase", phase.name()), () -> count);
            }
        }
        byPhase.set(phases);

        Map<Tags, DoubleSupplier> bad = new LinkedHashMap<>();
        jdbc.sql("select id, method, phase from bindings where phase in ('Degraded', 'Failed')")
                .query(rs -> {
                    bad.put(Tags.of("binding_id", rs.getString(1), "method", rs.getString(2), "phase",
                            rs.getString(3)), () -> 1);
                });
        unhealthy.set(bad);
    }
}
