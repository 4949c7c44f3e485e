package dev.baton.engine.segments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.engine.testing.EngineProcess;
import dev.baton.engine.testing.OneStepJourney;
import dev.baton.engine.testing.TestPostgres;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Two engine processes on one PostgreSQL and the shared servers; the one running an entry job (a
 * process instance per member) is killed with SIGKILL halfway. The other takes the job over once
 * its node stopped reporting, resumes after the last member recorded, and every member entered
 * the journey once — though the journey lets a lead in again and again, and the dead node may
 * have handed over members it had not recorded.
 */
class JourneyEntryNodeKilledTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MEMBERS = 30;
    private static final Duration FLOW = Duration.ofMinutes(3);

    @Test
    void anEntryJobWhoseNodeIsKilledHalfwayIsFinishedByTheOtherAndEntersNobodyTwice() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String database = TestPostgres.freshSchema("baton_entry_kill");
        try {
            Map<String, Object> shared = EngineProcess.nodesOn("entry-kill-" + run, database);
            // Slow enough to kill it halfway; taken over within seconds, not minutes.
            shared.put("baton.segments.entry-rate", 3);
            shared.put("baton.segments.entry-stalled-after", "8s");
            shared.put("baton.segments.refresh", "1s");
            shared.put("baton.segments.review-interval", "1s");
            // One after the other: Camunda creates its schema on the first start, which two engines must not race.
            try (EngineProcess doomed = EngineProcess.start("entry-doomed-" + run, shared);
                 EngineProcess survivor = doomed.awaitUp().andThen("entry-survivor-" + run, shared)) {
                survivor.awaitUp();
                String cohort = "entry-kill-" + run;
                String journey = "again-" + run;
                var deployed = doomed.deploy(journey, OneStepJourney.endsAtOnce(journey));
                assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(200);
                for (int n = 0; n < MEMBERS; n++) {
                    doomed.track("/v1/identify", "{\"userId\":\"%s-%d\",\"traits\":{\"cohort\":\"%s\"}}".formatted(cohort, n, cohort));
                }
                assertThat(doomed.admin("PUT", "/api/segments/" + cohort, "{\"name\":\"Killed\",\"conditions\":"
                        + "{\"trait\":\"cohort\",\"eq\":\"" + cohort + "\"}}").statusCode()).isEqualTo(200);
                await().atMost(FLOW).until(() -> json(doomed, "/api/segments/" + cohort).path("count").asInt() == MEMBERS);

                var created = doomed.admin("POST", "/api/journeys/" + journey + "/entries", "{\"segment\":\"%s\"}".formatted(cohort));
                assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
                String job = JSON.readTree(created.body()).path("id").asText();
                await().atMost(FLOW).until(() -> json(doomed, "/api/journeys/entries/" + job).path("published").asInt() >= 10);
                doomed.kill();

                await().atMost(FLOW).pollInterval(Duration.ofSeconds(1)).until(() ->
                        "done".equals(json(survivor, "/api/journeys/entries/" + job).path("state").asText()));
                assertThat(json(survivor, "/api/journeys/entries/" + job).path("published").asInt()).isEqualTo(MEMBERS);
                await().atMost(FLOW).pollInterval(Duration.ofSeconds(1)).until(() ->
                        instancesByLead(survivor, journey).size() == MEMBERS);
                // Every entry the dead node handed over is correlated by now; none made a second instance.
                await().atMost(FLOW).until(() -> json(survivor, "/api/journeys/entries/" + job).path("entered").asInt() == MEMBERS);
                assertThat(instancesByLead(survivor, journey).values()).as("instances per lead").containsOnly(1);
                assertThat(survivor.log()).contains("stopped reporting");
            }
        } finally {
            TestPostgres.dropSchema(database);
        }
    }

    /** How many instances of the journey each lead has had (running or ended), from Camunda's history. */
    private static Map<String, Integer> instancesByLead(EngineProcess node, String journey) throws Exception {
        Map<String, Integer> byLead = new HashMap<>();
        for (JsonNode instance : json(node, "/engine-rest/history/process-instance?processDefinitionKey=" + journey + "&maxResults=1000")) {
            byLead.merge(instance.path("businessKey").asText(), 1, Integer::sum);
        }
        return byLead;
    }

    private static JsonNode json(EngineProcess node, String path) throws Exception {
        var response = node.admin("GET", path, null);
        return response.statusCode() == 200 ? JSON.readTree(response.body()) : JSON.createObjectNode();
    }
}
