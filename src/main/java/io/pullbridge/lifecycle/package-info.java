/**
 * The lifecycle every resource shares: its status follows its latest job, and its delete runs as a job that
 * removes what PullBridge created outside before the row goes. Features plug in by implementing
 * {@link io.pullbridge.lifecycle.ManagedResources}; this module knows none of them.
 */
package io.pullbridge.lifecycle;
