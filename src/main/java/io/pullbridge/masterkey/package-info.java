/**
 * The master key as an Admin manages it: which keys the stored secrets are encrypted under, and the re-encryption
 * of every stored secret (each feature's {@link io.pullbridge.crypto.StoredSecrets}, the fingerprint key) under the
 * current key, as a job, so that older keys can be dropped. Depends on crypto, jobs, web and audit; nothing depends
 * on it.
 */
package io.pullbridge.masterkey;
