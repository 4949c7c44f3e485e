package dev.baton.devservers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka broker in KRaft mode (combined broker and controller, one node) as a child
 * process of its own ({@code java -cp <broker jars> kafka.Kafka server.properties}), its log on
 * disk so that acknowledged events survive a restart. The broker's jars are the ones this
 * module's build listed in {@code kafka.classpath}; none of them is on the engine's classpath.
 */
final class LocalKafka implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalKafka.class);
    private static final int NODE_ID = 1;
    private static final String MAIN = "kafka.Kafka";

    private final LocalServersProperties.Kafka settings;
    /** server.properties, the broker's console output and its state file. */
    private final Path home;
    /** The broker's log (its data). */
    private final Path logDir;
    private final boolean resetData;
    private final boolean reuse;
    private ProcessHandle process;
    /** Chosen at the first start and kept, so that a restart comes back where clients look. */
    private int port;
    private int controllerPort;
    private boolean started;

    /**
     * @param reuse adopt a broker an earlier run left running (its state file names a live process
     *              that answers) instead of starting another
     */
    LocalKafka(LocalServersProperties.Kafka settings, Path workDir, boolean resetData, boolean reuse) {
        this.settings = settings;
        this.home = workDir.resolve("kafka");
        this.logDir = workDir.resolve("kafka-logs");
        this.resetData = resetData;
        this.reuse = reuse;
    }

    String start() {
        try {
            Files.createDirectories(home);
            Path stateFile = home.resolve("kafka.state");
            if (!started) {
                Optional<ServerState> earlier = ServerState.read(stateFile, MAIN);
                if (earlier.isPresent() && adopt(earlier.get())) {
                    return bootstrap();
                }
                earlier.ifPresent(stale -> {
                    log.warn("Stopping Kafka process {} left over from an earlier run", stale.pid());
                    stale.process().ifPresent(stray -> ProcessTrees.stop(stray, Duration.ofSeconds(30)));
                });
                Files.deleteIfExists(stateFile);
                if (resetData) {
                    ProcessTrees.deleteIfExists(logDir);
                }
                port = settings.port() == 0 ? FreePorts.find() : settings.port();
                controllerPort = FreePorts.find();
                started = true;
            }
            FreePorts.requireFree(port, "Kafka (baton.local.kafka.port)");
            FreePorts.requireFree(controllerPort, "Kafka's controller");
            Files.createDirectories(logDir);
            Path config = writeConfig();
            // An argument file keeps the command line short: ps stays readable and the main class,
            // which adopting a broker looks for, is within what /proc shows of it.
            Path argFile = home.resolve("classpath.args");
            Files.writeString(argFile, "-cp \"" + brokerClasspath() + "\"\n");
            List<String> classpath = List.of("@" + argFile);
            format(config, classpath);
            List<String> command = new ArrayList<>(ProcessTrees.ownSession());
            command.addAll(List.of(java(), "-Xms" + settings.heap(), "-Xmx" + settings.heap(),
                    "-Djava.awt.headless=true", "-Dlogback.configurationFile=" + home.resolve("logback.xml")));
            command.addAll(classpath);
            command.addAll(List.of(MAIN, config.toString()));
            log.info("Starting Kafka (KRaft) on port {} as its own process (log {})", port, logDir);
            Path console = home.resolve("console.log");
            process = ProcessTrees.startServer(command, home, console, java.util.Map.of());
            new ServerState(process.pid(), port, controllerPort).write(stateFile);
            awaitReady(console);
            return bootstrap();
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("could not start local Kafka", e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Takes over a broker an earlier run left running, when allowed and when it answers where expected. */
    private boolean adopt(ServerState earlier) {
        if (!reuse || (settings.port() != 0 && settings.port() != earlier.port())) {
            return false;
        }
        port = earlier.port();
        controllerPort = earlier.secondPort();
        if (!answers(Duration.ofSeconds(10))) {
            return false;
        }
        process = earlier.process().orElse(null);
        if (process == null) {
            return false;
        }
        started = true;
        log.info("Reusing Kafka process {} on port {}, left running by an earlier run", earlier.pid(), port);
        return true;
    }

    private String bootstrap() {
        return "127.0.0.1:" + port;
    }

    private Path writeConfig() throws IOException {
        Path config = home.resolve("server.properties");
        Files.writeString(config, String.join("\n",
                "# Written by Baton's development launcher (baton-dev-servers) at every start.",
                "process.roles=broker,controller",
                "node.id=" + NODE_ID,
                "controller.quorum.voters=" + NODE_ID + "@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + logDir.toAbsolutePath(),
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=5",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=false",
                ""));
        // Logback comes with the broker's jars (through ZooKeeper); without a file it would log DEBUG.
        Files.writeString(home.resolve("logback.xml"), """
                <configuration>
                  <appender name="console" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{ISO8601} %-5level [%logger{36}] %msg%n</pattern></encoder>
                  </appender>
                  <root level="INFO"><appender-ref ref="console"/></root>
                </configuration>
                """);
        return config;
    }

    /** Formats the log folder once (kafka-storage format); an already formatted folder is left as it is. */
    private void format(Path config, List<String> classpath) throws IOException {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(classpath);
        command.addAll(List.of("kafka.tools.StorageTool", "format", "--ignore-formatted",
                "--cluster-id", Uuid.randomUuid().toString(), "--config", config.toString()));
        Path output = home.resolve("format.log");
        Process format = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            if (!format.waitFor(settings.startTimeout().toSeconds(), TimeUnit.SECONDS) || format.exitValue() != 0) {
                format.destroyForcibly();
                throw new IllegalStateException("could not format Kafka storage in " + logDir + ":\n"
                        + ProcessTrees.tail(output, 30));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while formatting Kafka storage", e);
        }
    }

    private static String brokerClasspath() throws IOException {
        Path file = LocalServersProperties.BuildInfo.path("kafka.classpath-file");
        if (file == null || !Files.isRegularFile(file)) {
            throw new IllegalStateException("The Kafka broker's classpath list is missing ('" + file + "'). Build"
                    + " baton-dev-servers with Maven (mvn -pl dev -am spring-boot:run does): it writes the list.");
        }
        return Files.readString(file).strip();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private void awaitReady(Path console) {
        Instant deadline = Instant.now().plus(settings.startTimeout());
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Kafka exited during start-up; last lines of " + console + ":\n"
                        + ProcessTrees.tail(console, 30));
            }
            if (answers(Duration.ofSeconds(5))) {
                log.info("Kafka is up at {} (process {})", bootstrap(), process.pid());
                return;
            }
            ProcessTrees.pause(Duration.ofMillis(200));
        }
        throw new IllegalStateException("Kafka did not become ready within " + settings.startTimeout()
                + "; last lines of " + console + ":\n" + ProcessTrees.tail(console, 30));
    }

    /** Whether a broker answers on the port: it lists itself as a cluster node. */
    private boolean answers(Duration within) {
        int millis = (int) within.toMillis();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200))) {
            return !admin.describeCluster().nodes().get(millis, TimeUnit.MILLISECONDS).isEmpty();
        } catch (Exception e) {
            log.debug("Kafka not answering at {}: {}", bootstrap(), e.toString());
            return false;
        }
    }

    private static void deleteState(Path stateFile) {
        try {
            Files.deleteIfExists(stateFile);
        } catch (IOException e) {
            log.warn("Could not delete {}: {}", stateFile, e.toString());
        }
    }

    @Override
    public void close() {
        if (process != null) {
            log.info("Stopping local Kafka (process {})", process.pid());
            ProcessTrees.stop(process, Duration.ofSeconds(30));
            process = null;
            deleteState(home.resolve("kafka.state"));
        }
    }
}
