package io.pullbridge.crypto;

import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Master keys for secrets at rest ({@code pullbridge.security.*}).
 *
 * @param masterKey    base64 of 32 random bytes; new secrets are encrypted under it
 * @param masterKeyId  the id stored beside each ciphertext; derived from the key when not set
 * @param previousKeys earlier master keys by id, still used to decrypt what they encrypted
 */
@ConfigurationProperties("pullbridge.security")
public record CryptoProperties(String masterKey, String masterKeyId,
                               @DefaultValue Map<String, String> previousKeys) {
}
