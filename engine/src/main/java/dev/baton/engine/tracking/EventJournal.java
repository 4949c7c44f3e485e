package dev.baton.engine.tracking;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Events recorded on a visitor's behalf (a share-link click) that must not make the visitor wait
 * for Kafka: appended to a journal file on this node's disk before the answer goes out, sent to
 * Kafka right after by a relay thread, in batches, in order.
 *
 * <p>Durable as far as the answer: a write to the file is in the operating system's hands when
 * {@link #append} returns, so a process killed with SIGKILL (or out of memory) loses nothing;
 * whichever engine on this disk comes next relays what it had not sent (each node holds a lock on
 * its own file; a file nobody holds belongs to a node that died). A Kafka outage delays the relay,
 * the file keeps the events meanwhile. Like Kafka's own log, the file is not forced to the disk
 * on each write: the machine itself losing power can lose the last moments' events, and a node's
 * disk that never comes back loses what it had not relayed (production: a persistent volume for
 * {@code baton.tracking.journal-dir}). Sending one twice (a crash between Kafka's acknowledgement
 * and the relay's saved position) is harmless: every consumer counts a message id once.
 *
 * <p>A journal file is one event per line (the Kafka payload, JSON without line breaks); beside
 * it, {@code .pos} holds how far it has been sent. A fully sent file over {@code roll-bytes} is
 * replaced by a new one and deleted.
 */
@Component
public class EventJournal {
    private static final Logger log = LoggerFactory.getLogger(EventJournal.class);
    private static final String SUFFIX = ".journal";
    /** A journal being created, not yet locked under its name. */
    private static final String NEW = ".journal.new";
    private static final int BATCH = 500;
    private static final int READ_BYTES = 1 << 20;
    private static final Duration ORPHAN_SCAN = Duration.ofSeconds(30);

    /**
     * Journals some engine in this JVM has open (tests run several application contexts): never
     * opened a second time here, as closing a second descriptor of a file drops the process's lock on it.
     */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final long rollBytes;
    private final Duration sendTimeout;
    private final EventPublisher publisher;
    private final TrackingMessages messages;
    private final Object appendLock = new Object();
    /** Where appends go; replaced under {@link #appendLock} when it rolls. */
    private volatile Journal current;
    private final AtomicLong appended = new AtomicLong();
    private final AtomicLong relayed = new AtomicLong();
    private volatile boolean open;
    /** The last write failed (guarded by {@link #appendLock}). */
    private boolean torn;
    private Thread relay;

    /** An open journal file this node holds the lock of, and how far it has been sent. */
    private static final class Journal {
        final Path file;
        final FileChannel channel;
        final FileLock lock;
        /** Bytes sent to Kafka from the start of the file. */
        long sent;
        /** Told how many lines each acknowledged batch covered (this node's own count of what waits). */
        final java.util.function.IntConsumer onSent;

        Journal(Path file, FileChannel channel, FileLock lock, java.util.function.IntConsumer onSent) {
            this.file = file;
            this.channel = channel;
            this.lock = lock;
            this.onSent = onSent;
        }

        void onSent(int lines) {
            onSent.accept(lines);
        }

        Path position() {
            return file.resolveSibling(file.getFileName() + ".pos");
        }

        /** Releases the lock and the file (after {@link #delete} when it was all sent: nobody may take it over in between). */
        void close() throws IOException {
            try {
                channel.close(); // releases the lock too
            } finally {
                HELD.remove(file);
            }
        }
    }

    EventJournal(@Value("${baton.tracking.journal-dir}") Path dir,
                 @Value("${baton.tracking.journal-roll-bytes:16777216}") long rollBytes,
                 EventPublisher publisher, TrackingMessages messages, EventTopics topics, MeterRegistry metrics) {
        // One directory per events topic: a journal is only ever sent on to the topic it was written for.
        this.dir = dir.resolve(topics.eventsTopic());
        this.rollBytes = rollBytes;
        this.sendTimeout = topics.sendTimeout();
        this.publisher = publisher;
        this.messages = messages;
        Gauge.builder("baton.journal.waiting", this, EventJournal::waiting)
                .description("Events this node journaled that Kafka has not acknowledged yet").register(metrics);
    }

    @PostConstruct
    void start() throws IOException {
        Files.createDirectories(dir);
        current = create();
        open = true;
        relay = new Thread(this::relayLoop, "event-journal-relay");
        relay.setDaemon(true);
        relay.start();
        log.info("Share clicks are journaled in {} and sent on to Kafka from there", dir.toAbsolutePath());
    }

    /**
     * Appends the event to this node's journal; false when the disk did not take it (the caller
     * then makes sure of it another way). It reaches Kafka moments later.
     */
    public boolean append(TrackedEvent event) {
        byte[] line = (messages.toKafka(event) + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (appendLock) {
            if (!open) {
                return false;
            }
            try {
                if (torn) {
                    // A write that failed may have left part of a line: end it, so this event is a line of its own.
                    write(new byte[] {'\n'});
                    appended.incrementAndGet(); // the relay counts the line it ends, though it sends nothing
                    torn = false;
                }
                write(line);
            } catch (IOException e) {
                torn = true;
                log.warn("Could not journal {} {} in {}: {}", event.event(), event.messageId(), current.file, e.getMessage());
                return false;
            }
        }
        appended.incrementAndGet();
        LockSupport.unpark(relay);
        return true;
    }

    private void write(byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            current.channel.write(buffer);
        }
    }

    /** How many events this node journaled that Kafka has not acknowledged yet. */
    public long waiting() {
        return Math.max(0, appended.get() - relayed.get());
    }

    private void relayLoop() {
        long backoffMillis = 0;
        long nextOrphanScan = System.nanoTime(); // the first pass looks at once
        boolean down = false;
        while (open || waiting() > 0) {
            try {
                if (System.nanoTime() - nextOrphanScan >= 0) {
                    relayOrphans();
                    nextOrphanScan = System.nanoTime() + ORPHAN_SCAN.toNanos();
                }
                int sent = relayOwn();
                if (down) {
                    log.info("Kafka takes journaled events again");
                    down = false;
                }
                backoffMillis = 0;
                if (sent == 0) {
                    // Woken by the next append (or the orphan scan's time).
                    LockSupport.parkNanos(this, TimeUnit.SECONDS.toNanos(1));
                }
            } catch (EventPublisher.EventBusUnavailableException e) {
                if (!down) {
                    log.warn("Kafka does not take journaled events ({} waiting), retrying: {}", waiting(), e.getMessage());
                    down = true;
                }
                backoffMillis = Math.min(5_000, Math.max(200, backoffMillis * 2));
                if (!open) {
                    return; // shutting down: the file keeps them for the next engine on this disk
                }
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(backoffMillis));
            } catch (IOException | RuntimeException e) {
                if (!open) {
                    return;
                }
                log.warn("Relaying the event journal failed, retrying: {}", e.getMessage());
                LockSupport.parkNanos(this, TimeUnit.SECONDS.toNanos(1));
            } catch (Throwable e) {
                // Never let the relay die quietly while appends go on: the journal would only grow.
                log.error("Relaying the event journal failed, retrying", e);
                LockSupport.parkNanos(this, TimeUnit.SECONDS.toNanos(1));
            }
        }
    }

    /** Sends what this node appended since the last pass; rolls the file once it is all sent and large. */
    private int relayOwn() throws IOException {
        Journal journal = current;
        int sent = send(journal, journal.channel);
        if (journal.sent >= rollBytes) {
            synchronized (appendLock) {
                if (open && journal == current && journal.channel.size() == journal.sent) {
                    current = create();
                    delete(journal);
                    journal.close();
                }
            }
        }
        return sent;
    }

    /**
     * Sends the journal from its saved position to its last complete line, saving the position
     * after each batch Kafka acknowledged; how many lines it got through.
     */
    private int send(Journal journal, FileChannel channel) throws IOException {
        int total = 0;
        while (true) {
            long base = journal.sent;
            long end = channel.size();
            if (end <= base) {
                return total;
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(READ_BYTES, end - base));
            while (buffer.hasRemaining() && channel.read(buffer, base + buffer.position()) > 0) {
                // read until the buffer is full
            }
            byte[] bytes = buffer.array();
            int last = buffer.position() - 1;
            while (last >= 0 && bytes[last] != '\n') {
                last--;
            }
            if (last < 0) {
                return total; // a line still being written
            }
            List<TrackedEvent> batch = new ArrayList<>(BATCH);
            int lines = 0;
            int lineStart = 0;
            for (int i = 0; i <= last; i++) {
                if (bytes[i] != '\n') {
                    continue;
                }
                String line = new String(bytes, lineStart, i - lineStart, StandardCharsets.UTF_8);
                long lineAt = base + lineStart;
                lineStart = i + 1;
                lines++;
                if (!line.isBlank()) {
                    try {
                        batch.add(messages.fromKafka(line));
                    } catch (RuntimeException e) {
                        // A line torn by a failed write: nothing to send, and no reason to stop the rest.
                        log.warn("Skipping an unreadable line of {} at byte {}: {}", journal.file, lineAt, e.getMessage());
                    }
                }
                if (batch.size() == BATCH || i == last) {
                    if (!batch.isEmpty()) {
                        publisher.publish(batch);
                    }
                    batch.clear();
                    journal.sent = base + lineStart;
                    savePosition(journal);
                    journal.onSent(lines);
                    total += lines;
                    lines = 0;
                }
            }
        }
    }

    /** Written aside and renamed over the old one: a kill mid-write leaves the old position, never an empty one. */
    private static void savePosition(Journal journal) throws IOException {
        Path next = journal.file.resolveSibling(journal.file.getFileName() + ".pos.next");
        Files.writeString(next, Long.toString(journal.sent), StandardCharsets.UTF_8);
        Files.move(next, journal.position(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Where a journal was sent up to; from the start when that is unknown (sending twice is harmless). */
    private static long savedPosition(Path position) {
        try {
            return Files.exists(position) ? Long.parseLong(Files.readString(position, StandardCharsets.UTF_8).strip()) : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /**
     * Journals of engines that stopped on this disk (nobody holds their lock): sent on, then
     * deleted. Also removes journals that never got their name (an engine killed while creating
     * one: empty, as nothing is appended before the rename).
     */
    private void relayOrphans() throws IOException {
        List<Path> files;
        try (Stream<Path> listed = Files.list(dir)) {
            files = listed.filter(f -> f.getFileName().toString().endsWith(SUFFIX) || f.getFileName().toString().endsWith(NEW))
                    .map(Path::toAbsolutePath).toList();
        }
        for (Path file : files) {
            if (file.getFileName().toString().endsWith(NEW) && !abandoned(file)) {
                continue; // an engine creating its journal right now: left alone, not even opened
            }
            if (!HELD.add(file)) {
                continue; // this node's own, or another engine's in this JVM
            }
            Journal orphan = null;
            try {
                FileChannel channel;
                try {
                    channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                } catch (IOException gone) {
                    continue; // deleted by another engine meanwhile
                }
                FileLock lock;
                try {
                    lock = channel.tryLock();
                } catch (IOException | OverlappingFileLockException e) {
                    lock = null;
                }
                if (lock == null || !Files.exists(file)) {
                    channel.close(); // a live engine's (or one just sent and deleted)
                    continue;
                }
                orphan = new Journal(file, channel, lock, lines -> { });
                if (file.getFileName().toString().endsWith(NEW)) {
                    delete(orphan);
                    continue;
                }
                orphan.sent = savedPosition(orphan.position());
                int sent = send(orphan, channel);
                log.info("Sent {} events on to Kafka from {}, the journal of an engine that stopped", sent, file);
                delete(orphan);
            } finally {
                if (orphan != null) {
                    orphan.close();
                } else {
                    HELD.remove(file);
                }
            }
        }
    }

    /** A journal left unnamed for a minute: its engine died while creating it. */
    private static boolean abandoned(Path file) {
        try {
            return Files.getLastModifiedTime(file).toInstant().isBefore(java.time.Instant.now().minus(Duration.ofMinutes(1)));
        } catch (IOException gone) {
            return false;
        }
    }

    /**
     * A new journal, locked before it has the name other engines look for: created as
     * {@code .journal.new}, locked, then renamed (the lock stays with the file).
     */
    private Journal create() throws IOException {
        String name = "events-" + UUID.randomUUID();
        Path fresh = dir.resolve(name + NEW).toAbsolutePath();
        Path file = dir.resolve(name + SUFFIX).toAbsolutePath();
        HELD.add(fresh);
        HELD.add(file);
        // Only this node writes it, under the append lock, so its position is always the end (reads are positional).
        FileChannel channel = FileChannel.open(fresh, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new IOException("could not lock the new journal " + fresh);
            }
            Files.move(fresh, file, StandardCopyOption.ATOMIC_MOVE);
            return new Journal(file, channel, lock, lines -> relayed.addAndGet(lines));
        } catch (IOException | RuntimeException e) {
            channel.close();
            HELD.remove(file);
            throw e;
        } finally {
            HELD.remove(fresh);
        }
    }

    private static void delete(Journal journal) throws IOException {
        Files.deleteIfExists(journal.position());
        Files.deleteIfExists(journal.file.resolveSibling(journal.file.getFileName() + ".pos.next"));
        Files.deleteIfExists(journal.file);
    }

    /**
     * Stops taking events and sends what is left (for up to 10 s); what Kafka does not take by
     * then stays in the file for the next engine on this disk.
     */
    @PreDestroy
    void stop() throws InterruptedException, IOException {
        synchronized (appendLock) {
            open = false;
        }
        LockSupport.unpark(relay);
        // Longer than one Kafka send may take, so the relay is not cut off inside one.
        relay.join(sendTimeout.toMillis() + 5_000);
        Journal journal = current;
        boolean allSent = journal.channel.size() == journal.sent;
        if (allSent) {
            delete(journal);
        }
        journal.close();
        if (!allSent) {
            log.warn("{} events journaled in {} wait for the next engine on this disk", waiting(), journal.file);
        }
    }
}
