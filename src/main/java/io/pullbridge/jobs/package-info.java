/**
 * Jobs: the user-visible record of work against Azure and clusters (type, target, state, attempts, steps,
 * last error, who asked). This module imports no feature; features will register job handlers with it.
 */
package io.pullbridge.jobs;
