package io.pullbridge.crypto;

import io.pullbridge.support.EmbeddedDatabase;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What V13 decides about the fingerprint key: a database that already holds resources (and so fingerprints made
 * with the key derived from the master key) keeps that key; a new one gets a random key at its first start.
 */
class FingerprintKeyMigrationTests {

    @Test
    void aDatabaseWithResourcesKeepsTheDerivedKeyItsFingerprintsWereMadeWith() {
        DriverManagerDataSource database = database();
        migrate(database, "10");
        Timestamp now = Timestamp.from(Instant.now());
        JdbcClient jdbc = JdbcClient.create(database);
        jdbc.sql("""
                        insert into clusters (id, name, kind, kubeconfig_key_id, kubeconfig_ciphertext,
                          kubeconfig_fingerprint, phase, version, created_at, updated_at, created_by)
                        values (?, 'old', 'kubeconfig', 'k-00000001', ?, 'sha256:00', 'Ready', 0, ?, ?, 'before')""")
                .params(UUID.randomUUID(), new byte[40], now, now).update();

        migrate(database, "latest");

        assertThat(jdbc.sql("select origin || ' ' || (ciphertext is null) from fingerprint_key").query(String.class)
                .list()).containsExactly("derived true");
    }

    @Test
    void aNewDatabaseLeavesTheKeyToTheFirstStart() {
        DriverManagerDataSource database = database();

        migrate(database, "latest");

        assertThat(JdbcClient.create(database).sql("select count(*) from fingerprint_key").query(Long.class).single())
                .isZero();
    }

    private static DriverManagerDataSource database() {
        return new DriverManagerDataSource(EmbeddedDatabase.newDatabase("fingerprints"), "postgres", "postgres");
    }

    private static void migrate(DriverManagerDataSource database, String target) {
        Flyway.configure().dataSource(database).locations("classpath:db/migration").target(target).load().migrate();
    }
}
