/**
 * Entra service principals that back pull secrets: created by PullBridge (application, principal, password)
 * or adopted (an existing principal whose password the user supplies, write-only), each with grants of
 * {@code acrpull}, {@code acrpush} or {@code owner} on registries. Passwords are stored encrypted and shown only
 * as "set", an expiry and a fingerprint.
 */
package io.pullbridge.principals;
