package io.pullbridge.bindings;

import io.pullbridge.crypto.EncryptedColumn;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Connected-registry sync token passwords held while an extension is given them, as the re-encryption under the
 * current master key finds them.
 */
@Component
class StoredSyncTokenPasswords extends EncryptedColumn {

    StoredSyncTokenPasswords(JdbcClient jdbc) {
        super(jdbc, "connected-registry-sync-password", "bindings", "sync_token", Binding::syncTokenContext);
    }
}
