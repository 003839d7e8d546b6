package io.pullbridge.registries;

import io.micrometer.core.instrument.MeterRegistry;
import io.pullbridge.common.ResourceKinds;
import io.pullbridge.metrics.CredentialExpiryGauges;
import io.pullbridge.metrics.RefreshedGauges;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Time to expiry of every registry token password PullBridge holds (kind {@code registry-token}); rotation is
 * {@code automatic} while {@code pullbridge.registries.token-rotation.automatic} is on, due at
 * {@code at-lifetime-fraction} of the password's lifetime. One query per refresh.
 */
@Component
class TokenCredentialGauges implements RefreshedGauges {

    private final JdbcClient jdbc;
    private final RegistriesProperties properties;
    private final CredentialExpiryGauges gauges;

    TokenCredentialGauges(JdbcClient jdbc, RegistriesProperties properties, MeterRegistry registry, Clock clock) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.gauges = CredentialExpiryGauges.register(registry, ResourceKinds.REGISTRY_TOKEN, clock);
    }

    @Override
    public void refresh() {
        RegistriesProperties.TokenRotation rotation = properties.tokenRotation();
        gauges.set(jdbc.sql("""
                        select id, credential_created_at, credential_expires_at from registry_tokens
                        where credential_ciphertext is not null and credential_expires_at is not null
                          and phase <> 'Deleting'""")
                .query((rs, row) -> {
                    Instant expires = rs.getTimestamp("credential_expires_at").toInstant();
                    Timestamp created = rs.getTimestamp("credential_created_at");
                    Instant due = null;
                    if (rotation.automatic() && created != null && expires.isAfter(created.toInstant())) {
                        Duration lifetime = Duration.between(created.toInstant(), expires);
                        due = created.toInstant().plusMillis((long) (lifetime.toMillis()
                                * rotation.atLifetimeFraction()));
                    }
                    return new CredentialExpiryGauges.Credential(rs.getObject("id", UUID.class), expires, due);
                }).list());
    }
}
