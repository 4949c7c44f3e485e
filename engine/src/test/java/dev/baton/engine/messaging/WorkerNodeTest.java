package dev.baton.engine.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.engine.BatonApplication;
import dev.baton.engine.testing.IntegrationTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Scale-out by role: an ingest node that takes events in and drives journeys but sends nothing,
 * and a worker node that only sends, sharing Kafka, Elasticsearch and the Camunda database (as
 * separate processes do; here two application contexts with nothing in common but those
 * servers). A form on the ingest node gets its welcome email from the worker node.
 */
class WorkerNodeTest {

    @Test
    void formTakenInByAnIngestNodeGetsItsWelcomeEmailFromASeparateWorkerNode() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> shared = shared(run);
        try (ConfigurableApplicationContext ingest = start(shared, "ingest_" + run, Map.of("baton.workers.enabled", false));
             ConfigurableApplicationContext worker = start(shared, "worker_" + run, Map.of("baton.consumers.enabled", false))) {
            int port = ((ServletWebServerApplicationContext) ingest).getWebServer().getPort();
            String email = "nora-" + run + "@example.com";

            HttpResponse<String> accepted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/v1/track"))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((IntegrationTest.WRITE_KEY + ":").getBytes()))
                    .POST(HttpRequest.BodyPublishers.ofString("""
                            {"userId":"%s","event":"Form Submitted","context":{"traits":{"email":"%s","firstName":"Nora"}}}"""
                            .formatted(email, email))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(accepted.statusCode()).isEqualTo(200);

            await().atMost(Duration.ofSeconds(90)).until(() -> IntegrationTest.mailTo(email).stream()
                    .anyMatch(m -> "Welcome, Nora".equals(IntegrationTest.subject(m))));
            // Camunda's history says who sent it: the worker node's email worker.
            var history = worker.getBean(org.camunda.bpm.engine.HistoryService.class);
            await().atMost(Duration.ofSeconds(30)).until(() -> history.createHistoricExternalTaskLogQuery()
                    .topicName("send-email").successLog().count() > 0); // completed just after the send
            var sends = history.createHistoricExternalTaskLogQuery().topicName("send-email").successLog().list();
            assertThat(sends).allMatch(log -> log.getWorkerId().equals(worker.getBean(EmailWorker.class).workerId()));
        }
    }

    /** What both nodes share: the servers, the Camunda database, topics, indices and keys. */
    private static Map<String, Object> shared(String run) {
        Map<String, Object> properties = IntegrationTest.sharedByNodes("nodes-" + run,
                "jdbc:h2:mem:nodes-" + run + ";DB_CLOSE_DELAY=-1");
        properties.put("server.port", 0);
        return properties;
    }

    private static ConfigurableApplicationContext start(Map<String, Object> shared, String engineName, Map<String, Object> role) {
        Map<String, Object> properties = new HashMap<>(shared);
        // Each node its own engine name in this JVM's engine registry (separate processes would not share one).
        // No hyphen: the starter ignores a name with one and registers the engine as "default", and closing
        // it then unregistered the shared test application's engine, so /engine-rest answered 404 after this test.
        properties.put("camunda.bpm.process-engine-name", engineName);
        properties.putAll(role);
        // As command-line arguments: they win over application.yml (default properties would not).
        return new SpringApplicationBuilder(BatonApplication.class)
                .run(properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new));
    }
}
