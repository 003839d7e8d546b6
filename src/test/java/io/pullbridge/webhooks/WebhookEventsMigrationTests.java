package io.pullbridge.webhooks;

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
 * V24 gives webhook_events its ticket and once-per-fact key whatever V21 a database ran: V21 as first applied (without
 * them), or a build's V21 that already held them, which V24 must leave as they are.
 */
class WebhookEventsMigrationTests {

    @Test
    void aDatabaseWithV21AsFirstAppliedGetsTheTicketAndAOncePerFactKey() {
        DriverManagerDataSource database = database();
        migrate(database, "21");

        migrate(database, "latest");

        assertOncePerFact(JdbcClient.create(database));
    }

    @Test
    void aDatabaseWhoseV21AlreadyHeldTheColumnsMigratesAndKeepsOneUniqueKey() {
        DriverManagerDataSource database = database();
        migrate(database, "23");
        JdbcClient jdbc = JdbcClient.create(database);
        jdbc.sql("alter table webhook_events add column correlation_id text, add column once_key text unique").update();

        migrate(database, "latest");

        assertOncePerFact(jdbc);
        assertThat(jdbc.sql("select count(*) from pg_indexes where tablename = 'webhook_events' and indexdef like "
                + "'%(once_key)%'").query(Long.class).single()).isEqualTo(1);
    }

    private static void assertOncePerFact(JdbcClient jdbc) {
        Timestamp now = Timestamp.from(Instant.now());
        String insert = """
                insert into webhook_events (id, type, subject, body, correlation_id, once_key, created_at)
                values (?, 'credential.expiring', 's', '{}', 'CHG-1', 'expiry:k1', ?) on conflict (once_key) do nothing""";
        assertThat(jdbc.sql(insert).params(UUID.randomUUID(), now).update()).isEqualTo(1);
        assertThat(jdbc.sql(insert).params(UUID.randomUUID(), now).update()).isZero();
        assertThat(jdbc.sql("select correlation_id from webhook_events").query(String.class).list())
                .containsExactly("CHG-1");
    }

    private static DriverManagerDataSource database() {
        return new DriverManagerDataSource(EmbeddedDatabase.newDatabase("webhook_events"), "postgres", "postgres");
    }

    private static void migrate(DriverManagerDataSource database, String target) {
        Flyway.configure().dataSource(database).locations("classpath:db/migration").target(target).load().migrate();
    }
}
