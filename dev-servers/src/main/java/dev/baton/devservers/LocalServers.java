package dev.baton.devservers;

import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local Elasticsearch, Kafka and SMTP server, started once per JVM (the development run's, or
 * a test run's) and stopped with it. They start in parallel; Elasticsearch is the slow one.
 * Elasticsearch and Kafka run as processes of their own; the SMTP server (GreenMail) runs in
 * this JVM, where tests read what it received.
 */
public final class LocalServers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalServers.class);
    private static LocalServers running;

    private final LocalElasticsearch elasticsearch;
    private final LocalKafka kafka;
    private final LocalSmtp smtp;
    private final Endpoints endpoints;

    /**
     * Where clients reach the servers.
     *
     * @param smtp host:port of the SMTP server
     */
    public record Endpoints(String elasticsearchUri, String kafkaBootstrapServers, String smtp, int imapPort) {
        public String smtpHost() {
            return smtp.substring(0, smtp.lastIndexOf(':'));
        }

        public int smtpPort() {
            return Integer.parseInt(smtp.substring(smtp.lastIndexOf(':') + 1));
        }
    }

    private LocalServers(LocalServersProperties properties) {
        prepare(properties);
        Path workDir = properties.workDir().toAbsolutePath();
        // Servers an earlier run left running (its engine was killed) are adopted, unless the data is
        // to be reset (tests): then they are stopped and fresh ones start.
        boolean reuse = !properties.resetData();
        elasticsearch = new LocalElasticsearch(properties.elasticsearch(), workDir, properties.resetData(), reuse);
        kafka = new LocalKafka(properties.kafka(), workDir, properties.resetData(), reuse);
        smtp = new LocalSmtp(properties.smtp().port());
        CompletableFuture<String> es = CompletableFuture.supplyAsync(elasticsearch::start);
        CompletableFuture<String> broker = CompletableFuture.supplyAsync(kafka::start);
        try {
            String mail = smtp.start();
            endpoints = new Endpoints(es.join(), broker.join(), mail, smtp.imapPort());
        } catch (RuntimeException e) {
            // Whichever started is stopped again: a half-started platform must not linger.
            es.handle((r, t) -> null).join();
            broker.handle((r, t) -> null).join();
            close();
            throw e instanceof CompletionException && e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /**
     * Starts the servers unless this JVM already did, and returns where they listen.
     *
     * @param stopOnJvmExit register a JVM shutdown hook that stops them (tests); the application
     *                      instead stops them after its own context closed, so its consumers
     *                      never see the broker vanish under them
     */
    public static synchronized Endpoints startOnce(LocalServersProperties properties, boolean stopOnJvmExit) {
        if (running == null) {
            LocalServers servers = new LocalServers(properties);
            if (stopOnJvmExit) {
                Runtime.getRuntime().addShutdownHook(new Thread(servers::close, "baton-local-servers-stop"));
            }
            running = servers;
        }
        return running.endpoints;
    }

    /**
     * Stops the running Elasticsearch (an outage, for tests of what Baton does without it); its
     * data and port are kept for {@link #restartElasticsearch()}.
     */
    public static synchronized void stopElasticsearch() {
        requireRunning().elasticsearch.close();
    }

    /** Starts Elasticsearch again after {@link #stopElasticsearch()}, on the same port with the same data. */
    public static synchronized void restartElasticsearch() {
        requireRunning().elasticsearch.start();
    }

    /**
     * Stops the running Kafka broker (an outage, for tests of what Baton does without it); its log
     * and ports are kept for {@link #restartKafka()}.
     */
    public static synchronized void stopKafka() {
        requireRunning().kafka.close();
    }

    /** Starts Kafka again after {@link #stopKafka()}, on the same ports with the same log. */
    public static synchronized void restartKafka() {
        requireRunning().kafka.start();
    }

    /** Stops the local SMTP server (an outage, for tests); {@link #restartSmtp()} brings it back on the same port. */
    public static synchronized void stopSmtp() {
        requireRunning().smtp.close();
    }

    public static synchronized void restartSmtp() {
        requireRunning().smtp.start();
    }

    /** Every message the local SMTP server has received (tests read what journeys sent). */
    public static synchronized List<MimeMessage> receivedMail() {
        return requireRunning().smtp.received();
    }

    private static LocalServers requireRunning() {
        if (running == null) {
            throw new IllegalStateException("no local servers are running in this JVM");
        }
        return running;
    }

    /** Stops the servers this JVM started (idempotent; also runs from the JVM shutdown hook). */
    public static synchronized void stopRunning() {
        if (running != null) {
            running.close();
            running = null;
        }
    }

    private static void prepare(LocalServersProperties properties) {
        try {
            Files.createDirectories(properties.workDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + properties.workDir(), e);
        }
    }

    @Override
    public synchronized void close() {
        smtp.close();
        try {
            kafka.close();
        } catch (RuntimeException e) {
            log.warn("Stopping local Kafka failed", e);
        }
        elasticsearch.close();
    }
}
