package dev.baton.devservers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the real Elasticsearch distribution (the zip Elasticsearch publishes on Maven Central) as
 * a child process: single node, security off, small heap, bound to loopback. Elasticsearch
 * refuses to run as root, so as root it runs under an unprivileged user created for it.
 */
final class LocalElasticsearch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalElasticsearch.class);
    static final String SERVICE_USER = "baton-es";

    private final LocalServersProperties.Elasticsearch settings;
    private final Path workDir;
    private boolean resetData;
    private final boolean reuse;
    private ProcessHandle process;
    private int httpPort;
    private boolean started;
    private Path stateFile;

    /**
     * @param reuse adopt an Elasticsearch an earlier run left running (its state file names a live
     *              process that answers) instead of starting another
     */
    LocalElasticsearch(LocalServersProperties.Elasticsearch settings, Path workDir, boolean resetData, boolean reuse) {
        this.settings = settings;
        this.workDir = workDir;
        this.resetData = resetData;
        this.reuse = reuse;
    }

    String start() {
        Path distribution = settings.distribution();
        if (distribution == null || !Files.isRegularFile(distribution)) {
            throw new IllegalStateException("Elasticsearch distribution not found at '" + distribution
                    + "'. Build with Maven once (it fetches org.elasticsearch.distribution.integ-test-zip:elasticsearch)"
                    + " or set baton.local.elasticsearch.distribution.");
        }
        boolean asRoot = "root".equals(System.getProperty("user.name"));
        Path root = asRoot ? reachableRoot() : workDir;
        try {
            Files.createDirectories(root);
            Path home = unpack(distribution, root);
            if (resetData) {
                ProcessTrees.deleteIfExists(root.resolve("elasticsearch-data"));
            }
            Path data = Files.createDirectories(root.resolve("elasticsearch-data"));
            Path logs = Files.createDirectories(root.resolve("elasticsearch-logs"));
            Path pidFile = root.resolve("elasticsearch.pid");
            stateFile = root.resolve("elasticsearch.state");
            if (!started) {
                started = true;
                Optional<ServerState> earlier = ServerState.read(stateFile, "elasticsearch");
                if (earlier.isPresent() && adopt(earlier.get())) {
                    return "http://127.0.0.1:" + httpPort;
                }
                earlier.flatMap(ServerState::process).ifPresent(stale -> {
                    log.warn("Stopping Elasticsearch process {} left over from an earlier run", stale.pid());
                    ProcessTrees.stop(stale, Duration.ofSeconds(30));
                });
                Files.deleteIfExists(stateFile);
            }
            ProcessTrees.killStale(pidFile, "elasticsearch");
            resetData = false; // a restart keeps the data
            // A restart keeps the port, so clients configured with it reconnect by themselves.
            httpPort = httpPort != 0 ? httpPort : settings.port() == 0 ? FreePorts.find() : settings.port();
            FreePorts.requireFree(httpPort, "Elasticsearch (baton.local.elasticsearch.port)");
            int transportPort = FreePorts.find();

            List<String> command = new ArrayList<>(ProcessTrees.ownSession());
            if (asRoot) {
                ServiceUser.ensure(SERVICE_USER, List.of(home, data, logs, root));
                command.addAll(ServiceUser.runAs(SERVICE_USER));
            }
            command.addAll(List.of(home.resolve("bin/elasticsearch").toString(),
                    "-E", "cluster.name=baton-local",
                    "-E", "node.name=baton-local",
                    "-E", "discovery.type=single-node",
                    "-E", "network.host=127.0.0.1",
                    "-E", "http.port=" + httpPort,
                    "-E", "transport.port=" + transportPort,
                    "-E", "path.data=" + data,
                    "-E", "path.logs=" + logs,
                    "-E", "xpack.security.enabled=false",
                    // A nearly full disk must not turn indices read-only on a developer machine.
                    "-E", "cluster.routing.allocation.disk.threshold_enabled=false",
                    "-E", "action.destructive_requires_name=false",
                    "-p", pidFile.toString()));
            log.info("Starting Elasticsearch {} on port {} (data {}{})", home.getFileName(), httpPort, data,
                    asRoot ? ", as user " + SERVICE_USER : "");
            process = ProcessTrees.startServer(command, home, logs.resolve("console.log"), java.util.Map.of(
                    "ES_JAVA_HOME", System.getProperty("java.home"),
                    "ES_JAVA_OPTS", "-Xms" + settings.heap() + " -Xmx" + settings.heap()));
            new ServerState(process.pid(), httpPort, transportPort).write(stateFile);
            awaitHealthy(logs.resolve("console.log"));
            return "http://127.0.0.1:" + httpPort;
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("could not start local Elasticsearch", e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Takes over an Elasticsearch an earlier run left running, when allowed and when it is healthy where expected. */
    private boolean adopt(ServerState earlier) {
        if (!reuse || (settings.port() != 0 && settings.port() != earlier.port())) {
            return false;
        }
        httpPort = earlier.port();
        if (!healthy()) {
            return false;
        }
        process = earlier.process().orElse(null);
        if (process != null) {
            log.info("Reusing Elasticsearch process {} on port {}, left running by an earlier run", earlier.pid(), httpPort);
        }
        return process != null;
    }

    private boolean healthy() {
        try {
            return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()
                    .send(healthRequest(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking Elasticsearch", e);
        }
    }

    private HttpRequest healthRequest() {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                + "/_cluster/health?wait_for_status=yellow&timeout=2s")).timeout(Duration.ofSeconds(5)).build();
    }

    /**
     * The folder Elasticsearch lives in when it runs as the service user: the work dir, unless a
     * parent of it is closed to other users (a checkout under /root, say); then a folder of its
     * own under /var/tmp, named after the work dir so a restart finds the same data.
     */
    private Path reachableRoot() {
        if (ServiceUser.reachableByOthers(workDir)) {
            return workDir;
        }
        Path fallback = Path.of("/var/tmp", "baton-elasticsearch-" + Integer.toHexString(workDir.toString().hashCode()));
        log.warn("{} is not reachable by user '{}' (a parent folder is closed to other users); Elasticsearch keeps"
                + " its files in {} instead. Set baton.local.work-dir (BATON_LOCAL_WORK_DIR) to choose.",
                workDir, SERVICE_USER, fallback);
        return fallback;
    }

    private Path unpack(Path zip, Path root) throws IOException {
        String name = zip.getFileName().toString().replaceFirst("\\.zip$", "");
        Path home = root.resolve(name);
        Path marker = home.resolve(".unpacked");
        if (Files.exists(marker)) {
            return home;
        }
        log.info("Unpacking {} into {}", zip.getFileName(), root);
        Path staging = Files.createDirectories(root.resolve(name + ".unpacking"));
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                // The archive's single top folder is dropped; entries are checked to stay inside.
                String relative = entry.getName().substring(entry.getName().indexOf('/') + 1);
                Path target = staging.resolve(relative).normalize();
                if (!target.startsWith(staging) || relative.isEmpty()) {
                    continue;
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    // Zip entries lose their mode bits; scripts and native tools live under bin/.
                    if (relative.contains("bin/")) {
                        target.toFile().setExecutable(true, false);
                    }
                }
            }
        }
        if (Files.exists(home)) {
            ProcessTrees.deleteRecursively(home);
        }
        Files.move(staging, home);
        Files.createFile(marker);
        return home;
    }

    private void awaitHealthy(Path consoleLog) {
        Instant deadline = Instant.now().plus(settings.startTimeout());
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Elasticsearch exited during start-up; last lines of " + consoleLog
                        + ":\n" + ProcessTrees.tail(consoleLog, 30));
            }
            if (healthy()) {
                log.info("Elasticsearch is up at http://127.0.0.1:{}", httpPort);
                return;
            }
            ProcessTrees.pause(Duration.ofMillis(500));
        }
        throw new IllegalStateException("Elasticsearch did not become healthy within " + settings.startTimeout()
                + "; last lines of " + consoleLog + ":\n" + ProcessTrees.tail(consoleLog, 30));
    }

    @Override
    public void close() {
        if (process != null) {
            log.info("Stopping local Elasticsearch");
            ProcessTrees.stop(process, Duration.ofSeconds(30));
            process = null;
            try {
                Files.deleteIfExists(stateFile);
            } catch (IOException e) {
                log.warn("Could not delete {}: {}", stateFile, e.toString());
            }
        }
    }

}
