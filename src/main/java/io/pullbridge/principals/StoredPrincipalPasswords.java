package io.pullbridge.principals;

import io.pullbridge.crypto.EncryptedColumn;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Service principal passwords, as the re-encryption under the current master key finds them. */
@Component
class StoredPrincipalPasswords extends EncryptedColumn {

    StoredPrincipalPasswords(JdbcClient jdbc) {
        super(jdbc, "service-principal-password", "service_principals", "credential",
                ServicePrincipal::credentialContext);
    }
}
