package io.pullbridge.bindings;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Rows the binding tests reference, written straight to the tables so these tests do not depend on how the
 * other features' APIs validate their own input.
 */
final class BindingFixtures {

    private final JdbcClient jdbc;

    BindingFixtures(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    UUID registry(String name) {
        UUID id = UUID.randomUUID();
        String resourceId = "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/"
                + "Microsoft.ContainerRegistry/registries/" + name;
        jdbc.sql("""
                insert into registries (id, name, resource_id, subscription_id, resource_group, login_server, tenant_id,
                  phase, version, created_at, updated_at, created_by)
                values (?, ?, ?, '00000000-0000-4000-8000-000000000001', 'rg', ?, '00000000-0000-4000-8000-0000000000aa',
                  'Ready', 0, ?, ?, 'fixture')""")
                .params(id, name, resourceId, name.toLowerCase() + ".azurecr.io", now(), now()).update();
        return id;
    }

    UUID cluster(String name, String kind, String serviceCidr) {
        UUID id = UUID.randomUUID();
        String resourceId = switch (kind) {
            case "aks" -> "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/"
                    + "Microsoft.ContainerService/managedClusters/" + name;
            case "arc" -> "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/"
                    + "Microsoft.Kubernetes/connectedClusters/" + name;
            default -> null;
        };
        byte[] kubeconfig = kind.equals("aks") ? null : new byte[] {1, 2, 3};
        jdbc.sql("""
                insert into clusters (id, name, kind, resource_id, kubeconfig_key_id, kubeconfig_ciphertext, service_cidr,
                  phase, version, created_at, updated_at, created_by)
                values (?, ?, ?, ?, ?, ?, ?, 'Ready', 0, ?, ?, 'fixture')""")
                .params(id, name, kind, resourceId, kubeconfig == null ? null : "k-test", kubeconfig, serviceCidr, now(),
                        now()).update();
        return id;
    }

    UUID servicePrincipal(String displayName, UUID... grantedRegistries) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                insert into service_principals (id, mode, display_name, tenant_id, password_lifetime, phase, version,
                  created_at, updated_at, created_by)
                values (?, 'create', ?, '00000000-0000-4000-8000-0000000000aa', 'P365D', 'Ready', 0, ?, ?, 'fixture')""")
                .params(id, displayName, now(), now()).update();
        int position = 0;
        for (UUID registry : grantedRegistries) {
            jdbc.sql("""
                    insert into service_principal_grants (id, service_principal_id, registry_id, role, phase, position)
                    values (?, ?, ?, 'acrpull', 'Ready', ?)""")
                    .params(UUID.randomUUID(), id, registry, position++).update();
        }
        return id;
    }

    UUID token(UUID registryId, String name) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                insert into registry_tokens (id, registry_id, name, repositories, password_lifetime, phase, version,
                  created_at, updated_at, created_by)
                values (?, ?, ?, '{"team-a/*": ["content/read", "metadata/read"]}'::jsonb, 'P90D', 'Ready', 0, ?, ?,
                  'fixture')""")
                .params(id, registryId, name, now(), now()).update();
        return id;
    }

    /** The bindings on one cluster: other tests' bindings come and go while a test runs (deletes are jobs). */
    long bindingCount(UUID clusterId) {
        return jdbc.sql("select count(*) from bindings where cluster_id = ?").param(clusterId).query(Long.class)
                .single();
    }

    private static Timestamp now() {
        return Timestamp.from(Instant.now());
    }
}
