package io.pullbridge.bindings;

import io.pullbridge.common.Reference;
import io.pullbridge.common.ResourceKinds;
import io.pullbridge.common.ResourceReferences;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Registries, clusters, service principals and tokens that a binding uses cannot be removed under it. */
@Component
class BindingReferences implements ResourceReferences {

    private static final String NAMED_BINDINGS = """
            select b.id, b.method, b.secret_name, r.name as registry_name, c.name as cluster_name
            from bindings b
            join registries r on r.id = b.registry_id
            join clusters c on c.id = b.cluster_id
            where %s = ?
            order by b.created_at, b.id""";

    private final JdbcClient jdbc;

    BindingReferences(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public List<Reference> referencesTo(String kind, UUID id) {
        String column = switch (kind) {
            case ResourceKinds.REGISTRY -> "b.registry_id";
            case ResourceKinds.CLUSTER -> "b.cluster_id";
            case ResourceKinds.SERVICE_PRINCIPAL -> "b.service_principal_id";
            case ResourceKinds.REGISTRY_TOKEN -> "b.token_id";
            default -> null;
        };
        if (column == null) {
            return List.of();
        }
        return jdbc.sql(NAMED_BINDINGS.formatted(column)).param(id)
                .query((row, n) -> new Reference(ResourceKinds.BINDING, row.getObject("id", UUID.class),
                        name(row.getString("registry_name"), row.getString("cluster_name"), row.getString("method"),
                                row.getString("secret_name"))))
                .list();
    }

    /** How a binding is named where it blocks something: {@code contosoacr on prod-weu (pull-secret acr-secret)}. */
    static String name(String registry, String cluster, String method, String secretName) {
        return registry + " on " + cluster + " (" + method + (secretName == null ? "" : " " + secretName) + ")";
    }
}
