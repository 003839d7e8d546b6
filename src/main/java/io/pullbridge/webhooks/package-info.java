/**
 * Webhooks: Admins subscribe an https URL to event types ({@link io.pullbridge.webhooks.WebhookEventType}); when one
 * happens (a job ends, a binding's phase changes, a credential is rotated, a cluster becomes unreachable) the event
 * is written, in the transaction of what happened, as a CloudEvents 1.0 document with one delivery per subscription,
 * and a {@code webhook.deliver} job per delivery sends it, signed as the Standard Webhooks specification says, with
 * the job engine's retries and backoff. A delivery keeps its {@code webhook-id} across attempts and redeliveries, so
 * receivers de-duplicate on it. Nothing secret is ever in an event.
 */
package io.pullbridge.webhooks;
