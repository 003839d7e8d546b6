/**
 * The audit trail: every change and every refused request of an authenticated caller, with who asked, when, under
 * which request id and how it ended. Successful changes are written in the same transaction as the change itself.
 * Requests refused before anyone was authenticated are counted and logged by the web module instead, so anonymous
 * traffic cannot grow the table; events older than {@code pullbridge.audit.retention} are purged. Readable by Admins
 * only through {@code /api/v1/audit-events}.
 */
package io.pullbridge.audit;
