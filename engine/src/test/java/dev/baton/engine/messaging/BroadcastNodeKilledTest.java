package dev.baton.engine.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.engine.testing.EngineProcess;
import dev.baton.engine.testing.IntegrationTest;
import dev.baton.engine.testing.TestPostgres;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Two engine processes on one PostgreSQL and the shared servers; the one running a broadcast is
 * killed with SIGKILL halfway. The other takes the broadcast over after its node stopped
 * reporting, resumes it after the last member handed over, and every member ends up with the
 * email once (a send the dead node may have made before recording it goes again with the same
 * Message-ID, which a receiver shows once).
 */
class BroadcastNodeKilledTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MEMBERS = 30;
    private static final Duration FLOW = Duration.ofMinutes(3);
    private static final String SUBJECT = "How teams like yours do it";

    @Test
    void aBroadcastWhoseNodeIsKilledHalfwayIsFinishedByTheOtherAndNobodyGetsItTwice() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String database = TestPostgres.freshSchema("baton_kill");
        try {
            Map<String, Object> shared = EngineProcess.nodesOn("kill-" + run, database);
            // Slow enough to kill it halfway; taken over within seconds, not minutes.
            shared.put("baton.broadcasts.email-rate", 5);
            shared.put("baton.broadcasts.poll", "1s");
            shared.put("baton.broadcasts.stalled-after", "8s");
            shared.put("baton.broadcasts.in-flight", "10s");
            shared.put("baton.segments.refresh", "1s");
            shared.put("baton.segments.review-interval", "1s");
            // One after the other: Camunda creates its schema on the first start, which two engines must not race.
            try (EngineProcess doomed = EngineProcess.start("doomed-" + run, shared);
                 EngineProcess survivor = doomed.awaitUp().andThen("survivor-" + run, shared)) {
                survivor.awaitUp();
                String cohort = "kill-" + run;
                List<String> emails = new ArrayList<>();
                for (int n = 0; n < MEMBERS; n++) {
                    String email = cohort + "-" + n + "@example.com";
                    emails.add(email);
                    doomed.track("/v1/identify", "{\"userId\":\"%s\",\"traits\":{\"cohort\":\"%s\",\"email\":\"%s\"}}"
                            .formatted(email, cohort, email));
                }
                assertThat(doomed.admin("PUT", "/api/segments/" + cohort, "{\"name\":\"Killed\",\"conditions\":"
                        + "{\"trait\":\"cohort\",\"eq\":\"" + cohort + "\"}}").statusCode()).isEqualTo(200);
                await().atMost(FLOW).until(() -> json(doomed, "/api/segments/" + cohort).path("count").asInt() == MEMBERS);

                var created = doomed.admin("POST", "/api/broadcasts",
                        "{\"segment\":\"%s\",\"channel\":\"email\",\"template\":\"case-study\"}".formatted(cohort));
                assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
                String broadcast = JSON.readTree(created.body()).path("id").asText();
                await().atMost(FLOW).until(() -> json(doomed, "/api/broadcasts/" + broadcast).path("published").asInt() >= 10);
                doomed.kill();

                await().atMost(FLOW).pollInterval(Duration.ofSeconds(1)).until(() -> {
                    JsonNode shown = json(survivor, "/api/broadcasts/" + broadcast);
                    return "done".equals(shown.path("state").asText()) && shown.path("outcome").path("sent").asInt() == MEMBERS;
                });
                assertThat(json(survivor, "/api/broadcasts/" + broadcast).path("published").asInt()).isEqualTo(MEMBERS);
                for (String email : emails) {
                    Set<String> messageIds = new HashSet<>();
                    for (MimeMessage message : IntegrationTest.mailTo(email)) {
                        if (SUBJECT.equals(message.getSubject())) {
                            messageIds.add(message.getMessageID());
                        }
                    }
                    assertThat(messageIds).as("distinct broadcast emails to " + email).hasSize(1);
                }
                assertThat(survivor.log()).contains("stopped reporting");
            }
        } finally {
            TestPostgres.dropSchema(database);
        }
    }

    private static JsonNode json(EngineProcess node, String path) throws Exception {
        var response = node.admin("GET", path, null);
        return response.statusCode() == 200 ? JSON.readTree(response.body()) : JSON.createObjectNode();
    }
}
