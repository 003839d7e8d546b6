package io.pullbridge.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/** One failing source of gauges keeps its last values and holds no other back; series go when no longer given. */
class GaugeRefresherTests {

    @Test
    void aFailingRefreshLeavesTheOthersRefreshed() {
        List<String> refreshed = new ArrayList<>();
        RefreshedGauges failing = () -> {
            refreshed.add("failing");
            throw new IllegalStateException("database unreachable");
        };
        RefreshedGauges working = () -> refreshed.add("working");
        GaugeRefresher refresher = new GaugeRefresher(List.of(failing, working),
                new MetricsProperties(Duration.ofSeconds(30)));

        refresher.refreshAll();

        assertThat(refreshed).containsExactly("failing", "working");
    }

    @Test
    void aLabelledGaugeKeepsTheSeriesStillGivenAndDropsTheOthers() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        LabelledGauge gauge = LabelledGauge.register(registry, "pullbridge.test", "test", "seconds");
        Map<Tags, DoubleSupplier> first = Map.of(Tags.of("credential_id", "a"), () -> 1, Tags.of("credential_id", "b"),
                () -> 2);

        gauge.set(first);
        var a = registry.get("pullbridge.test").tag("credential_id", "a").gauge();
        gauge.set(Map.of(Tags.of("credential_id", "a"), () -> 5));

        assertThat(registry.get("pullbridge.test").gauges()).hasSize(1);
        assertThat(registry.get("pullbridge.test").tag("credential_id", "a").gauge()).isSameAs(a);
        assertThat(a.value()).isEqualTo(5);
        gauge.set(Map.of());
        assertThat(registry.find("pullbridge.test").gauges()).isEmpty();
    }
}
