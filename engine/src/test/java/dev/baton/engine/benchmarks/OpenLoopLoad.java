package dev.baton.engine.benchmarks;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * An open-loop HTTP/1.1 load: request {@code i} is due at {@code start + i / rate} and its latency
 * runs from then until its answer, so a slow server cannot hide its queue (no coordinated
 * omission). A fixed number of keep-alive connections, each on its own thread, take the next due
 * request; when all are busy, due requests wait and that wait is counted.
 *
 * <p>Plain sockets on purpose: the JDK's {@code HttpClient} cost about as much CPU per request as
 * the server's whole redirect, and on a two-core machine the generator's CPU is the server's loss.
 * Answers are read as far as HTTP/1.1 needs (status line, headers, a Content-Length or chunked
 * body); a connection the server closes is opened again.
 */
final class OpenLoopLoad {
    private final String host;
    private final int port;
    private final int connections;

    OpenLoopLoad(String host, int port, int connections) {
        this.host = host;
        this.port = port;
        this.connections = connections;
    }

    record Result(int sent, int failed, double achievedRate, long[] latenciesNanos) {
        double p50() {
            return percentile(0.50);
        }

        double p99() {
            return percentile(0.99);
        }

        double max() {
            return latenciesNanos[latenciesNanos.length - 1] / 1e6;
        }

        /** Milliseconds. */
        double percentile(double p) {
            return latenciesNanos[Math.min(latenciesNanos.length - 1, (int) Math.ceil(p * latenciesNanos.length) - 1)] / 1e6;
        }
    }

    /**
     * @param request the request head of request {@code i} without the final empty line, e.g.
     *                {@code "GET /s/x HTTP/1.1\r\nCookie: a=b\r\n"} ({@code Host} is added)
     * @param expectedStatus an answer with another status counts as failed
     */
    Result run(IntFunction<String> request, int expectedStatus, int rate, int seconds) throws InterruptedException {
        int total = rate * seconds;
        long[] latencies = new long[total];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        long interval = 1_000_000_000L / rate;
        long start = System.nanoTime() + 10_000_000L;
        List<Thread> threads = new ArrayList<>(connections);
        for (int c = 0; c < connections; c++) {
            Thread thread = new Thread(() -> {
                Connection connection = null;
                for (int i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
                    long due = start + i * interval;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    int status;
                    try {
                        if (connection == null) {
                            connection = new Connection(host, port);
                        }
                        status = connection.exchange(request.apply(i));
                        if (connection.closedByServer) {
                            connection.close();
                            connection = null;
                        }
                    } catch (IOException e) {
                        status = -1;
                        if (connection != null) {
                            connection.close();
                        }
                        connection = null;
                    }
                    latencies[i] = System.nanoTime() - due;
                    if (status != expectedStatus) {
                        failed.incrementAndGet();
                    }
                }
                if (connection != null) {
                    connection.close();
                }
            }, "load-" + c);
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        Arrays.sort(latencies);
        return new Result(total, failed.get(), total / elapsed, latencies);
    }

    /** One keep-alive connection; reconnected by the caller after an error. */
    private static final class Connection {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        private final String hostHeader;
        /** The answer said "Connection: close" (Tomcat does after 100 requests on one connection). */
        boolean closedByServer;

        Connection(String host, int port) throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), 5_000);
            socket.setSoTimeout(120_000);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 8192);
            hostHeader = "Host: " + host + ":" + port + "\r\n\r\n";
        }

        int exchange(String head) throws IOException {
            out.write((head + hostHeader).getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String statusLine = line();
            int status = Integer.parseInt(statusLine.substring(9, 12));
            long length = 0;
            boolean chunked = false;
            for (String header = line(); !header.isEmpty(); header = line()) {
                String lower = header.toLowerCase();
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(header.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    closedByServer = true;
                }
            }
            if (chunked) {
                for (long size = Long.parseLong(line().split(";")[0].trim(), 16); size > 0;
                     size = Long.parseLong(line().split(";")[0].trim(), 16)) {
                    skip(size);
                    line();
                }
                line();
            } else {
                skip(length);
            }
            return status;
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("connection closed mid-answer");
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }

        private void skip(long bytes) throws IOException {
            for (long left = bytes; left > 0; ) {
                long skipped = in.skip(left);
                if (skipped <= 0) {
                    if (in.read() < 0) {
                        throw new IOException("connection closed mid-body");
                    }
                    skipped = 1;
                }
                left -= skipped;
            }
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a broken connection
            }
        }
    }
}
