/**
 * Secrets at rest: AES-256-GCM under a configured master key, a key id beside every ciphertext so keys can
 * rotate, and keyed fingerprints that let users compare secrets without seeing them. {@link
 * io.pullbridge.crypto.MasterKeys} checks the configured keys against canaries in the database at start-up and keeps
 * the fingerprint key there, so fingerprints survive a change of master key; features expose their encrypted columns
 * as {@link io.pullbridge.crypto.StoredSecrets} so every secret can be re-encrypted under the current key. No other
 * module sees a key, and nothing here logs a clear text.
 */
package io.pullbridge.crypto;
