package io.pullbridge.clusters;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.pullbridge.metrics.LabelledGauge;
import io.pullbridge.metrics.RefreshedGauges;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleSupplier;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * {@code pullbridge_clusters{kind,reachable}}: clusters by kind and by their {@code Reachable} condition
 * ({@code true}, {@code false}, or {@code unknown} before the first connection); {@code
 * pullbridge_cluster_reachable{cluster_id,cluster,kind}}: 1 or 0 for each cluster whose reachability is known, so an
 * alert can name the cluster that stopped answering. One query per refresh.
 */
@Component
class ClusterGauges implements RefreshedGauges {

    private final JdbcClient jdbc;
    private final LabelledGauge byReachability;
    private final LabelledGauge reachable;

    ClusterGauges(JdbcClient jdbc, MeterRegistry registry) {
        this.jdbc = jdbc;
        this.byReachability = LabelledGauge.register(registry, "pullbridge.clusters",
                "Clusters by kind and reachability", null);
        this.reachable = LabelledGauge.register(registry, "pullbridge.cluster.reachable",
                "1 when PullBridge's last connection to the cluster worked, 0 when it failed", null);
    }

    @Override
    public void refresh() {
        Map<String, Long> counts = new HashMap<>();
        Map<Tags, DoubleSupplier> each = new LinkedHashMap<>();
        jdbc.sql("""
                        select id, name, kind,
                               (select c ->> 'status' from jsonb_array_elements(conditions) c
                                where c ->> 'type' = :type limit 1) as reachable
                        from clusters""")
                .param("type", Conditions.REACHABLE)
                .query(rs -> {
                    String status = rs.getString("reachable");
                    String state = status == null ? "unknown" : status.toLowerCase(Locale.ROOT);
                    if (!state.equals("true") && !state.equals("false")) {
                        state = "unknown";
                    }
                    counts.merge(rs.getString("kind") + "|" + state, 1L, Long::sum);
                    if (!state.equals("unknown")) {
                        int value = state.equals("true") ? 1 : 0;
                        each.put(Tags.of("cluster_id", rs.getString("id"), "cluster", rs.getString("name"), "kind",
                                rs.getString("kind")), () -> value);
                    }
                });
        Map<Tags, DoubleSupplier> totals = new LinkedHashMap<>();
        for (ClusterKind kind : ClusterKind.values()) {
            for (String state : new String[] {"true", "false", "unknown"}) {
                long count = counts.getOrDefault(kind.value() + "|" + state, 0L);
                totals.put(Tags.of("kind", kind.value(), "reachable", state), () -> count);
            }
        }
        byReachability.set(totals);
        reachable.set(each);
    }
}
