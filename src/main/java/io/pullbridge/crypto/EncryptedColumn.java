package io.pullbridge.crypto;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * {@link StoredSecrets} for a pair of columns {@code <prefix>_key_id} and {@code <prefix>_ciphertext} of a table
 * with {@code id} and {@code version} columns, as {@link EncryptedSecret} maps them. Features subclass it with their
 * table and the context function their entity encrypts with.
 */
public abstract class EncryptedColumn implements StoredSecrets {

    private final JdbcClient jdbc;
    private final String kind;
    private final String table;
    private final String keyIdColumn;
    private final String ciphertextColumn;
    private final Function<UUID, String> context;

    /**
     * @param table   the table, a constant of the feature (never input)
     * @param prefix  the columns' prefix, e.g. {@code kubeconfig} for {@code kubeconfig_key_id} and
     *                {@code kubeconfig_ciphertext}
     * @param context the associated data of the row with this id, exactly as the feature encrypts with
     */
    protected EncryptedColumn(JdbcClient jdbc, String kind, String table, String prefix,
                              Function<UUID, String> context) {
        this.jdbc = jdbc;
        this.kind = kind;
        this.table = table;
        this.keyIdColumn = prefix + "_key_id";
        this.ciphertextColumn = prefix + "_ciphertext";
        this.context = context;
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public String column() {
        return table + "." + ciphertextColumn;
    }

    @Override
    public Map<String, Long> countByKeyId() {
        Map<String, Long> counts = new LinkedHashMap<>();
        jdbc.sql("select coalesce(" + keyIdColumn + ", ''), count(*) from " + table + " where " + stored()
                        + " group by 1 order by 1")
                .query((rs, row) -> counts.put(rs.getString(1), rs.getLong(2))).list();
        return counts;
    }

    @Override
    @Transactional(propagation = Propagation.MANDATORY)
    public List<Stored> lockNotUnder(String keyId, int limit) {
        return jdbc.sql("select id, " + keyIdColumn + ", " + ciphertextColumn + " from " + table + " where "
                        + stored() + " and " + keyIdColumn + " is distinct from ? order by id limit ? "
                        + "for no key update")
                .params(keyId, limit)
                .query((rs, row) -> {
                    UUID id = rs.getObject(1, UUID.class);
                    return new Stored(id, context.apply(id), new EncryptedSecret(rs.getString(2), rs.getBytes(3)));
                })
                .list();
    }

    @Override
    @Transactional(propagation = Propagation.MANDATORY)
    public void replace(UUID rowId, EncryptedSecret secret) {
        jdbc.sql("update " + table + " set " + keyIdColumn + " = ?, " + ciphertextColumn + " = ?, "
                        + "version = version + 1 where id = ?")
                .params(secret.keyId(), secret.ciphertext(), rowId).update();
    }

    private String stored() {
        return ciphertextColumn + " is not null and length(" + ciphertextColumn + ") > 0";
    }
}
