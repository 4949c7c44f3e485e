package dev.baton.devservers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Stopping child processes with everything they spawned, and the small file chores around it. */
final class ProcessTrees {
    private static final Logger log = LoggerFactory.getLogger(ProcessTrees.class);

    private ProcessTrees() {
    }

    /** Asks the process and its descendants to stop, then kills whatever is still alive after the grace period. */
    static void stop(Process process, Duration grace) {
        stop(process.toHandle(), grace);
    }

    /** The same for a process this JVM did not start (one adopted from an earlier run). */
    static void stop(ProcessHandle process, Duration grace) {
        List<ProcessHandle> tree = Stream.concat(process.descendants(), Stream.of(process)).toList();
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle handle : tree) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                handle.onExit().get(left, java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                log.warn("process {} did not stop within {}; killing it", handle.pid(), grace);
                handle.destroyForcibly();
            }
        }
    }

    /** Kills a server left running by an earlier run that died without cleaning up (pid file still there). */
    static void killStale(Path pidFile, String commandHint) throws IOException {
        if (!Files.exists(pidFile)) {
            return;
        }
        String text = Files.readString(pidFile).strip();
        Files.deleteIfExists(pidFile);
        if (text.isEmpty()) {
            return;
        }
        Optional<ProcessHandle> stale = ProcessHandle.of(Long.parseLong(text));
        stale.filter(ProcessHandle::isAlive)
                .filter(h -> h.info().commandLine().map(c -> c.contains(commandHint)).orElse(true))
                .ifPresent(h -> {
                    log.warn("Stopping {} process {} left over from an earlier run", commandHint, h.pid());
                    h.destroy();
                    h.onExit().orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).exceptionally(e -> {
                        h.destroyForcibly();
                        return h;
                    }).join();
                });
    }

    /**
     * The command prefix that starts a server in a session of its own: Ctrl-C in the terminal then
     * reaches only the engine, which stops the servers after its own beans (and an engine killed
     * outright leaves them running for the next run to adopt).
     */
    static List<String> ownSession() {
        return Files.isExecutable(Path.of("/usr/bin/setsid")) ? List.of("/usr/bin/setsid") : List.of();
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    /** Empties a server's data folder (tests start from nothing). */
    static void deleteIfExists(Path folder) throws IOException {
        if (Files.exists(folder)) {
            deleteRecursively(folder);
        }
    }

    static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /**
     * Starts a server as its own process, reading nothing and writing everything it prints to
     * {@code console}, with these variables added to its environment.
     */
    static ProcessHandle startServer(List<String> command, Path directory, Path console, java.util.Map<String, String> environment)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(console.toFile());
        builder.environment().putAll(environment);
        return builder.start().toHandle();
    }

    /** Waiting between readiness probes of a starting server. */
    static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a local server", e);
        }
    }
}
