package dev.baton.engine.scaleout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.engine.testing.EngineProcess;
import dev.baton.engine.testing.IntegrationTest;
import dev.baton.engine.testing.TestPostgres;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Two real engine processes on one PostgreSQL and the shared Elasticsearch, Kafka and SMTP, as two
 * servers run them. Leads arrive as SDK batches (identify, three page views, a webinar
 * registration that starts a journey sending one email), first through one node alone, then
 * through both, then through both while one is killed with SIGKILL halfway; what was sent to the
 * dead node afterwards goes to the survivor, as a load balancer does. Every event is in its lead's
 * timeline once, every lead's journey ran once, nobody got the email twice, and the survivor
 * finished the work. The throughput of one node and of two is printed (on 2 cores two nodes share
 * the same cores: no speed-up is expected; the figures are for larger machines).
 * {@code -Dbaton.scaleout.leads} leads per phase (default 40).
 */
class TwoNodesUnderLoadTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LEADS = Integer.getInteger("baton.scaleout.leads", 40);
    private static final int EVENTS_PER_LEAD = 5;
    private static final Duration FLOW = Duration.ofMinutes(4);
    private static final String SUBJECT = "How teams like yours do it";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void killedNodeLosesNothingAndSendsNothingTwiceWhileTheSurvivorFinishes() throws Exception {
        String database = TestPostgres.freshSchema("baton_two_nodes");
        try {
            Map<String, Object> shared = EngineProcess.nodesOn("two-" + run, database);
            // A dead node's locked journey tasks go to the survivor within seconds.
            shared.put("baton.workers.lock", "10s");
            shared.put("baton.kafka.partitions", 6);
            String journey = "webinar-" + run;
            try (EngineProcess first = EngineProcess.start("first-" + run, shared)) {
                first.awaitUp();
                var deployed = first.deploy(journey, webinarJourney(journey));
                assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(200);

                List<String> alone = leads("alone");
                Instant started = Instant.now();
                send(alone, List.of(first), null);
                awaitProcessed(first, alone);
                double oneNode = rate(alone, started);

                try (EngineProcess second = EngineProcess.start("second-" + run, shared)) {
                    second.awaitUp();
                    List<String> both = leads("both");
                    started = Instant.now();
                    send(both, List.of(first, second), null);
                    awaitProcessed(second, both);
                    double twoNodes = rate(both, started);
                    System.out.printf("%n=== Two engine processes (%d leads x %d events per phase) ===%n", LEADS, EVENTS_PER_LEAD);
                    System.out.printf("one node : %6.0f events/s (accepted to profile written)%n", oneNode);
                    System.out.printf("two nodes: %6.0f events/s (ratio %.2f; on 2 cores they share the cores)%n%n", twoNodes,
                            twoNodes / oneNode);

                    List<String> killed = leads("killed");
                    send(killed, List.of(first, second), first);
                    awaitProcessed(second, killed);

                    List<String> everyone = new ArrayList<>(alone);
                    everyone.addAll(both);
                    everyone.addAll(killed);
                    await().atMost(FLOW).pollInterval(Duration.ofSeconds(2)).until(() ->
                            completedByLead(second, journey).size() == everyone.size());
                    Map<String, Integer> instances = completedByLead(second, journey);
                    for (String email : everyone) {
                        JsonNode lead = lead(second, email);
                        assertThat(instances.get(lead.path("id").asText())).as("journeys of " + email).isEqualTo(1);
                        assertOnceInTimeline(second, lead.path("id").asText(), email);
                        await().atMost(FLOW).until(() -> !distinctMessageIds(email).isEmpty());
                        assertThat(distinctMessageIds(email)).as("emails to " + email).hasSize(1);
                    }
                }
            }
        } finally {
            TestPostgres.dropSchema(database);
        }
    }

    /** A journey that starts when a lead registers for the webinar and sends it one email. */
    private static String webinarJourney(String key) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t"
                    xmlns:camunda="http://camunda.org/schema/1.0/bpmn">
                  <bpmn:message id="m" name="Webinar Registered" />
                  <bpmn:process id="%s" isExecutable="true" camunda:historyTimeToLive="30">
                    <bpmn:startEvent id="start"><bpmn:messageEventDefinition messageRef="m" /></bpmn:startEvent>
                    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="send" />
                    <bpmn:serviceTask id="send" camunda:type="external" camunda:topic="send-email">
                      <bpmn:extensionElements><camunda:inputOutput>
                        <camunda:inputParameter name="template">case-study</camunda:inputParameter>
                      </camunda:inputOutput></bpmn:extensionElements>
                    </bpmn:serviceTask>
                    <bpmn:sequenceFlow id="f2" sourceRef="send" targetRef="end" />
                    <bpmn:endEvent id="end" />
                  </bpmn:process>
                </bpmn:definitions>""".formatted(key);
    }

    private List<String> leads(String phase) {
        List<String> emails = new ArrayList<>();
        for (int n = 0; n < LEADS; n++) {
            emails.add(phase + "-" + n + "-" + run + "@example.com");
        }
        return emails;
    }

    /** The lead's SDK batch: the same message ids however often it is sent. */
    private static String batch(String email) {
        String base = email.replace('@', '.');
        List<String> messages = new ArrayList<>();
        messages.add("{\"type\":\"identify\",\"userId\":\"%s\",\"messageId\":\"%s-identify\",\"traits\":{\"email\":\"%s\"}}"
                .formatted(email, base, email));
        for (int page = 0; page < 3; page++) {
            messages.add("{\"type\":\"page\",\"userId\":\"%s\",\"messageId\":\"%s-page-%d\",\"name\":\"Pricing\",\"properties\":{\"category\":\"pricing\"}}"
                    .formatted(email, base, page));
        }
        messages.add("{\"type\":\"track\",\"userId\":\"%s\",\"messageId\":\"%s-webinar\",\"event\":\"Webinar Registered\"}"
                .formatted(email, base));
        return "{\"batch\":[" + String.join(",", messages) + "]}";
    }

    /**
     * Sends each lead's batch to the nodes in turn, from one thread per node; when {@code doomed}
     * is given, it is killed once half the leads were sent, and what it can no longer take goes to
     * the other node (a load balancer's retry, with the same message ids).
     */
    private void send(List<String> emails, List<EngineProcess> nodes, EngineProcess doomed) throws Exception {
        AtomicInteger sent = new AtomicInteger();
        List<CompletableFuture<Void>> senders = new ArrayList<>();
        for (int lane = 0; lane < nodes.size(); lane++) {
            int mine = lane;
            senders.add(CompletableFuture.runAsync(() -> {
                for (int n = mine; n < emails.size(); n += nodes.size()) {
                    EngineProcess node = nodes.get(mine);
                    if (!post(node, batch(emails.get(n)))) {
                        EngineProcess other = nodes.get((mine + 1) % nodes.size());
                        assertThat(post(other, batch(emails.get(n)))).as("the survivor takes " + emails.get(n)).isTrue();
                    }
                    if (doomed != null && sent.incrementAndGet() == emails.size() / 2) {
                        try {
                            doomed.kill();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }
            }));
        }
        CompletableFuture.allOf(senders.toArray(CompletableFuture[]::new)).get();
    }

    /** True when the node accepted the batch; false when it is gone (refused, reset, or a 5xx). */
    private boolean post(EngineProcess node, String body) {
        String key = Base64.getEncoder().encodeToString((IntegrationTest.WRITE_KEY + ":").getBytes(StandardCharsets.UTF_8));
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(node.url("/v1/batch")))
                    .header("Content-Type", "application/json").header("Authorization", "Basic " + key)
                    .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 500) {
                return false; // a node on its way down
            }
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits until every lead's profile has taken in all its events (a lead found done is not asked again). */
    private void awaitProcessed(EngineProcess node, List<String> emails) {
        Set<String> pending = new HashSet<>(emails);
        await().atMost(FLOW).pollInterval(Duration.ofMillis(200)).until(() -> {
            for (String email : List.copyOf(pending)) {
                if (lead(node, email).path("eventCount").asInt() < EVENTS_PER_LEAD) {
                    return false;
                }
                pending.remove(email);
            }
            return true;
        });
    }

    private static double rate(List<String> emails, Instant started) {
        return emails.size() * EVENTS_PER_LEAD / (Duration.between(started, Instant.now()).toMillis() / 1000.0);
    }

    /** Each of the lead's events once in its timeline (the journey's Email Sent included). */
    private void assertOnceInTimeline(EngineProcess node, String leadId, String email) throws Exception {
        await().atMost(FLOW).until(() -> json(node, "/api/leads/" + leadId + "/events?size=100").path("items").findValuesAsText("event")
                .contains("Email Sent"));
        Map<String, Integer> seen = new HashMap<>();
        for (JsonNode event : json(node, "/api/leads/" + leadId + "/events?size=100").path("items")) {
            seen.merge(event.path("messageId").asText(), 1, Integer::sum);
        }
        String base = email.replace('@', '.');
        for (String id : List.of(base + "-identify", base + "-page-0", base + "-page-1", base + "-page-2", base + "-webinar")) {
            assertThat(seen.get(id)).as(id + " in the timeline of " + email).isEqualTo(1);
        }
        assertThat(seen.values()).as("no event twice for " + email).containsOnly(1);
    }

    private static Set<String> distinctMessageIds(String email) throws Exception {
        Set<String> ids = new HashSet<>();
        for (MimeMessage message : IntegrationTest.mailTo(email)) {
            if (SUBJECT.equals(message.getSubject())) {
                ids.add(message.getMessageID());
            }
        }
        return ids;
    }

    /** Completed instances of the journey per lead, from Camunda's history. */
    private Map<String, Integer> completedByLead(EngineProcess node, String journey) throws Exception {
        Map<String, Integer> byLead = new HashMap<>();
        for (JsonNode instance : json(node, "/engine-rest/history/process-instance?processDefinitionKey=" + journey
                + "&finished=true&maxResults=10000")) {
            byLead.merge(instance.path("businessKey").asText(), 1, Integer::sum);
        }
        return byLead;
    }

    private JsonNode lead(EngineProcess node, String email) throws Exception {
        return json(node, "/api/leads/" + email);
    }

    private JsonNode json(EngineProcess node, String path) throws Exception {
        var response = node.admin("GET", path, null);
        return response.statusCode() == 200 ? JSON.readTree(response.body()) : JSON.createObjectNode();
    }
}
