package io.pullbridge.crypto;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Master keys for secrets at rest ({@code pullbridge.security.*}).
 *
 * @param masterKey          base64 of 32 random bytes; new secrets are encrypted under it
 * @param masterKeyId        the id stored beside each ciphertext; derived from the key when not set
 * @param previousKeys       earlier master keys by id, still used to decrypt what they encrypted
 * @param reencryptBatchSize how many secrets the re-encryption under the current key moves per transaction
 */
@ConfigurationProperties("pullbridge.security")
@Validated
public record CryptoProperties(String masterKey, String masterKeyId,
                               @DefaultValue Map<String, String> previousKeys,
                               @DefaultValue("200") @Min(1) @Max(10000) int reencryptBatchSize) {
}
