package dev.baton.engine.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.engine.testing.IntegrationTest;
import dev.baton.engine.testing.KafkaProgress;
import dev.baton.engine.testing.TestPostgres;
import dev.baton.engine.testing.TestServers;
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
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two engine processes (two JVMs, as two servers run them) on one PostgreSQL, sharing Kafka,
 * Elasticsearch and the SMTP server. Here each process's journey consumer is a group of its own
 * ({@code baton.kafka.journeys-group}), so every journey signal reaches both processes: a lead's
 * click and form are correlated on both engines at the same moment. The database's "one active
 * journey per lead" and Camunda's fetch-and-lock still leave each lead one share-to-lead journey
 * and one welcome email, whichever process wins.
 */
class JourneyTwoProcessesTest {
    private static final int LEADS = 20;
    private static final Duration START = Duration.ofMinutes(5);
    private static final Duration FLOW = Duration.ofMinutes(3);

    @Test
    void clickAndFormCorrelatedOnTwoEngineProcessesAtOnceMakeOneJourneyAndOneWelcomePerLead() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String database = TestPostgres.freshSchema("baton_procs");
        try {
            Map<String, Object> shared = shared(run, database);
            // One after the other: Camunda creates its schema on the first start, which two engines must not race.
            try (Node first = Node.start("first-" + run, shared); Node second = first.awaitUp().andThen("second-" + run, shared)) {
                second.awaitUp();
                List<String> emails = new ArrayList<>();
                for (int n = 0; n < LEADS; n++) {
                    String visitor = "visitor-" + run + "-" + n;
                    String email = "two-procs-" + run + "-" + n + "@example.com";
                    emails.add(email);
                    // Each lead as a Segment server SDK sends it: the click and the form in one batch, to either process.
                    (n % 2 == 0 ? first : second).track("/v1/batch", """
                            {"batch":[
                              {"type":"track","anonymousId":"%1$s","event":"Share Clicked"},
                              {"type":"track","anonymousId":"%1$s","event":"Form Submitted","properties":{"form":"guide"},
                               "context":{"traits":{"email":"%2$s","firstName":"Two"}}}]}""".formatted(visitor, email));
                }

                for (String email : emails) {
                    await().atMost(FLOW).until(() -> IntegrationTest.mailTo(email).size() >= 1);
                }
                // Every welcome sent, none left to send: a second one could only come from a second journey.
                await().atMost(FLOW).until(() -> pendingEmails(database) == 0);
                for (String email : emails) {
                    assertThat(IntegrationTest.mailTo(email)).as("welcomes to " + email).hasSize(1);
                }
                // Both processes took every journey signal in (each its own group), so each was correlated on both.
                Map<String, Object> kafka = Map.of("bootstrap.servers", TestServers.endpoints().kafkaBootstrapServers());
                for (Node node : List.of(first, second)) {
                    KafkaProgress signals = new KafkaProgress(kafka, "procs-" + run + ".events.journeys", 3, node.journeysGroup);
                    await().atMost(FLOW).until(signals::caughtUp);
                    assertThat(signals.committed()).as("journey signals %s took in", node.journeysGroup)
                            .isGreaterThanOrEqualTo(2L * LEADS);
                }
                Map<String, Integer> journeys = shareToLeadJourneysPerLead(database);
                assertThat(journeys).as("leads with a share-to-lead journey").hasSize(LEADS);
                assertThat(journeys.values()).as("share-to-lead journeys per lead").containsOnly(1);
                assertThat(first.log()).contains("Started BatonApplication");
                assertThat(second.log()).contains("Started BatonApplication");
            }
        } finally {
            TestPostgres.dropSchema(database);
        }
    }

    /** What both processes share: the servers, the Camunda database, topics, indices and keys. */
    private static Map<String, Object> shared(String run, String database) {
        Map<String, Object> properties = IntegrationTest.sharedByNodes("procs-" + run, database);
        properties.put("spring.datasource.username", TestPostgres.user());
        properties.put("spring.datasource.password", TestPostgres.password());
        return properties;
    }

    private static long pendingEmails(String database) throws Exception {
        try (var connection = DriverManager.getConnection(database, TestPostgres.user(), TestPostgres.password());
             var query = connection.prepareStatement("SELECT count(*) FROM act_ru_ext_task WHERE topic_name_ = 'send-email'");
             var rows = query.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static Map<String, Integer> shareToLeadJourneysPerLead(String database) throws Exception {
        Map<String, Integer> perLead = new HashMap<>();
        try (var connection = DriverManager.getConnection(database, TestPostgres.user(), TestPostgres.password());
             var query = connection.prepareStatement("SELECT business_key_, count(*) FROM act_hi_procinst"
                     + " WHERE proc_def_key_ = 'baton-share-to-lead' GROUP BY business_key_");
             var rows = query.executeQuery()) {
            while (rows.next()) {
                perLead.put(rows.getString(1), rows.getInt(2));
            }
        }
        return perLead;
    }

    /** One engine process: this test's classpath, {@code BatonApplication}, its own port and journeys group. */
    private static final class Node implements AutoCloseable {
        private final Process process;
        private final int port;
        private final Path log;
        private final String journeysGroup;
        private final HttpClient http = HttpClient.newHttpClient();

        private Node(Process process, int port, Path log, String journeysGroup) {
            this.process = process;
            this.port = port;
            this.log = log;
            this.journeysGroup = journeysGroup;
        }

        static Node start(String name, Map<String, Object> shared) throws IOException {
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                    "-Xmx512m", "-cp", System.getProperty("java.class.path"), "dev.baton.engine.BatonApplication"));
            Map<String, Object> properties = new LinkedHashMap<>(shared);
            properties.put("server.port", port);
            String journeysGroup = "procs-journeys-" + name;
            properties.put("baton.kafka.journeys-group", journeysGroup);
            properties.forEach((key, value) -> command.add("--" + key + "=" + value));
            Path log = Path.of("target", "two-processes-" + name + ".log");
            Files.createDirectories(log.getParent());
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            return new Node(process, port, log, journeysGroup);
        }

        /** Waits until the process answers healthy (its log says why when it died instead). */
        Node awaitUp() {
            await().atMost(START).pollInterval(Duration.ofSeconds(1)).until(() -> {
                if (!process.isAlive()) {
                    throw new AssertionError("the engine process on port " + port + " died; its log:\n" + log());
                }
                try {
                    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(),
                            HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
                } catch (IOException refused) {
                    return false;
                }
            });
            return this;
        }

        /** Starts the next process once this one is up. */
        Node andThen(String name, Map<String, Object> shared) throws IOException {
            return start(name, shared);
        }

        void track(String path, String body) throws Exception {
            String key = Base64.getEncoder().encodeToString((IntegrationTest.WRITE_KEY + ":").getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("Content-Type", "application/json").header("Authorization", "Basic " + key)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        }

        String log() throws IOException {
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
}
