package dev.baton.connectors;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A local HTTP server standing in for a SaaS provider in tests: it records every request and
 * answers with the responses scripted for it, in order (the documented success and errors).
 */
public final class FakeProvider implements AutoCloseable {
    /** One request as received, and when. */
    public record Request(String method, String path, String query, Map<String, List<String>> headers, String body,
                          java.time.Instant receivedAt) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    /** A scripted answer; {@code delay} makes the client time out. */
    public record Response(int status, String body, Duration delay) {
        public static Response of(int status, String body) {
            return new Response(status, body, Duration.ZERO);
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedDeque<Response> script = new ConcurrentLinkedDeque<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile Response fallback = Response.of(500, "{\"message\":\"nothing scripted\"}");

    public FakeProvider() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestURI().getRawQuery(), Map.copyOf(exchange.getRequestHeaders()), body,
                    java.time.Instant.now()));
            Response scripted = script.poll();
            Response response = scripted == null ? fallback : scripted;
            if (!response.delay().isZero()) {
                try {
                    released.await(response.delay().toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            // "{{unique}}" in a scripted body becomes a new id per answer, as a provider's message ids are.
            byte[] bytes = response.body().replace("{{unique}}", java.util.UUID.randomUUID().toString().replace("-", ""))
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(response.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public FakeProvider answer(Response... responses) {
        script.addAll(List.of(responses));
        return this;
    }

    /** What to answer once the script is used up. */
    public FakeProvider answerByDefault(Response response) {
        fallback = response;
        return this;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
    }
}
