package io.pullbridge.access;

import io.pullbridge.access.AccessPair.Credential;
import io.pullbridge.access.AccessPair.Verification;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Reads the access view in one statement: bindings with their cluster, registry, credential expiry and latest ended
 * verification, rated in SQL so that a filter on the state and the page boundary apply to pairs, not rows.
 */
@Component
class FleetAccess {

    /** The state ranks as SQL computes them; they follow {@link AccessState}'s order. */
    private static final String RATED = """
            with bound as (
                select b.id, b.method, b.phase, b.status_message, b.created_at,
                       c.id as cluster_id, c.name as cluster_name,
                       r.id as registry_id, r.name as registry_name, r.login_server,
                       exists (select 1 from jsonb_array_elements(c.conditions) e
                               where e ->> 'type' = 'Reachable' and e ->> 'status' = 'False') as cluster_unreachable,
                       case when b.service_principal_id is not null then 'service-principal'
                            when b.token_id is not null then 'registry-token' end as credential_kind,
                       coalesce(b.service_principal_id, b.token_id) as credential_id,
                       coalesce(sp.credential_expires_at, t.credential_expires_at) as expires_at,
                       v.id as verify_job, v.state as verify_state, v.finished_at as verify_at,
                       v.last_error ->> 'type' as verify_problem
                from bindings b
                join clusters c on c.id = b.cluster_id
                join registries r on r.id = b.registry_id
                left join service_principals sp on sp.id = b.service_principal_id
                left join registry_tokens t on t.id = b.token_id
                left join lateral (select j.id, j.state, j.finished_at, j.last_error from jobs j
                                   where j.target_id = b.id and j.type = 'binding.verify'
                                     and j.state in ('succeeded', 'failed')
                                   order by j.finished_at desc, j.id desc limit 1) v on true
                where (cast(:cluster as uuid) is null or b.cluster_id = cast(:cluster as uuid))
                  and (cast(:registry as uuid) is null or b.registry_id = cast(:registry as uuid))
            ),
            rated as (
                select bound.*,
                       case when phase = 'Failed' then 0
                            when phase = 'Degraded' or verify_state = 'failed' or cluster_unreachable
                                 or expires_at <= :now then 1
                            when phase = 'Ready' and verify_state = 'succeeded' then 3
                            else 2 end as rank
                from bound
            ),
            pairs as (
                select cluster_id, cluster_name, registry_id, registry_name, min(rank) as pair_rank
                from rated group by cluster_id, cluster_name, registry_id, registry_name
            ),
            page as (
                select * from pairs
                where (cast(:state as int) is null or pair_rank = cast(:state as int))
                  and (cast(:after_cluster_id as uuid) is null
                       or (cluster_name, cluster_id, registry_name, registry_id)
                          > (cast(:after_cluster_name as text), cast(:after_cluster_id as uuid),
                             cast(:after_registry_name as text), cast(:after_registry_id as uuid)))
                order by cluster_name, cluster_id, registry_name, registry_id
                limit :fetch
            )
            select rated.*, page.pair_rank
            from rated join page on page.cluster_id = rated.cluster_id and page.registry_id = rated.registry_id
            order by page.cluster_name, page.cluster_id, page.registry_name, page.registry_id, rated.created_at, rated.id
            """;

    private static final AccessState[] RANKS = {
            AccessState.FAILED, AccessState.DEGRADED, AccessState.UNVERIFIED, AccessState.EFFECTIVE};

    private final JdbcClient jdbc;
    private final Clock clock;

    FleetAccess(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Up to {@code limit + 1} pairs after {@code after}, in (cluster name, registry name) order. */
    @Transactional(readOnly = true)
    List<AccessPair> pairs(UUID cluster, UUID registry, AccessState state, AccessPageToken after, int fetch) {
        Map<List<UUID>, AccessPair> pairs = new LinkedHashMap<>();
        jdbc.sql(RATED)
                .param("cluster", cluster)
                .param("registry", registry)
                .param("now", Timestamp.from(clock.instant()))
                .param("state", state == null ? null : state.ordinal())
                .param("after_cluster_name", after == null ? null : after.clusterName())
                .param("after_cluster_id", after == null ? null : after.clusterId())
                .param("after_registry_name", after == null ? null : after.registryName())
                .param("after_registry_id", after == null ? null : after.registryId())
                .param("fetch", fetch)
                .query((ResultSet row) -> {
                    UUID clusterId = row.getObject("cluster_id", UUID.class);
                    UUID registryId = row.getObject("registry_id", UUID.class);
                    AccessPair pair = pairs.computeIfAbsent(List.of(clusterId, registryId), key -> new AccessPair(
                            new AccessPair.Cluster(clusterId, string(row, "cluster_name")),
                            new AccessPair.Registry(registryId, string(row, "registry_name"),
                                    string(row, "login_server")),
                            RANKS[integer(row, "pair_rank")], new ArrayList<>()));
                    pair.bindings().add(binding(row));
                });
        return List.copyOf(pairs.values());
    }

    private static AccessPair.Binding binding(ResultSet row) throws SQLException {
        UUID verifyJob = row.getObject("verify_job", UUID.class);
        Verification verification = verifyJob == null ? null : new Verification(row.getString("verify_state"),
                instant(row, "verify_at"), verifyJob, row.getString("verify_problem"));
        String credentialKind = row.getString("credential_kind");
        Credential credential = credentialKind == null ? null : new Credential(credentialKind,
                row.getObject("credential_id", UUID.class), instant(row, "expires_at"));
        return new AccessPair.Binding(row.getObject("id", UUID.class), row.getString("method"),
                row.getString("phase"), RANKS[row.getInt("rank")], row.getString("status_message"), verification,
                credential);
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        Timestamp timestamp = row.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }

    // A row callback cannot throw SQLException out of computeIfAbsent's function.
    private static String string(ResultSet row, String column) {
        try {
            return row.getString(column);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int integer(ResultSet row, String column) {
        try {
            return row.getInt(column);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
