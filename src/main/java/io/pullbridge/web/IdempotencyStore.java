package io.pullbridge.web;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code idempotency_records} table: one row per (caller, key), claimed before the request runs. */
@Repository
class IdempotencyStore {

    record Record(String fingerprint, boolean completed, int status, String headers, byte[] body) {
    }

    private final JdbcClient jdbc;

    IdempotencyStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Claims the key for this request. An unfinished claim made before {@code abandonedBefore} for the same request
     * (same fingerprint) is taken over: its request died without an answer, so there is nothing to replay.
     *
     * @return true when this request now owns the key; false when another claim or an answer holds it
     */
    boolean claim(String actor, String key, String fingerprint, String path, Instant now, Instant abandonedBefore) {
        return jdbc.sql("""
                        insert into idempotency_records (actor, idempotency_key, fingerprint, path, created_at)
                        values (?, ?, ?, ?, ?)
                        on conflict (actor, idempotency_key) do update set created_at = excluded.created_at
                        where idempotency_records.completed_at is null
                          and idempotency_records.fingerprint = excluded.fingerprint
                          and idempotency_records.created_at < ?""")
                .params(actor, key, fingerprint, path, Timestamp.from(now), Timestamp.from(abandonedBefore))
                .update() == 1;
    }

    Optional<Record> find(String actor, String key) {
        return jdbc.sql("""
                        select fingerprint, completed_at is not null as completed, status, headers, body
                        from idempotency_records where actor = ? and idempotency_key = ?""")
                .params(actor, key)
                .query((rs, row) -> new Record(rs.getString(1), rs.getBoolean(2), rs.getInt(3),
                        rs.getString(4) == null ? "" : rs.getString(4), rs.getBytes(5) == null ? new byte[0] : rs.getBytes(5)))
                .optional();
    }

    void complete(String actor, String key, int status, String headers, byte[] body) {
        jdbc.sql("""
                        update idempotency_records set status = ?, headers = ?, body = ?, completed_at = now()
                        where actor = ? and idempotency_key = ?""")
                .params(status, headers, body, actor, key)
                .update();
    }

    void release(String actor, String key) {
        jdbc.sql("delete from idempotency_records where actor = ? and idempotency_key = ? and completed_at is null")
                .params(actor, key).update();
    }

    void purgeExpired(String actor, String key, Instant cutoff) {
        jdbc.sql("delete from idempotency_records where actor = ? and idempotency_key = ? and created_at < ?")
                .params(actor, key, Timestamp.from(cutoff)).update();
    }

    void purgeOlderThan(Instant cutoff) {
        jdbc.sql("delete from idempotency_records where created_at < ?").params(Timestamp.from(cutoff)).update();
    }
}
