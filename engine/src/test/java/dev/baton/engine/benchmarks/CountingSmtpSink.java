package dev.baton.engine.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An SMTP server for benchmarks that accepts every message and only counts it (GreenMail keeps
 * each message in memory, which 200,000 messages would fill): enough of RFC 5321 for Jakarta
 * Mail (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT), on a free loopback port.
 */
final class CountingSmtpSink implements AutoCloseable {
    private final ServerSocket server;
    private final ExecutorService connections = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "smtp-sink");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicLong accepted = new AtomicLong();
    private final java.util.Map<String, AtomicLong> bySubject = new java.util.concurrent.ConcurrentHashMap<>();

    CountingSmtpSink() throws IOException {
        server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        connections.submit(this::acceptAll);
    }

    int port() {
        return server.getLocalPort();
    }

    /** Messages accepted so far whose Subject header is {@code subject}. */
    long accepted(String subject) {
        AtomicLong count = bySubject.get(subject);
        return count == null ? 0 : count.get();
    }

    /** Messages accepted so far (each answered 250 after its DATA). */
    long accepted() {
        return accepted.get();
    }

    private void acceptAll() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.submit(() -> converse(socket));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void converse(Socket socket) {
        try (socket; var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
             OutputStream out = socket.getOutputStream()) {
            reply(out, "220 sink ESMTP");
            String line;
            while ((line = in.readLine()) != null) {
                String command = line.length() >= 4 ? line.substring(0, 4).toUpperCase(Locale.ROOT) : line.toUpperCase(Locale.ROOT);
                switch (command) {
                    case "EHLO", "HELO" -> reply(out, "250 sink");
                    case "MAIL", "RCPT", "RSET", "NOOP" -> reply(out, "250 OK");
                    case "DATA" -> {
                        reply(out, "354 go ahead");
                        String subject = "";
                        while ((line = in.readLine()) != null && !line.equals(".")) {
                            if (subject.isEmpty() && line.startsWith("Subject: ")) {
                                subject = line.substring("Subject: ".length()).strip();
                            }
                        }
                        bySubject.computeIfAbsent(subject, k -> new AtomicLong()).incrementAndGet();
                        accepted.incrementAndGet();
                        reply(out, "250 OK queued");
                    }
                    case "QUIT" -> {
                        reply(out, "221 bye");
                        return;
                    }
                    default -> reply(out, "502 not implemented");
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static void reply(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        connections.shutdownNow();
    }
}
