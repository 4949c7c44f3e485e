package dev.baton.engine.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.engine.search.Indices;
import dev.baton.engine.testing.IntegrationTest;
import dev.baton.engine.testing.KafkaProgress;
import dev.baton.engine.testing.TestServers;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;

/** Nothing lost, nothing counted twice: replays, duplicates and an Elasticsearch outage. */
class EventDurabilityTest extends IntegrationTest {
    @Autowired ObjectMapper json;
    @Autowired ElasticsearchClient elasticsearch;
    @Autowired Indices indices;

    @Test
    void replayingTenThousandEventsTwiceStoresThemOnceAndLeavesLeadCountersUnchanged() throws Exception {
        String run = "replay-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> visitors = visitors(run, 100);
        List<String> batches = batches(visitors, 100, recently(3));

        sendAll(batches);
        awaitCaughtUp(Duration.ofMinutes(3));
        Map<String, String> countersAfterFirst = counters(visitors);

        sendAll(batches);
        awaitCaughtUp(Duration.ofMinutes(3));

        assertThat(storedEvents(visitors)).isEqualTo(10_000);
        assertThat(counters(visitors)).isEqualTo(countersAfterFirst);
        assertThat(countersAfterFirst.values()).allMatch(c -> c.equals("100 events, 100 points"));
    }

    @Test
    void eventsSentWhileElasticsearchIsDownAreIndexedOnceWhenItReturns() throws Exception {
        String run = "outage-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> visitors = visitors(run, 20);
        sendAll(batches(visitors, 5, recently(2)));

        KafkaProgress progress = kafkaProgress();
        try (AutoCloseable outage = TestServers.elasticsearchOutage()) {
            // Kafka is up, so the tracking API keeps accepting events during the outage.
            sendAll(batches(visitors, 10, recently(1)));
            // For 30 s nothing can be stored, so nothing may be acknowledged to Kafka either.
            await().during(Duration.ofSeconds(30)).atMost(Duration.ofSeconds(40))
                    .until(() -> progress.committed() < progress.produced());
        }
        awaitCaughtUp(Duration.ofMinutes(3));

        assertThat(storedEvents(visitors)).isEqualTo(20 * 15);
        assertThat(counters(visitors).values()).allMatch(c -> c.equals("15 events, 15 points"));
    }

    /**
     * Hours ago, so that decay (half-life 30 days) takes less than half a point off 100: the
     * profile shows the score as it stands now.
     */
    private static Instant recently(int hoursAgo) {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(hoursAgo));
    }

    private static List<String> visitors(String run, int count) {
        List<String> visitors = new ArrayList<>();
        for (int v = 0; v < count; v++) {
            visitors.add(run + "-v" + v);
        }
        return visitors;
    }

    /** Blog page views (1 point each), eventsPerVisitor per visitor, as /v1/batch bodies of at most 500. */
    private List<String> batches(List<String> visitors, int eventsPerVisitor, Instant start) {
        List<ObjectNode> messages = new ArrayList<>();
        for (int i = 0; i < eventsPerVisitor; i++) {
            for (String visitor : visitors) {
                ObjectNode message = json.createObjectNode()
                        .put("type", "track")
                        .put("anonymousId", visitor)
                        .put("event", "Page Viewed")
                        .put("messageId", visitor + "-" + start.getEpochSecond() + "-" + i)
                        .put("timestamp", start.plusSeconds(i).toString());
                message.putObject("properties").put("category", "blog");
                messages.add(message);
            }
        }
        List<String> bodies = new ArrayList<>();
        for (int from = 0; from < messages.size(); from += 500) {
            ObjectNode body = json.createObjectNode();
            ArrayNode batch = body.putArray("batch");
            messages.subList(from, Math.min(from + 500, messages.size())).forEach(batch::add);
            bodies.add(body.toString());
        }
        return bodies;
    }

    private void sendAll(List<String> bodies) {
        for (String body : bodies) {
            assertThat(track("/v1/batch", body).getStatusCode()).isEqualTo(HttpStatus.OK);
        }
    }

    private void awaitCaughtUp(Duration atMost) {
        KafkaProgress progress = kafkaProgress();
        await().atMost(atMost).pollInterval(Duration.ofMillis(500)).until(progress::caughtUp);
    }

    private long storedEvents(List<String> visitors) throws Exception {
        elasticsearch.indices().refresh(r -> r.index(indices.allEvents()));
        return elasticsearch.count(c -> c.index(indices.allEvents()).query(q -> q.terms(t -> t.field("anonymousId")
                .terms(v -> v.value(visitors.stream().map(FieldValue::of).toList()))))).count();
    }

    private Map<String, String> counters(List<String> visitors) throws Exception {
        Map<String, String> counters = new HashMap<>();
        for (String visitor : visitors) {
            JsonNode lead = json.readTree(admin().getForEntity("/api/leads/" + visitor, String.class).getBody());
            counters.put(visitor, lead.path("eventCount").asInt() + " events, " + lead.path("score").asInt() + " points");
        }
        return counters;
    }
}
