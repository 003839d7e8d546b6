/**
 * Jobs: the user-visible record of work against Azure and clusters (type, target, state, attempts, steps,
 * last error, who asked). This module imports no feature; features will register job handlers with it. Each failed
 * attempt is a WARN line and each job that ends an INFO line ({@code JobLog}), for operators' log searches.
 */
package io.pullbridge.jobs;
