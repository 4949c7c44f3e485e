package dev.baton.engine.testing;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Baton's tables in a database a test sets up by hand (its own Camunda engine or none, no Spring
 * context): the migrations of {@code db/migration}, run as {@code spring.flyway} in application.yml
 * runs them when the engine starts.
 */
public final class BatonSchema {
    private BatonSchema() {
    }

    public static void migrate(DataSource database) {
        Flyway.configure()
                .dataSource(database)
                .locations("classpath:db/migration")
                .table("baton_schema_history")
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
    }
}
