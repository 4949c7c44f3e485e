package dev.baton.engine.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.engine.testing.IntegrationTest;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;

/** Anonymous visitors become known leads; their history comes along; ids are merged, never lost. */
class IdentityMergeTest extends IntegrationTest {
    private static final Duration PIPELINE = Duration.ofSeconds(30);
    @Autowired ObjectMapper json;

    @Test
    void visitorHistoryBelongsToTheLeadItIdentifiesAs() throws Exception {
        String visitor = "v-" + UUID.randomUUID();
        String email = "Ada." + UUID.randomUUID().toString().substring(0, 6) + "@Example.com";
        send("track", "{\"anonymousId\":\"%s\",\"event\":\"Page Viewed\",\"properties\":{\"category\":\"pricing\"}}".formatted(visitor));
        send("identify", "{\"anonymousId\":\"%s\",\"traits\":{\"email\":\"%s\",\"title\":\"CTO\"}}".formatted(visitor, email));

        JsonNode lead = awaitLead(email, l -> l.path("eventCount").asInt() == 2);
        String leadId = lead.path("id").asText();
        assertThat(leadId).as("the visitor's lead, identified: its id stays (never the email)").isEqualTo(visitor);
        assertThat(lead.path("score").asInt()).as("the anonymous pricing visit (21) counts for the lead, with fit for a CTO (20)").isEqualTo(41);
        assertThat(lead.path("anonymousIds")).extracting(JsonNode::asText).containsExactly(visitor);
        assertThat(lead.path("emails")).extracting(JsonNode::asText).containsExactly(email.toLowerCase());
        assertThat(lead.path("traits").path("title").asText()).isEqualTo("CTO");
        assertThat(lead.has("kafkaOffsets")).as("internal bookkeeping is not shown").isFalse();

        JsonNode viaEmail = getJson("/api/leads/" + email.toLowerCase());
        assertThat(viaEmail.path("id").asText()).as("the email answers with its lead").isEqualTo(leadId);
        await().atMost(PIPELINE).untilAsserted(() -> {
            JsonNode timeline = getJson("/api/leads/" + leadId + "/events");
            // The two events sent, and the Tier Changed event the CTO's fit points caused (cold -> warm);
            // a journey another test deployed may have started on the page view and shows its moves.
            assertThat(timeline.path("items")).extracting(item -> item.path("type").asText() + " " + item.path("event").asText())
                    .filteredOn(event -> !event.startsWith("track Journey "))
                    .containsExactlyInAnyOrder("track Page Viewed", "identify ", "track Tier Changed");
        });
    }

    @Test
    void twoDevicesThatIdentifyAsTheSameEmailBecomeOneLead() throws Exception {
        String phone = "phone-" + UUID.randomUUID();
        String laptop = "laptop-" + UUID.randomUUID();
        String email = "grace-" + UUID.randomUUID().toString().substring(0, 6) + "@example.com";
        send("track", "{\"anonymousId\":\"%s\",\"event\":\"Email Clicked\"}".formatted(phone));
        send("track", "{\"anonymousId\":\"%s\",\"event\":\"Webinar Attended\"}".formatted(laptop));
        send("identify", "{\"anonymousId\":\"%s\",\"traits\":{\"email\":\"%s\"}}".formatted(phone, email));
        send("identify", "{\"anonymousId\":\"%s\",\"traits\":{\"email\":\"%s\"}}".formatted(laptop, email));

        JsonNode lead = awaitLead(email, l -> l.path("eventCount").asInt() == 4);
        assertThat(lead.path("anonymousIds")).extracting(JsonNode::asText).containsExactlyInAnyOrder(phone, laptop);
        assertThat(lead.path("score").asInt()).isEqualTo(5 + 15);

        // Search is near-real-time (refreshed every second), unlike the realtime profile read above.
        await().atMost(PIPELINE).untilAsserted(() -> {
            JsonNode found = getJson("/api/leads?query=" + email.toUpperCase());
            assertThat(found.path("total").asInt()).isEqualTo(1);
            assertThat(found.path("items").get(0).path("id").asText()).isEqualTo(lead.path("id").asText());
        });
    }

    @Test
    void aliasMergesAnEarlierUserIdIntoTheNewOne() throws Exception {
        String oldId = "crm-" + UUID.randomUUID();
        String newId = "user-" + UUID.randomUUID();
        send("track", "{\"userId\":\"%s\",\"event\":\"Form Submitted\"}".formatted(oldId));
        awaitLead(oldId, l -> l.path("eventCount").asInt() == 1);
        send("alias", "{\"previousId\":\"%s\",\"userId\":\"%s\"}".formatted(oldId, newId));

        JsonNode lead = awaitLead(newId, l -> l.path("userIds").size() == 2);
        assertThat(lead.path("userIds")).extracting(JsonNode::asText).containsExactlyInAnyOrder(oldId, newId);
        assertThat(lead.path("score").asInt()).isEqualTo(15);
        assertThat(lead.path("id").asText()).as("an opaque id, never a userId").startsWith("ld-");
        assertThat(getJson("/api/leads/" + oldId).path("id").asText()).isEqualTo(lead.path("id").asText());
    }

    private void send(String type, String body) {
        assertThat(track("/v1/" + type, body).getStatusCode()).isEqualTo(HttpStatus.OK);
    }


}
