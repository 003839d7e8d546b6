package io.pullbridge.principals;

import io.pullbridge.crypto.EncryptedColumn;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * New passwords given to {@code :rotate} for adopted principals, waiting to be proven, as the re-encryption under the
 * current master key finds them. They are encrypted under the same row-bound context as the current password.
 */
@Component
class StoredPendingPrincipalPasswords extends EncryptedColumn {

    StoredPendingPrincipalPasswords(JdbcClient jdbc) {
        super(jdbc, "service-principal-pending-password", "service_principals", "pending",
                ServicePrincipal::credentialContext);
    }
}
