/**
 * Webhooks: Admins subscribe an https URL (held to the cluster host policy) to event types
 * ({@link io.pullbridge.webhooks.WebhookEventType}) with a Standard Webhooks signing secret, stored encrypted. When one
 * happens (a job ends, a binding's phase changes, a credential is rotated or nears its expiry, a cluster becomes
 * unreachable) the event is written as a CloudEvents 1.0 document in the transaction of what happened, with one
 * delivery per subscription that wants it and a {@code webhook.deliver} job per delivery (an outbox), which sends it
 * signed, with the job engine's retries and backoff. A delivery keeps its {@code webhook-id} across attempts, restarts
 * and redeliveries, so receivers de-duplicate on it. Events come from the job engine's
 * {@link io.pullbridge.jobs.JobStateChanged} and from the {@link io.pullbridge.common.CredentialExpiries} port, so no
 * feature knows this module; nothing secret is ever in an event.
 */
package io.pullbridge.webhooks;
