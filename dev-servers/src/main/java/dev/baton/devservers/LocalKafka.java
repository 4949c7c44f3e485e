package dev.baton.devservers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Features;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka broker in KRaft mode (combined broker and controller, one node) running
 * inside this JVM, its log on disk so that acknowledged events survive a restart.
 */
final class LocalKafka implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalKafka.class);
    private static final int NODE_ID = 1;

    private final LocalServersProperties.Kafka settings;
    private final Path workDir;
    private final boolean resetData;
    private KafkaRaftServer server;
    /** Chosen at the first start and kept, so that a restart comes back where clients look. */
    private int port;
    private int controllerPort;
    private boolean started;

    LocalKafka(LocalServersProperties.Kafka settings, Path workDir, boolean resetData) {
        this.settings = settings;
        this.workDir = workDir;
        this.resetData = resetData;
    }

    String start() {
        try {
            if (resetData && !started) {
                ProcessTrees.deleteIfExists(workDir.resolve("kafka-logs"));
            }
            Path logDir = Files.createDirectories(workDir.resolve("kafka-logs"));
            if (!started) {
                port = settings.port() == 0 ? FreePorts.find() : settings.port();
                controllerPort = FreePorts.find();
            }
            FreePorts.requireFree(port, "Kafka (baton.local.kafka.port)");
            started = true;
            Properties config = new Properties();
            config.putAll(Map.ofEntries(
                    Map.entry("process.roles", "broker,controller"),
                    Map.entry("node.id", String.valueOf(NODE_ID)),
                    Map.entry("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort),
                    Map.entry("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort),
                    Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port),
                    Map.entry("controller.listener.names", "CONTROLLER"),
                    Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                    Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                    Map.entry("log.dirs", logDir.toString()),
                    Map.entry("offsets.topic.replication.factor", "1"),
                    Map.entry("offsets.topic.num.partitions", "5"),
                    Map.entry("transaction.state.log.replication.factor", "1"),
                    Map.entry("transaction.state.log.min.isr", "1"),
                    Map.entry("group.initial.rebalance.delay.ms", "0"),
                    Map.entry("auto.create.topics.enable", "false")));
            format(logDir);
            log.info("Starting Kafka (KRaft) on port {} (log {})", port, logDir);
            server = new KafkaRaftServer(KafkaConfig.fromProps(config, false), Time.SYSTEM);
            server.startup();
            String bootstrap = "127.0.0.1:" + port;
            awaitReady(bootstrap);
            return bootstrap;
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("could not start local Kafka", e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Formats the log folder once; an already formatted folder (a restart) is left as it is. */
    private void format(Path logDir) {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            new Formatter()
                    .setPrintStream(print)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setNodeId(NODE_ID)
                    .setDirectories(List.of(logDir.toString()))
                    .setMetadataLogDirectory(logDir.toString())
                    .setControllerListenerName("CONTROLLER")
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setSupportedFeatures(Features.PRODUCTION_FEATURES)
                    .setIgnoreFormatted(true)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("could not format Kafka storage in " + logDir + ": " + output, e);
        }
    }

    private void awaitReady(String bootstrap) {
        Instant deadline = Instant.now().plus(settings.startTimeout());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000))) {
            while (Instant.now().isBefore(deadline)) {
                try {
                    int nodes = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
                    if (nodes > 0) {
                        log.info("Kafka is up at {}", bootstrap);
                        return;
                    }
                } catch (Exception e) {
                    log.debug("Kafka not ready yet: {}", e.toString());
                }
                ProcessTrees.pause(Duration.ofMillis(200));
            }
        }
        throw new IllegalStateException("Kafka did not become ready within " + settings.startTimeout());
    }

    @Override
    public void close() {
        if (server != null) {
            log.info("Stopping local Kafka");
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }
}
