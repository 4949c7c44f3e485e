package dev.baton.devservers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code baton.local.*}: the real Elasticsearch, Kafka and SMTP servers started by themselves
 * when this module is on the classpath (the development run, and tests on machines without
 * Docker). The production engine does not contain this module and ignores these settings.
 *
 * @param enabled    start the servers (default true; false uses the configured
 *                   spring.elasticsearch.uris and spring.kafka.bootstrap-servers)
 * @param workDir    where their programs and data live; data survives restarts
 * @param resetData  wipe server data before start (tests only)
 */
@ConfigurationProperties("baton.local")
public record LocalServersProperties(Boolean enabled, Path workDir, boolean resetData,
                                     Elasticsearch elasticsearch, Kafka kafka, Smtp smtp) {

    /** Every default, as the development run gets them when nothing is set. */
    public static LocalServersProperties defaults() {
        return new LocalServersProperties(null, null, false, null, null, null);
    }

    public LocalServersProperties {
        enabled = enabled == null || enabled;
        workDir = workDir == null ? Path.of("data") : workDir;
        elasticsearch = elasticsearch == null ? new Elasticsearch(null, 9200, null, null) : elasticsearch;
        kafka = kafka == null ? new Kafka(9092, null, null) : kafka;
        smtp = smtp == null ? new Smtp(2525) : smtp;
    }

    /** @param port SMTP port (IMAP on the next one); 0 picks free ones */
    public record Smtp(int port) {
    }

    /**
     * @param distribution the Elasticsearch zip (default: the copy this module's build fetched from
     *                     Maven Central)
     * @param port         HTTP port; 0 picks a free one
     * @param heap         JVM heap, e.g. 512m
     */
    public record Elasticsearch(Path distribution, int port, String heap, Duration startTimeout) {
        public Elasticsearch {
            distribution = distribution == null ? BuildInfo.path("elasticsearch.distribution") : distribution;
            heap = heap == null ? "512m" : heap;
            startTimeout = startTimeout == null ? Duration.ofMinutes(2) : startTimeout;
        }
    }

    /**
     * @param port broker port; 0 picks a free one
     * @param heap the broker process's JVM heap, e.g. 512m
     */
    public record Kafka(int port, String heap, Duration startTimeout) {
        public Kafka {
            heap = heap == null ? "512m" : heap;
            startTimeout = startTimeout == null ? Duration.ofMinutes(1) : startTimeout;
        }
    }

    /** What the Maven build of this module recorded in {@code build.properties}. */
    static final class BuildInfo {
        private static final Properties PROPERTIES = load();

        private BuildInfo() {
        }

        static Path path(String key) {
            String value = PROPERTIES.getProperty(key);
            return value == null || value.isBlank() || value.startsWith("@") ? null : Path.of(value);
        }

        private static Properties load() {
            Properties properties = new Properties();
            try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read build.properties of baton-dev-servers", e);
            }
            return properties;
        }
    }
}
