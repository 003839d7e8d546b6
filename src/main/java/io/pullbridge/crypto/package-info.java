/**
 * Secrets at rest: AES-256-GCM under a configured master key, a key id beside every ciphertext so keys can
 * rotate, and keyed fingerprints that let users compare secrets without seeing them. No other module sees a
 * key, and nothing here logs a clear text.
 */
package io.pullbridge.crypto;
