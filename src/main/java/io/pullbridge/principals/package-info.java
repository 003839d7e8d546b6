/**
 * Entra service principals that back pull secrets: created by PullBridge (application, principal, password)
 * or adopted (an existing principal, named by appId or objectId, whose password the user supplies, write-only), each
 * with grants of {@code acrpull}, {@code acrpush} or {@code owner} on registries, assigned as Azure RBAC roles at the
 * registries' scopes. Every change in Entra ID and Azure runs as a job with named, recorded steps; passwords are
 * rotated without a moment where pulls fail, automatically for the principals PullBridge created, and their expiry
 * shows as the {@code CredentialExpiring} condition. Passwords are stored encrypted and shown only as "set", a key id,
 * an expiry and a fingerprint.
 */
package io.pullbridge.principals;
