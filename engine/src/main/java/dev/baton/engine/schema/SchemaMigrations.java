package dev.baton.engine.schema;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.flyway.FlywayMigrationStrategy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Runs Baton's migrations (Flyway, {@code db/migration}) at start-up, and again when another node
 * got in the way. Flyway's lock makes nodes take turns while migrating, but not while it first
 * records a database's baseline: two nodes starting at the same moment on a database without a
 * history can both try, and the second finds the history table just made and empty. A moment
 * later the first node has finished, so the second's next attempt finds the schema up to date.
 */
@Configuration(proxyBeanMethods = false)
public class SchemaMigrations {
    private static final Logger log = LoggerFactory.getLogger(SchemaMigrations.class);

    @Bean
    FlywayMigrationStrategy migrateUntilNoOtherNodeIsInTheWay(
            @Value("${baton.schema.migration-attempts:5}") int attempts,
            @Value("${baton.schema.migration-pause:PT1S}") Duration pause) {
        return flyway -> {
            for (int attempt = 1; ; attempt++) {
                try {
                    flyway.migrate();
                    return;
                } catch (FlywayException e) {
                    if (attempt >= attempts) {
                        throw e;
                    }
                    log.info("Migrating Baton's tables failed (attempt {} of {}), another node may be migrating them:"
                            + " trying again. {}", attempt, attempts, e.getMessage());
                    try {
                        Thread.sleep(pause.toMillis() + ThreadLocalRandom.current().nextLong(pause.toMillis() + 1));
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        throw e;
                    }
                }
            }
        };
    }
}
