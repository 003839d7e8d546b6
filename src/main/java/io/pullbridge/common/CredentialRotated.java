package io.pullbridge.common;

/**
 * Published after commit when a credential's current password changed (a rotation's new password was recorded):
 * everything that writes the credential elsewhere should write the new one. Carries no secret.
 *
 * @param fingerprint the fingerprint of the new current password
 */
public record CredentialRotated(Reference credential, String fingerprint) {
}
