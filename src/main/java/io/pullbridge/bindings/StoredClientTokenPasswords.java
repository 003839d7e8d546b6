package io.pullbridge.bindings;

import io.pullbridge.crypto.EncryptedColumn;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Connected-registry client token passwords, as the re-encryption under the current master key finds them. */
@Component
class StoredClientTokenPasswords extends EncryptedColumn {

    StoredClientTokenPasswords(JdbcClient jdbc) {
        super(jdbc, "connected-registry-client-password", "bindings", "client_token", Binding::clientTokenContext);
    }
}
