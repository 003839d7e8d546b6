package io.pullbridge.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;

/**
 * One gauge name with a series per label set, replaced as a whole by {@link #set}: new label sets appear, those no
 * longer given are removed (a deleted credential's series goes), and the others keep their meter, so a scrape during a
 * refresh never misses a series. A value is a supplier, read at each scrape: a time to expiry stays exact between
 * refreshes without touching the database.
 */
public final class LabelledGauge {

    private final MultiGauge gauge;
    private final Map<Tags, Holder> holders = new ConcurrentHashMap<>();

    private LabelledGauge(MultiGauge gauge) {
        this.gauge = gauge;
    }

    /**
     * @param baseUnit appended to the Prometheus name ({@code seconds}), or null
     */
    public static LabelledGauge register(MeterRegistry registry, String name, String description, String baseUnit) {
        MultiGauge.Builder builder = MultiGauge.builder(name).description(description);
        if (baseUnit != null) {
            builder.baseUnit(baseUnit);
        }
        return new LabelledGauge(builder.register(registry));
    }

    /** The series from now on: exactly these label sets, each with its value. */
    public synchronized void set(Map<Tags, DoubleSupplier> values) {
        holders.keySet().retainAll(values.keySet());
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        values.forEach((tags, value) -> {
            Holder holder = holders.computeIfAbsent(tags, t -> new Holder());
            holder.value = value;
            rows.add(MultiGauge.Row.of(tags, holder, Holder::read));
        });
        gauge.register(rows, false);
    }

    private static final class Holder {
        private volatile DoubleSupplier value = () -> Double.NaN;

        double read() {
            return value.getAsDouble();
        }
    }
}
