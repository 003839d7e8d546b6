/**
 * The Kubernetes adapter: the only code that uses the official client ({@code io.kubernetes.*}). It implements the
 * {@link io.pullbridge.clusters.KubernetesClusters} port with one client per cluster (built from credentials that
 * stay in memory, with timeouts, and a bound on concurrent calls that shrinks when the server pushes back with 429
 * or 5xx and honours its {@code Retry-After} (a client-side rate limit is opt-in), its idle connections in one
 * bounded pool shared by all clusters; idle clients are dropped, and at most {@code pullbridge.kubernetes.max-clients}
 * are kept; for Entra-integrated clusters an OkHttp interceptor and authenticator that sign each call with
 * PullBridge's token and answer a 401 with one fresh token and one retry) and
 * {@link io.pullbridge.clusters.ClusterApi} over it, and turns what API servers answer into
 * {@link io.pullbridge.jobs.JobFailure}s whose problem types ({@link io.pullbridge.clusters.ClusterProblems}) tell an
 * unreachable server, an untrusted certificate, refused credentials and missing RBAC permissions apart.
 */
package io.pullbridge.kubernetes;
