/**
 * The audit trail: every change and every refused request, with who asked, when, under which request id and
 * how it ended. Successful changes are written in the same transaction as the change itself. Readable by
 * Admins only through {@code /api/v1/audit-events}.
 */
package io.pullbridge.audit;
