package io.pullbridge.registries;

import io.pullbridge.crypto.EncryptedColumn;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Registry token passwords, as the re-encryption under the current master key finds them. */
@Component
class StoredTokenPasswords extends EncryptedColumn {

    StoredTokenPasswords(JdbcClient jdbc) {
        super(jdbc, "registry-token-password", "registry_tokens", "credential", RegistryToken::credentialContext);
    }
}
