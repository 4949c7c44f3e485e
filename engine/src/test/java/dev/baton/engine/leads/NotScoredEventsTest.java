package dev.baton.engine.leads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.engine.testing.IntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;

/**
 * What features declare as not behaviour (messaging's sends and failures, sales' handoff steps)
 * stays in the lead's timeline but earns no points and does not count as an event of the lead;
 * what the lead did (an email clicked) is scored.
 */
class NotScoredEventsTest extends IntegrationTest {
    @Autowired EngineEvents engineEvents;

    @Test
    void sendsAndHandoffStepsAreKeptInTheTimelineButOnlyTheLeadsOwnDoingsAreScored() throws Exception {
        String user = "ns-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(track("/v1/track", "{\"userId\":\"%s\",\"event\":\"Webinar Attended\"}".formatted(user)).getStatusCode())
                .isEqualTo(HttpStatus.OK);
        String lead = awaitLead(user, found -> found.path("eventCount").asInt() == 1).path("id").asText();
        Instant now = Instant.now();
        engineEvents.publish(List.of(
                new EngineEvents.EngineEvent(lead, "Sales Assigned", "ns-assigned:" + lead, now, Map.of("rep", "anna")),
                new EngineEvents.EngineEvent(lead, "Email Sent", "ns-sent:" + lead, now, Map.of("template", "welcome")),
                new EngineEvents.EngineEvent(lead, "SMS Failed", "ns-failed:" + lead, now, Map.of("reason", "no route")),
                new EngineEvents.EngineEvent(lead, "Email Clicked", "ns-clicked:" + lead, now, Map.of("url", "https://example.com"))));

        await().atMost(Duration.ofSeconds(60)).until(() -> timeline(lead).lines().toList()
                .containsAll(List.of("Sales Assigned", "Email Sent", "SMS Failed", "Email Clicked")));
        await().atMost(Duration.ofSeconds(60)).until(() -> kafkaProgress().caughtUp());
        JsonNode scored = getJson("/api/leads/" + lead);
        assertThat(scored.path("eventCount").asInt()).as("the webinar and the click; Baton's own doings are not the lead's")
                .isEqualTo(2);
        assertThat(scored.path("score").asInt()).as("webinar 15, email click 5").isEqualTo(20);
    }
}
