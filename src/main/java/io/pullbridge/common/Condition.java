package io.pullbridge.common;

import java.time.Instant;

/**
 * One observed fact about a resource, shaped like a Kubernetes condition.
 *
 * @param type    what is observed, e.g. {@code Reachable}, {@code CredentialExpiring}
 * @param status  {@code True}, {@code False} or {@code Unknown}
 */
public record Condition(String type, String status, String reason, String message, Instant lastTransitionTime) {
}
