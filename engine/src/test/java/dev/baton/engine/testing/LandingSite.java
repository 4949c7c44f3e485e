package dev.baton.engine.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A customer's website for browser tests: pages served from 127.0.0.1 at a port of its own, so a
 * page's origin is another site than Baton's ({@code localhost}), as a landing page on the
 * customer's own domain is.
 */
public final class LandingSite implements AutoCloseable {
    private final HttpServer server;

    private LandingSite(HttpServer server) {
        this.server = server;
    }

    public static LandingSite start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.start();
        return new LandingSite(server);
    }

    /** Serves this HTML at {@code path} (and below it); returns the site itself, for chaining. */
    public LandingSite page(String path, String html) {
        byte[] page = html.getBytes(StandardCharsets.UTF_8);
        server.createContext(path, exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        return this;
    }

    /** The site's address, e.g. {@code http://127.0.0.1:41234}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
