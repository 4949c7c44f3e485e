package dev.baton.engine.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One engine process (a JVM of its own, as a server runs it): this test's classpath,
 * {@code BatonApplication}, its own port, the properties given (the shared servers and store).
 * It can be stopped as an operator does, or killed with SIGKILL as a crash does.
 */
public final class EngineProcess implements AutoCloseable {
    private static final Duration START = Duration.ofMinutes(5);
    private final Process process;
    private final int port;
    private final Path log;
    private final HttpClient http = HttpClient.newHttpClient();

    private EngineProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    public static EngineProcess start(String name, Map<String, Object> shared) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        // C1 only and the serial collector: a node starts in about two thirds of the time on a
        // 2-core machine (these tests check behaviour across processes, not speed).
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                "dev.baton.engine.BatonApplication"));
        Map<String, Object> properties = new LinkedHashMap<>(shared);
        properties.put("server.port", port);
        properties.forEach((key, value) -> command.add("--" + key + "=" + value));
        Path log = Path.of("target", "engine-process-" + name + ".log");
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new EngineProcess(process, port, log);
    }

    /**
     * What engine processes share to run as nodes of one Baton on this PostgreSQL schema: the test
     * servers under their own names, and a node that dies hands its Kafka partitions over within
     * seconds (a 10 s session).
     */
    public static Map<String, Object> nodesOn(String name, String database) {
        Map<String, Object> shared = IntegrationTest.sharedByNodes(name, database);
        shared.put("spring.datasource.username", TestPostgres.user());
        shared.put("spring.datasource.password", TestPostgres.password());
        shared.put("spring.kafka.consumer.properties.session.timeout.ms", 10_000);
        return shared;
    }

    /** Waits until the process answers healthy (its log says why when it died instead). */
    public EngineProcess awaitUp() {
        await().atMost(START).pollInterval(Duration.ofSeconds(1)).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("the engine process on port " + port + " died; its log:\n" + log());
            }
            try {
                return http.send(HttpRequest.newBuilder(URI.create(url("/actuator/health"))).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
            } catch (IOException refused) {
                return false;
            }
        });
        return this;
    }

    /** Starts the next process once this one is up. */
    public EngineProcess andThen(String name, Map<String, Object> shared) throws IOException {
        return start(name, shared);
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** POSTs to a tracking endpoint with the write key, as a Segment SDK does; it must accept. */
    public void track(String path, String body) throws Exception {
        String key = Base64.getEncoder().encodeToString((IntegrationTest.WRITE_KEY + ":").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url(path)))
                .header("Content-Type", "application/json").header("Authorization", "Basic " + key)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    /** An admin request with a JSON body (null: none): the answer. */
    public HttpResponse<String> admin(String method, String path, String json) throws Exception {
        String login = Base64.getEncoder().encodeToString(("admin:" + IntegrationTest.ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8));
        return http.send(HttpRequest.newBuilder(URI.create(url(path))).header("Authorization", "Basic " + login)
                .header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Deploys a BPMN file through Camunda's REST API (as Camunda Modeler does); the answer. */
    public HttpResponse<String> deploy(String key, String bpmn) throws Exception {
        String boundary = "baton-" + java.util.UUID.randomUUID();
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"deployment-name\"\r\n\r\n" + key + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + key + ".bpmn\"; filename=\"" + key
                + ".bpmn\"\r\nContent-Type: application/xml\r\n\r\n" + bpmn + "\r\n--" + boundary + "--\r\n";
        String login = Base64.getEncoder().encodeToString(("admin:" + IntegrationTest.ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8));
        return http.send(HttpRequest.newBuilder(URI.create(url("/engine-rest/deployment/create"))).header("Authorization", "Basic " + login)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** SIGKILL: no shutdown hook, no last heartbeat, work in flight left as it was. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    public String log() throws IOException {
        File file = log.toFile();
        return file.exists() ? Files.readString(log) : "";
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
