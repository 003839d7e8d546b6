package io.pullbridge.common;

/** Lifecycle phase every resource reports under {@code status.phase}. */
public enum Phase {
    Pending, Provisioning, Ready, Degraded, Failed, Deleting
}
