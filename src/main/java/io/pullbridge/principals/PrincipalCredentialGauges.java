package io.pullbridge.principals;

import io.micrometer.core.instrument.MeterRegistry;
import io.pullbridge.common.ResourceKinds;
import io.pullbridge.metrics.CredentialExpiryGauges;
import io.pullbridge.metrics.RefreshedGauges;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Time to expiry of every service principal password PullBridge holds (kind {@code service-principal}); rotation is
 * {@code automatic} for the principals PullBridge created while {@code pullbridge.principals.auto-rotate} is on, due
 * at {@code auto-rotate-at} of the password's lifetime. One query per refresh.
 */
@Component
class PrincipalCredentialGauges implements RefreshedGauges {

    private final JdbcClient jdbc;
    private final PrincipalsProperties properties;
    private final CredentialExpiryGauges gauges;

    PrincipalCredentialGauges(JdbcClient jdbc, PrincipalsProperties properties, MeterRegistry registry, Clock clock) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.gauges = CredentialExpiryGauges.register(registry, ResourceKinds.SERVICE_PRINCIPAL, clock);
    }

    @Override
    public void refresh() {
        gauges.set(jdbc.sql("""
                        select id, mode, credential_created_at, credential_expires_at from service_principals
                        where credential_ciphertext is not null and credential_expires_at is not null
                          and phase <> 'Deleting'""")
                .query((rs, row) -> {
                    Instant expires = rs.getTimestamp("credential_expires_at").toInstant();
                    Timestamp created = rs.getTimestamp("credential_created_at");
                    boolean automatic = properties.autoRotate() && PrincipalMode.CREATE.value().equals(
                            rs.getString("mode")) && created != null && expires.isAfter(created.toInstant());
                    return new CredentialExpiryGauges.Credential(rs.getObject("id", UUID.class), expires,
                            automatic ? ServicePrincipalRotationJob.rotationTime(created.toInstant(), expires,
                                    properties.autoRotateAt()) : null);
                }).list());
    }
}
