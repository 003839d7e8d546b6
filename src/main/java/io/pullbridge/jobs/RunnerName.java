package io.pullbridge.jobs;

/** This replica's name in job records and in db-scheduler's {@code picked_by}. */
record RunnerName(String value) {
}
