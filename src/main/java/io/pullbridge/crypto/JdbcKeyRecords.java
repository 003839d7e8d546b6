package io.pullbridge.crypto;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** {@link KeyRecords} in the tables {@code master_key_canaries} and {@code fingerprint_key}. */
@Component
class JdbcKeyRecords implements KeyRecords {

    private final JdbcClient jdbc;

    JdbcKeyRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public List<Canary> canaries() {
        return jdbc.sql("select key_id, ciphertext, created_at from master_key_canaries order by created_at, key_id")
                .query((rs, row) -> new Canary(rs.getString(1), rs.getBytes(2), rs.getTimestamp(3).toInstant()))
                .list();
    }

    @Override
    public void addCanary(String keyId, byte[] ciphertext, Instant now) {
        jdbc.sql("insert into master_key_canaries (key_id, ciphertext, created_at) values (?, ?, ?) "
                        + "on conflict (key_id) do nothing")
                .params(keyId, ciphertext, Timestamp.from(now)).update();
    }

    @Override
    public List<String> removeCanariesExcept(String keyId) {
        return jdbc.sql("delete from master_key_canaries where key_id <> ? returning key_id").param(keyId)
                .query(String.class).list();
    }

    @Override
    public Optional<FingerprintKey> fingerprintKey() {
        return jdbc.sql("select origin, key_id, ciphertext from fingerprint_key")
                .query((rs, row) -> new FingerprintKey("derived".equals(rs.getString(1)), rs.getString(2),
                        rs.getBytes(3)))
                .optional();
    }

    @Override
    public void storeFingerprintKey(boolean derived, String keyId, byte[] ciphertext, Instant now) {
        jdbc.sql("""
                        insert into fingerprint_key (origin, key_id, ciphertext, created_at) values (?, ?, ?, ?)
                        on conflict (id) do update set key_id = excluded.key_id, ciphertext = excluded.ciphertext,
                          created_at = excluded.created_at
                        where fingerprint_key.ciphertext is null and fingerprint_key.origin = excluded.origin""")
                .params(derived ? "derived" : "random", keyId, ciphertext, Timestamp.from(now)).update();
    }

    @Override
    public boolean replaceFingerprintKey(String expectedKeyId, String keyId, byte[] ciphertext) {
        return jdbc.sql("update fingerprint_key set key_id = ?, ciphertext = ? where key_id = ?")
                .params(keyId, ciphertext, expectedKeyId).update() == 1;
    }
}
