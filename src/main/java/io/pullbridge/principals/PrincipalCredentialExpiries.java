package io.pullbridge.principals;

import io.pullbridge.common.CredentialExpiries;
import io.pullbridge.common.ResourceKinds;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Service principal passwords within {@code pullbridge.principals.expiry-warning} of their expiry, or past it. */
@Component
class PrincipalCredentialExpiries implements CredentialExpiries {

    private final JdbcClient jdbc;
    private final PrincipalsProperties properties;

    PrincipalCredentialExpiries(JdbcClient jdbc, PrincipalsProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
    }

    @Override
    public String kind() {
        return ResourceKinds.SERVICE_PRINCIPAL;
    }

    @Override
    public List<Expiring> expiring(Instant now) {
        return jdbc.sql("""
                        select id, credential_expires_at from service_principals
                        where credential_ciphertext is not null and credential_expires_at <= ?
                          and phase <> 'Deleting'""")
                .param(Timestamp.from(now.plus(properties.expiryWarning())))
                .query((rs, row) -> new Expiring(rs.getObject(1, UUID.class), "/api/v1/service-principals/"
                        + rs.getObject(1, UUID.class), rs.getTimestamp(2).toInstant()))
                .list();
    }
}
