package dev.baton.engine.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.engine.search.Indices;
import dev.baton.engine.testing.IntegrationTest;
import co.elastic.clients.elasticsearch.ElasticsearchClient;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/**
 * The walking skeleton over real Kafka and Elasticsearch: a Segment track call is acknowledged,
 * travels through Kafka keyed by the visitor, is scored by the default DRL rules, stored, and
 * explained on the lead.
 */
class TrackedEventToScoredLeadTest extends IntegrationTest {
    @org.springframework.beans.factory.annotation.Autowired org.springframework.kafka.core.KafkaAdmin kafkaAdmin;
    @org.springframework.beans.factory.annotation.Autowired dev.baton.engine.tracking.EventTopics topics;
    private static final Duration PIPELINE = Duration.ofSeconds(30);

    @Autowired ObjectMapper json;
    @Autowired ElasticsearchClient elasticsearch;
    @Autowired Indices indices;

    @Test
    void pricingPageViewIsScoredByTheDefaultRulesAndExplainedOnTheLead() throws Exception {
        String visitor = "visitor-" + UUID.randomUUID();
        String messageId = "msg-" + UUID.randomUUID();

        ResponseEntity<String> response = track("/v1/track", """
                {"anonymousId":"%s","event":"Page Viewed","messageId":"%s",
                 "properties":{"category":"pricing","path":"/pricing"},"campaignNote":"kept"}
                """.formatted(visitor, messageId));

        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(json.readTree(response.getBody()).path("success").asBoolean()).isTrue();
        JsonNode lead = awaitLead(visitor);
        assertThat(lead.path("score").asInt()).isEqualTo(21);
        assertThat(lead.path("tier").asText()).isEqualTo("cold");
        assertThat(lead.path("tags")).extracting(JsonNode::asText).containsExactly("grade:D");
        assertThat(lead.path("scoreParts")).anySatisfy(part -> {
            assertThat(part.path("rule").asText()).isEqualTo("Pricing page viewed");
            assertThat(part.path("reason").asText()).isEqualTo("pricing page");
            assertThat(part.path("points").asInt()).isEqualTo(20);
        });
        assertThat(lead.path("ruleSetVersion").asText()).isEqualTo("default");

        var stored = elasticsearch.get(g -> g.index(indices.allEvents().replace("*", "") + monthOf(lead))
                .id(messageId), JsonNode.class);
        assertThat(stored.found()).isTrue();
        assertThat(stored.source().path("campaignNote").asText()).as("unknown fields are kept").isEqualTo("kept");
        assertThat(stored.source().path("score").path("points").asInt()).isEqualTo(21);
    }

    @Test
    void seniorLeadFromALargeSoftwareCompanyBackOnPricingIsHotGradeAAndTheProfileSaysWhy() throws Exception {
        String user = "vp-" + UUID.randomUUID();
        assertThat(track("/v1/identify", """
                {"userId":"%s","traits":{"email":"%s@example.com","title":"VP of Sales","employees":5000,"industry":"Software"}}"""
                .formatted(user, user)).getStatusCode()).isEqualTo(HttpStatus.OK);
        for (int view = 0; view < 2; view++) {
            assertThat(track("/v1/page", """
                    {"userId":"%s","name":"Pricing","properties":{"category":"pricing"}}""".formatted(user))
                    .getStatusCode()).isEqualTo(HttpStatus.OK);
        }

        JsonNode lead = awaitLead(user, l -> l.path("eventCount").asInt() == 3);

        // Fit 20 + 15 + 10 (recomputed on each event, not added up), pricing 21 twice, 10 for coming back.
        assertThat(lead.path("score").asInt()).isEqualTo(45 + 21 + 21 + 10);
        assertThat(lead.path("tier").asText()).isEqualTo("hot");
        assertThat(lead.path("tags")).extracting(JsonNode::asText).contains("grade:A", "intent:pricing");
        String why = lead.path("whyThisTier").asText();
        assertThat(why).startsWith("hot because its score is 97 (hot from 60 points under rule set default)");
        assertThat(why).contains("pricing page +40 (2 times)", "senior job title +20", "Behaviour points halve every 30 days");
    }

    @Test
    void sameMessageSentTwiceIsStoredAndCountedOnce() throws Exception {
        String visitor = "visitor-" + UUID.randomUUID();
        String body = """
                {"anonymousId":"%s","event":"Form Submitted","messageId":"dup-%s"}
                """.formatted(visitor, visitor);
        assertThat(track("/v1/track", body).getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(track("/v1/track", body).getStatusCode()).isEqualTo(HttpStatus.OK);
        // A later, different event proves the consumer has passed both copies.
        assertThat(track("/v1/track", """
                {"anonymousId":"%s","event":"Email Clicked","messageId":"after-%s"}
                """.formatted(visitor, visitor)).getStatusCode()).isEqualTo(HttpStatus.OK);

        await().atMost(PIPELINE).untilAsserted(() -> assertThat(getJson("/api/leads/" + visitor).path("eventCount").asInt()).isEqualTo(2));
        JsonNode lead = getJson("/api/leads/" + visitor);
        assertThat(lead.path("score").asInt()).isEqualTo(15 + 5);
    }

    @Test
    void malformedEventsAndWrongWriteKeysAreRejectedAndLeaveNothingBehind() throws Exception {
        String bad = "bad-" + UUID.randomUUID();
        EventsTopic topic = eventsTopicFromNow();

        assertProblem(track("/v1/track", "{\"anonymousId\":\"" + bad + "\",\"properties\":{}}"), 400, "event");
        assertProblem(track("/v1/track", "{\"anonymousId\":\"" + bad + "\",\"event\":\"X\",\"properties\":\"flat\"}"),
                400, "properties");
        assertProblem(track("/v1/track", "{\"event\":\"X\"}"), 400, "userId");
        assertProblem(track("/v1/track", "{\"anonymousId\":\"" + bad + "\",\"event\":\"X\",\"timestamp\":\"yesterday\"}"),
                400, "timestamp");
        assertProblem(track("/v1/track", "{\"anonymousId\":\"" + bad + "\", \"event\":"), 400, "");
        ResponseEntity<String> wrongKey = track("/v1/track",
                "{\"anonymousId\":\"" + bad + "\",\"event\":\"Page Viewed\"}", "not-the-key");
        assertThat(wrongKey.getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
        assertThat(wrongKey.getHeaders().getFirst("WWW-Authenticate")).startsWith("Basic");

        String marker = "marker-" + UUID.randomUUID();
        assertThat(track("/v1/track", "{\"anonymousId\":\"" + marker + "\",\"event\":\"Page Viewed\"}").getStatusCode())
                .isEqualTo(HttpStatus.OK);
        awaitLead(marker);

        // The engine's own events (tier and segment moves of other tests' leads) may share the topic:
        // of what was sent here, only the marker reached Kafka.
        java.util.List<String> sent;
        try (topic) {
            sent = topic.until(marker);
        }
        assertThat(sent).as("nothing of the rejected events reached Kafka").noneMatch(value -> value.contains(bad));
        assertThat(sent).as("the marker reached Kafka once").filteredOn(value -> value.contains(marker)).hasSize(1);
        assertThat(admin().getForEntity("/api/leads/" + bad, String.class).getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        // Over every monthly index: one another test just created may not have its shard ready yet
        // (a 503 for the count), so the count is retried until it answers.
        long badEvents = org.awaitility.Awaitility.await().ignoreExceptions().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> elasticsearch.count(c -> c.index(indices.allEvents())
                        .query(q -> q.term(t -> t.field("anonymousId").value(bad)))).count(), n -> n != null);
        assertThat(badEvents).isZero();
    }

    @Test
    void messagesAndBatchesOverSegmentsSizeLimitsAreRejectedNamingTheLimit() throws Exception {
        String big = "x".repeat(33 * 1024);
        ResponseEntity<String> message = track("/v1/track",
                "{\"anonymousId\":\"big\",\"event\":\"X\",\"properties\":{\"blob\":\"" + big + "\"}}");
        assertThat(message.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(json.readTree(message.getBody()).path("detail").asText()).contains("32768 bytes");

        StringBuilder batch = new StringBuilder("{\"batch\":[");
        for (int i = 0; i < 20; i++) {
            batch.append(i == 0 ? "" : ",").append("{\"type\":\"track\",\"anonymousId\":\"big\",\"event\":\"X\",")
                    .append("\"properties\":{\"blob\":\"").append("y".repeat(30 * 1024)).append("\"}}");
        }
        ResponseEntity<String> tooBig = track("/v1/batch", batch.append("]}").toString());
        assertThat(tooBig.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(json.readTree(tooBig.getBody()).path("detail").asText()).contains("512000 bytes");
    }

    @Test
    void leadsApiNeedsAnAdminLogin() {
        assertThat(http.getForEntity("/api/leads/anyone", String.class).getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
        // Not "admin": Camunda throttles a user's logins for a few seconds after a wrong password.
        assertThat(http.withBasicAuth("intruder", "guess").getForEntity("/api/leads/anyone", String.class).getStatusCode())
                .isEqualTo(HttpStatus.UNAUTHORIZED);
        assertThat(admin().getForEntity("/api/leads/anyone", String.class).getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
    }

    private void assertProblem(ResponseEntity<String> response, int status, String field) throws Exception {
        assertThat(response.getStatusCode().value()).as(response.getBody()).isEqualTo(status);
        JsonNode problem = json.readTree(response.getBody());
        assertThat(problem.path("field").asText()).isEqualTo(field);
        assertThat(problem.path("detail").asText()).isNotBlank();
    }



    private static String monthOf(JsonNode lead) {
        String first = lead.path("firstSeen").asText();
        return first.substring(0, 4) + "." + first.substring(5, 7);
    }
}
