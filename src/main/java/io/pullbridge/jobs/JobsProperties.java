package io.pullbridge.jobs;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The job engine's knobs ({@code pullbridge.jobs.*}).
 *
 * @param maxAttempts       failed runs after which a job stops retrying transient failures
 * @param maxAge            age after which a job stops retrying or waiting, whatever its attempts
 * @param initialBackoff    delay before the first retry; doubled each retry, with jitter
 * @param maxBackoff        the longest delay between retries (a longer {@code Retry-After} still wins)
 * @param busyTargetDelay   how soon a job whose target is busy with another job looks again
 * @param reconcileInterval how often every resource that needs it gets a reconcile job
 * @param reconcileBatch    how many jobs the reconcile pass enqueues per transaction
 */
@Validated
@ConfigurationProperties("pullbridge.jobs")
public record JobsProperties(
        @DefaultValue("10") @Min(1) int maxAttempts,
        @DefaultValue("PT24H") Duration maxAge,
        @DefaultValue("PT2S") Duration initialBackoff,
        @DefaultValue("PT10M") Duration maxBackoff,
        @DefaultValue("PT1S") Duration busyTargetDelay,
        @DefaultValue("PT10M") Duration reconcileInterval,
        @DefaultValue("100") @Min(1) int reconcileBatch) {
}
