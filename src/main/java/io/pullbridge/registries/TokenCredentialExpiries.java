package io.pullbridge.registries;

import io.pullbridge.common.CredentialExpiries;
import io.pullbridge.common.ResourceKinds;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Registry token passwords within {@code token-rotation.expiry-warning} of their expiry, or past it. */
@Component
class TokenCredentialExpiries implements CredentialExpiries {

    private final JdbcClient jdbc;
    private final RegistriesProperties properties;

    TokenCredentialExpiries(JdbcClient jdbc, RegistriesProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
    }

    @Override
    public String kind() {
        return ResourceKinds.REGISTRY_TOKEN;
    }

    @Override
    public List<Expiring> expiring(Instant now) {
        return jdbc.sql("""
                        select id, registry_id, credential_expires_at from registry_tokens
                        where credential_ciphertext is not null and credential_expires_at <= ?
                          and phase <> 'Deleting'""")
                .param(Timestamp.from(now.plus(properties.tokenRotation().expiryWarning())))
                .query((rs, row) -> new Expiring(rs.getObject(1, UUID.class), "/api/v1/registries/"
                        + rs.getObject(2, UUID.class) + "/tokens/" + rs.getObject(1, UUID.class),
                        rs.getTimestamp(3).toInstant()))
                .list();
    }
}
