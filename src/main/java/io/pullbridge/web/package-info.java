/**
 * Cross-cutting HTTP concerns: bearer-token security (an audience is required; tokens that passed every check are
 * remembered until their expiry, so a client's next request skips the signature check) and roles, RFC 9457 problem
 * documents with stable types (also for what the servlet container and Spring Security's firewall refuse), request
 * ids, the limits at the edge (body size, JSON depth, list caps, headers), what refusals leave behind (authenticated:
 * an audit event; unauthenticated: a metric and a rate-limited log line), keyset pagination, ETags with If-Match, and
 * Idempotency-Key replay. Features use its public types ({@link io.pullbridge.web.ApiException},
 * {@link io.pullbridge.web.PageQuery}, {@link io.pullbridge.web.ETags}) and never the other way round.
 */
package io.pullbridge.web;
