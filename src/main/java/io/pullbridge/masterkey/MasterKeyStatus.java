package io.pullbridge.masterkey;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * Which master keys this database still needs. A previous key may be dropped from the configuration once it is not
 * in {@code keysStillNeeded}.
 *
 * @param currentKeyId     the key new secrets are encrypted under (on the replica that answered)
 * @param configuredKeyIds the current and previous keys configured on that replica
 * @param keysStillNeeded  every key something stored is encrypted under, or whose canary is still there
 * @param secrets          how many secrets of each kind are stored under each key
 */
@Schema(name = "MasterKeyStatus")
record MasterKeyStatus(String currentKeyId, List<String> configuredKeyIds, List<String> keysStillNeeded,
                       List<String> canaryKeyIds, String fingerprintKeyId, List<SecretCount> secrets) {

    record SecretCount(String kind, String keyId, long count) {
    }
}
