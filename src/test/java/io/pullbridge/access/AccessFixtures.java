package io.pullbridge.access;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The rows the access view reads, written straight to the tables: the view only reads what the other modules' jobs
 * recorded, so its tests set up exactly the phases, verifications and expiries each case needs.
 */
final class AccessFixtures {

    private final JdbcClient jdbc;

    AccessFixtures(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    UUID registry(String name) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                insert into registries (id, name, resource_id, subscription_id, resource_group, login_server, tenant_id,
                  phase, version, created_at, updated_at, created_by)
                values (?, ?, ?, '00000000-0000-4000-8000-000000000001', 'rg', ?, '00000000-0000-4000-8000-0000000000aa',
                  'Ready', 0, now(), now(), 'fixture')""")
                .params(id, name, "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/"
                        + "Microsoft.ContainerRegistry/registries/" + name + id.toString().substring(0, 8),
                        name + ".azurecr.io")
                .update();
        return id;
    }

    UUID cluster(String name) {
        return cluster(name, "[]");
    }

    UUID unreachableCluster(String name) {
        return cluster(name, """
                [{"type": "Reachable", "status": "False", "reason": "Unreachable", "message": "connect timed out"}]""");
    }

    private UUID cluster(String name, String conditions) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                insert into clusters (id, name, kind, kubeconfig_key_id, kubeconfig_ciphertext, phase, conditions,
                  version, created_at, updated_at, created_by)
                values (?, ?, 'kubeconfig', 'k-test', ?, 'Ready', cast(? as jsonb), 0, now(), now(), 'fixture')""")
                .params(id, name, new byte[] {1, 2, 3}, conditions).update();
        return id;
    }

    UUID servicePrincipal(Instant expiresAt) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                insert into service_principals (id, mode, display_name, tenant_id, password_lifetime,
                  credential_expires_at, phase, version, created_at, updated_at, created_by)
                values (?, 'create', ?, '00000000-0000-4000-8000-0000000000aa', 'P365D', ?, 'Ready', 0, now(), now(),
                  'fixture')""")
                .params(id, "sp-" + id, Timestamp.from(expiresAt)).update();
        return id;
    }

    UUID token(UUID registryId, Instant expiresAt) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                insert into registry_tokens (id, registry_id, name, repositories, password_lifetime,
                  credential_expires_at, phase, version, created_at, updated_at, created_by)
                values (?, ?, ?, '{"team-a/*": ["content/read"]}'::jsonb, 'P90D', ?, 'Ready', 0, now(), now(),
                  'fixture')""")
                .params(id, registryId, "token-" + id.toString().substring(0, 8), Timestamp.from(expiresAt)).update();
        return id;
    }

    UUID kubeletBinding(UUID registry, UUID cluster, String phase) {
        return binding(registry, cluster, "kubelet-identity", null, null, null, phase);
    }

    UUID pullSecretBinding(UUID registry, UUID cluster, UUID servicePrincipal, UUID token, String phase) {
        return binding(registry, cluster, "pull-secret", "acr-" + UUID.randomUUID().toString().substring(0, 8),
                servicePrincipal, token, phase);
    }

    private UUID binding(UUID registry, UUID cluster, String method, String secretName, UUID servicePrincipal,
                         UUID token, String phase) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                insert into bindings (id, registry_id, cluster_id, method, secret_name, service_principal_id, token_id,
                  phase, status_message, version, created_at, updated_at, created_by)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, now(), now(), 'fixture')""")
                .params(id, registry, cluster, method, secretName, servicePrincipal, token, phase,
                        phase + " as the fixture says")
                .update();
        return id;
    }

    /** A {@code binding.verify} job that ended: {@code succeeded}, or {@code failed} with this problem type. */
    UUID verification(UUID binding, String state, Instant finishedAt, String problemType) {
        UUID id = UUID.randomUUID();
        String lastError = problemType == null ? null : "{\"type\": \"https://pullbridge.io/problems/" + problemType
                + "\", \"title\": \"Pull access failed\", \"status\": 422}";
        jdbc.sql("""
                insert into jobs (id, type, target_kind, target_id, state, last_error, requested_by, created_at,
                  started_at, finished_at)
                values (?, 'binding.verify', 'binding', ?, ?, cast(? as jsonb), 'fixture', ?, ?, ?)""")
                .params(id, binding, state, lastError, Timestamp.from(finishedAt.minusSeconds(2)),
                        Timestamp.from(finishedAt.minusSeconds(1)), Timestamp.from(finishedAt))
                .update();
        return id;
    }
}
