package dev.baton.devservers;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * What a server process left in the work dir so that the next run finds it: its process id and
 * ports. The development run's servers outlive an engine that was killed, and the next run
 * adopts them instead of starting a second copy on the same data.
 *
 * @param secondPort the other port the server listens on (Kafka's controller, Elasticsearch's transport)
 */
record ServerState(long pid, int port, int secondPort) {

    /**
     * The state the file records, if its process is still alive and still the server (its command
     * line names {@code commandHint}; a recycled process id belongs to something else).
     */
    static Optional<ServerState> read(Path file, String commandHint) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
            ServerState state = new ServerState(Long.parseLong(properties.getProperty("pid")),
                    Integer.parseInt(properties.getProperty("port")), Integer.parseInt(properties.getProperty("second-port")));
            return state.process()
                    .filter(ProcessHandle::isAlive)
                    .filter(process -> process.info().commandLine().map(line -> line.contains(commandHint)).orElse(true))
                    .map(process -> state);
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // unreadable or half written: nothing to adopt
        }
    }

    /** The process, while it exists. */
    Optional<ProcessHandle> process() {
        return ProcessHandle.of(pid);
    }

    void write(Path file) {
        Properties properties = new Properties();
        properties.setProperty("pid", String.valueOf(pid));
        properties.setProperty("port", String.valueOf(port));
        properties.setProperty("second-port", String.valueOf(secondPort));
        try (Writer writer = Files.newBufferedWriter(file)) {
            properties.store(writer, "A development server started by Baton's launcher (baton-dev-servers)");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
