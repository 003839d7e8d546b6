package io.pullbridge.metrics;

/**
 * Gauges whose values come from the database. {@link GaugeRefresher} calls {@link #refresh()} on every bean of this
 * type once per {@code pullbridge.metrics.refresh-interval}; between refreshes scrapes read the values held.
 */
public interface RefreshedGauges {

    /** Reads the current figures (a few aggregate queries at most) and replaces the series with them. */
    void refresh();
}
