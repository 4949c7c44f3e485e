package dev.baton.engine.local;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code baton.local.*}: the real Elasticsearch and Kafka servers Baton starts by itself when no
 * external ones are configured (the default run, and tests on machines without Docker).
 *
 * @param enabled    start local servers (set false and point spring.elasticsearch.uris and
 *                   spring.kafka.bootstrap-servers at real clusters in production)
 * @param workDir    where their programs and data live; data survives restarts
 * @param resetData  wipe server data before start (tests only)
 */
@ConfigurationProperties("baton.local")
public record LocalServersProperties(boolean enabled, Path workDir, boolean resetData,
                                     Elasticsearch elasticsearch, Kafka kafka, Smtp smtp) {

    public LocalServersProperties {
        workDir = workDir == null ? Path.of("data") : workDir;
        elasticsearch = elasticsearch == null ? new Elasticsearch(null, 9200, null, null) : elasticsearch;
        kafka = kafka == null ? new Kafka(9092, null) : kafka;
        smtp = smtp == null ? new Smtp(2525) : smtp;
    }

    /** @param port SMTP port (IMAP on the next one); 0 picks free ones */
    public record Smtp(int port) {
    }

    /**
     * @param distribution the Elasticsearch zip (the build copies it from the Maven repository)
     * @param port         HTTP port; 0 picks a free one
     * @param heap         JVM heap, e.g. 512m
     */
    public record Elasticsearch(Path distribution, int port, String heap, Duration startTimeout) {
        public Elasticsearch {
            heap = heap == null ? "512m" : heap;
            startTimeout = startTimeout == null ? Duration.ofMinutes(2) : startTimeout;
        }
    }

    /** @param port broker port; 0 picks a free one */
    public record Kafka(int port, Duration startTimeout) {
        public Kafka {
            startTimeout = startTimeout == null ? Duration.ofMinutes(1) : startTimeout;
        }
    }
}
