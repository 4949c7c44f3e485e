package dev.baton.engine.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.testing.BatonSchema;
import dev.baton.engine.testing.TestPostgres;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Baton's tables come from the migrations in {@code db/migration}, run at start-up with the
 * {@code spring.flyway} settings of application.yml (here: Spring Boot's DataSource and Flyway
 * start-up alone, on real PostgreSQL). A database the engine made before it had migrations,
 * with Baton's tables and no migration history, is taken over with its data.
 */
class BatonSchemaMigrationsTest {
    /** Baton's tables, as the engine's constructors created them before migrations (up to cb24cf7). */
    private static final List<String> BEFORE_MIGRATIONS = List.of(
            // Assignments
            "CREATE TABLE IF NOT EXISTS baton_sales_rep (id VARCHAR(100) PRIMARY KEY, name VARCHAR(255),"
                    + " email VARCHAR(255), phone VARCHAR(32), team VARCHAR(100) NOT NULL, territories VARCHAR(1000),"
                    + " industries VARCHAR(1000), languages VARCHAR(255), working_hours VARCHAR(100), time_zone VARCHAR(64),"
                    + " capacity INTEGER NOT NULL, out_of_office BOOLEAN NOT NULL, crm_id VARCHAR(100), notify_by VARCHAR(16),"
                    + " open_leads INTEGER NOT NULL)",
            "CREATE TABLE IF NOT EXISTS baton_sales_owner (lead_id VARCHAR(255) PRIMARY KEY,"
                    + " rep_id VARCHAR(100) NOT NULL, journey_instance VARCHAR(64), assigned_at TIMESTAMP NOT NULL)",
            "CREATE TABLE IF NOT EXISTS baton_sales_queue (lead_id VARCHAR(255) PRIMARY KEY,"
                    + " team VARCHAR(100) NOT NULL, reason VARCHAR(1000), queued_at TIMESTAMP NOT NULL)",
            "CREATE TABLE IF NOT EXISTS baton_sales_sla (answer_key VARCHAR(100) PRIMARY KEY,"
                    + " rep_id VARCHAR(100) NOT NULL, hit BOOLEAN NOT NULL, answered_at TIMESTAMP NOT NULL)",
            "CREATE INDEX IF NOT EXISTS baton_sales_sla_rep ON baton_sales_sla (rep_id)",
            "CREATE TABLE IF NOT EXISTS baton_sales_cursor (pool VARCHAR(64) PRIMARY KEY, position BIGINT NOT NULL)",
            // JourneyCorrelator
            "CREATE TABLE IF NOT EXISTS baton_journey_signal (message_id VARCHAR(255) PRIMARY KEY,"
                    + " lead_id VARCHAR(255) NOT NULL, event VARCHAR(255) NOT NULL, received_at TIMESTAMP NOT NULL)",
            "CREATE TABLE IF NOT EXISTS baton_journey_buffer (message_id VARCHAR(255) NOT NULL,"
                    + " message_name VARCHAR(255) NOT NULL, lead_id VARCHAR(255) NOT NULL, signal_json VARCHAR(100000) NOT NULL,"
                    + " received_at TIMESTAMP NOT NULL, expires_at TIMESTAMP NOT NULL, PRIMARY KEY (message_id, message_name))",
            "CREATE INDEX IF NOT EXISTS baton_journey_buffer_lead ON baton_journey_buffer (lead_id)",
            "CREATE TABLE IF NOT EXISTS baton_journey_buffer_expired (message_name VARCHAR(255) PRIMARY KEY,"
                    + " expired BIGINT NOT NULL, last_expired_at TIMESTAMP NOT NULL)",
            "CREATE TABLE IF NOT EXISTS baton_journey_active (lead_id VARCHAR(255) NOT NULL,"
                    + " process_key VARCHAR(255) NOT NULL, instance_id VARCHAR(64) NOT NULL, PRIMARY KEY (lead_id, process_key))",
            // SharedRateLimiter
            "CREATE TABLE IF NOT EXISTS baton_rate_window (name VARCHAR(100) NOT NULL, window_start BIGINT NOT NULL,"
                    + " used INTEGER NOT NULL, PRIMARY KEY (name, window_start))",
            // EventOutbox
            "CREATE TABLE IF NOT EXISTS baton_event_outbox (message_id VARCHAR(100) NOT NULL PRIMARY KEY,"
                    + " payload VARCHAR(100000) NOT NULL, created_at TIMESTAMP NOT NULL)");
    private static final List<String> TABLES = List.of("baton_event_outbox", "baton_journey_active",
            "baton_journey_buffer", "baton_journey_buffer_expired", "baton_journey_move", "baton_journey_signal", "baton_rate_window",
            "baton_sales_cursor", "baton_sales_owner", "baton_sales_queue", "baton_sales_rep", "baton_sales_sla");

    /** Every migration's version, in order (V1 made what the engine made before; later ones change it). */
    private static final List<String> VERSIONS = List.of("1", "2");

    @Test
    void startOnAnEmptySchemaCreatesBatonsTablesAndRecordsEveryVersion() throws Exception {
        String url = TestPostgres.freshSchema("baton_migrate");
        try {
            try (ConfigurableApplicationContext ignored = startOn(url)) {
                JdbcTemplate db = new JdbcTemplate(database(url));
                assertThat(tables(db)).containsExactlyElementsOf(TABLES);
                assertThat(db.queryForList("SELECT version FROM baton_schema_history WHERE success", String.class))
                        .containsExactlyElementsOf(VERSIONS);
            }
        } finally {
            TestPostgres.dropSchema(url);
        }
    }

    @Test
    void startOnADatabaseTheEngineMadeBeforeMigrationsKeepsItsDataAndRecordsBaselineAndEveryVersion() throws Exception {
        String url = TestPostgres.freshSchema("baton_migrate");
        try {
            JdbcTemplate db = new JdbcTemplate(database(url));
            BEFORE_MIGRATIONS.forEach(db::execute);
            db.update("INSERT INTO baton_sales_rep (id, name, team, capacity, out_of_office, open_leads)"
                    + " VALUES ('anna', 'Anna', 'emea', 5, FALSE, 2)");
            db.update("INSERT INTO baton_sales_owner (lead_id, rep_id, assigned_at) VALUES ('lead-1', 'anna', now())");
            db.update("INSERT INTO baton_journey_active (lead_id, process_key, instance_id)"
                    + " VALUES ('lead-1', 'baton-share-to-lead', 'instance-1')");
            db.update("INSERT INTO baton_event_outbox (message_id, payload, created_at) VALUES ('m-1', '{}', now())");

            try (ConfigurableApplicationContext ignored = startOn(url)) {
                assertThat(db.queryForMap("SELECT name, open_leads FROM baton_sales_rep WHERE id = 'anna'"))
                        .isEqualTo(Map.of("name", "Anna", "open_leads", 2));
                assertThat(db.queryForObject("SELECT rep_id FROM baton_sales_owner WHERE lead_id = 'lead-1'", String.class))
                        .isEqualTo("anna");
                assertThat(db.queryForObject("SELECT instance_id FROM baton_journey_active WHERE lead_id = 'lead-1'",
                        String.class)).isEqualTo("instance-1");
                assertThat(db.queryForObject("SELECT COUNT(*) FROM baton_event_outbox", Integer.class)).isEqualTo(1);
                assertThat(db.queryForList("SELECT version FROM baton_schema_history WHERE success ORDER BY installed_rank",
                        String.class)).containsExactlyElementsOf(java.util.stream.Stream.concat(java.util.stream.Stream.of("0"),
                        VERSIONS.stream()).toList());
            }
        } finally {
            TestPostgres.dropSchema(url);
        }
    }

    @Test
    void twoNodesStartingOnOneEmptySchemaAtTheSameMomentBothStartAndMigrateItOnce() throws Exception {
        String url = TestPostgres.freshSchema("baton_migrate");
        ExecutorService nodes = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<ConfigurableApplicationContext>> started = new ArrayList<>();
            for (int node = 0; node < 2; node++) {
                started.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                    return startOn(url);
                }, nodes));
            }
            go.countDown();
            CompletableFuture.allOf(started.toArray(CompletableFuture[]::new)).join();
            started.forEach(node -> node.join().close());

            JdbcTemplate db = new JdbcTemplate(database(url));
            assertThat(tables(db)).containsExactlyElementsOf(TABLES);
            assertThat(db.queryForList("SELECT version FROM baton_schema_history WHERE success", String.class))
                    .containsExactlyElementsOf(VERSIONS);
        } finally {
            nodes.shutdownNow();
            TestPostgres.dropSchema(url);
        }
    }

    @Test
    void migrationsMakeOnPostgreSqlExactlyTheTablesAndIndexesTheEngineMadeBefore() throws Exception {
        String before = TestPostgres.freshSchema("baton_before");
        String after = TestPostgres.freshSchema("baton_after");
        try {
            BEFORE_MIGRATIONS.forEach(new JdbcTemplate(database(before))::execute);
            laterMigrations().forEach(new JdbcTemplate(database(before))::execute);
            BatonSchema.migrate(database(after));

            assertThat(shape(database(after))).isNotEmpty().isEqualTo(shape(database(before)));
        } finally {
            TestPostgres.dropSchema(before);
            TestPostgres.dropSchema(after);
        }
    }

    @Test
    void migrationsMakeOnH2ExactlyTheTablesAndIndexesTheEngineMadeBefore() throws Exception {
        DataSource before = new DriverManagerDataSource("jdbc:h2:mem:before-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "");
        DataSource after = new DriverManagerDataSource("jdbc:h2:mem:after-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "");
        BEFORE_MIGRATIONS.forEach(new JdbcTemplate(before)::execute);
        laterMigrations().forEach(new JdbcTemplate(before)::execute);
        BatonSchema.migrate(after);

        assertThat(shape(after)).isNotEmpty().isEqualTo(shape(before));
    }

    /**
     * The statements of the migrations after V1, in order: a database the engine made before
     * migrations gets them as an empty one does, so V1 alone must reproduce what it had.
     */
    private static List<String> laterMigrations() throws java.io.IOException {
        List<String> statements = new ArrayList<>();
        for (String version : VERSIONS.subList(1, VERSIONS.size())) {
            var files = new org.springframework.core.io.support.PathMatchingResourcePatternResolver()
                    .getResources("classpath:db/migration/V" + version + "__*.sql");
            assertThat(files).as("migration V" + version).hasSize(1);
            String sql = files[0].getContentAsString(java.nio.charset.StandardCharsets.UTF_8).replaceAll("(?m)^--.*$", "");
            for (String statement : sql.split(";")) {
                if (!statement.isBlank()) {
                    statements.add(statement.strip());
                }
            }
        }
        return statements;
    }

    /** An engine's start-up as far as the database goes: application.yml's DataSource and migrations. */
    private static ConfigurableApplicationContext startOn(String url) {
        org.springframework.boot.SpringApplication startUp = new SpringApplicationBuilder(DatabaseStartUp.class)
                .web(WebApplicationType.NONE).build();
        // This JVM's logging is set up already; two start-ups setting it up again at the same moment
        // race inside Logback ("no conversion class registered for [clr]"), which is not what this checks.
        startUp.setListeners(startUp.getListeners().stream()
                .filter(listener -> !(listener instanceof org.springframework.boot.context.logging.LoggingApplicationListener))
                .toList());
        return startUp.run("--baton.local.enabled=false", "--spring.main.banner-mode=off", "--spring.datasource.url=" + url,
                "--spring.datasource.username=" + TestPostgres.user(), "--spring.datasource.password=" + TestPostgres.password());
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({DataSourceAutoConfiguration.class, FlywayAutoConfiguration.class})
    @org.springframework.context.annotation.Import(dev.baton.engine.schema.SchemaMigrations.class)
    static class DatabaseStartUp {
    }

    private static DataSource database(String url) {
        return new DriverManagerDataSource(url, TestPostgres.user(), TestPostgres.password());
    }

    private static List<String> tables(JdbcTemplate db) {
        return db.queryForList("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
                + " AND table_name LIKE 'baton%' AND table_name <> 'baton_schema_history' ORDER BY table_name", String.class);
    }

    /**
     * Baton's tables in the connection's schema as the database describes them: every column
     * (type, size, nullability), primary key and index (unique or not, columns, and its name
     * where we chose one), leaving out the migration history.
     */
    private static TreeSet<String> shape(DataSource database) throws SQLException {
        TreeSet<String> shape = new TreeSet<>();
        try (Connection connection = database.getConnection()) {
            DatabaseMetaData meta = connection.getMetaData();
            String schema = connection.getSchema();
            List<String> tables = new ArrayList<>();
            try (ResultSet rows = meta.getTables(null, schema, "%", new String[] {"TABLE"})) {
                while (rows.next()) {
                    String table = rows.getString("TABLE_NAME");
                    if (table.toLowerCase().startsWith("baton_") && !table.equalsIgnoreCase("baton_schema_history")) {
                        tables.add(table);
                    }
                }
            }
            for (String table : tables) {
                try (ResultSet columns = meta.getColumns(null, schema, table, "%")) {
                    while (columns.next()) {
                        shape.add(table + "." + columns.getString("COLUMN_NAME") + " " + columns.getString("TYPE_NAME")
                                + "(" + columns.getInt("COLUMN_SIZE") + ") " + columns.getString("IS_NULLABLE")
                                + " default " + columns.getString("COLUMN_DEF"));
                    }
                }
                try (ResultSet key = meta.getPrimaryKeys(null, schema, table)) {
                    while (key.next()) {
                        shape.add(table + " primary key " + key.getShort("KEY_SEQ") + ": " + key.getString("COLUMN_NAME"));
                    }
                }
                try (ResultSet indexes = meta.getIndexInfo(null, schema, table, false, false)) {
                    while (indexes.next()) {
                        String name = indexes.getString("INDEX_NAME");
                        boolean chosen = name != null && name.toLowerCase().startsWith(table.toLowerCase() + "_")
                                && !name.toLowerCase().endsWith("_pkey");
                        shape.add(table + (indexes.getBoolean("NON_UNIQUE") ? " index " : " unique index ")
                                + (chosen ? name : "(generated name)") + " " + indexes.getShort("ORDINAL_POSITION") + ": "
                                + indexes.getString("COLUMN_NAME"));
                    }
                }
            }
        }
        return shape;
    }
}
