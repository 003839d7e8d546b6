/**
 * Gauges of what PullBridge manages (bindings by phase, clusters by reachability, credentials' time to expiry, the
 * last reconciliation pass) for {@code /actuator/prometheus}. Features own their gauges, which read their own tables;
 * this module refreshes them all together every {@code pullbridge.metrics.refresh-interval}, so a scrape costs the
 * database nothing and series of deleted resources disappear at the next refresh. It knows no feature.
 */
package io.pullbridge.metrics;
