/**
 * Cross-cutting HTTP concerns: bearer-token security and roles, RFC 9457 problem documents with stable types,
 * request ids, keyset pagination, ETags with If-Match, and Idempotency-Key replay. Features use its public types
 * ({@link io.pullbridge.web.ApiException}, {@link io.pullbridge.web.PageRequest}, {@link io.pullbridge.web.ETags})
 * and never the other way round.
 */
package io.pullbridge.web;
