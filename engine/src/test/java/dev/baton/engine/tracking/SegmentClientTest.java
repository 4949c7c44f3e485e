package dev.baton.engine.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.segment.analytics.Analytics;
import com.segment.analytics.messages.IdentifyMessage;
import com.segment.analytics.messages.TrackMessage;
import dev.baton.engine.testing.IntegrationTest;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Segment's own Java SDK, pointed at Baton, works unchanged: its calls arrive once each and merge into one lead. */
class SegmentClientTest extends IntegrationTest {
    @Autowired ObjectMapper json;
    @LocalServerPort int port;

    @Test
    void segmentJavaSdkTrackIdentifyAndBatchArriveOnceEachAndMergeIntoOneLead() throws Exception {
        String visitor = "seg-anon-" + UUID.randomUUID();
        String user = "seg-user-" + UUID.randomUUID();
        Analytics analytics = Analytics.builder(WRITE_KEY)
                .endpoint("http://localhost:" + port)
                .flushQueueSize(10)
                .build();
        try {
            analytics.enqueue(TrackMessage.builder("Page Viewed").anonymousId(visitor)
                    .properties(Map.of("category", "pricing")));
            analytics.enqueue(IdentifyMessage.builder().anonymousId(visitor).userId(user)
                    .traits(Map.of("email", user + "@example.com")));
            analytics.enqueue(TrackMessage.builder("Webinar Attended").userId(user));
            analytics.flush();
        } finally {
            analytics.shutdown();
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> {
            var response = admin().getForEntity("/api/leads/" + user, String.class);
            return response.getStatusCode().is2xxSuccessful()
                    && json.readTree(response.getBody()).path("eventCount").asInt() == 3;
        });
        JsonNode lead = json.readTree(admin().getForEntity("/api/leads/" + user, String.class).getBody());
        assertThat(lead.path("anonymousIds")).extracting(JsonNode::asText).containsExactly(visitor);
        assertThat(lead.path("userIds")).extracting(JsonNode::asText).containsExactly(user);
        assertThat(lead.path("score").asInt()).isEqualTo(21 + 15);
        // The three sent, each once, and the tier change they caused (36 points: cold to warm); the
        // moves of journeys the webinar started are in the timeline too, and not the subject here.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                json.readTree(admin().getForEntity("/api/leads/" + user + "/events", String.class).getBody())
                        .path("items")).extracting(event -> event.path("name").asText())
                .filteredOn(name -> !name.startsWith("Journey "))
                .containsExactlyInAnyOrder("Page Viewed", "Identified", "Webinar Attended", "Tier Changed"));
    }
}
