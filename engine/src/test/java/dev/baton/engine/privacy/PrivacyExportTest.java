package dev.baton.engine.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.engine.testing.IntegrationTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/** A person's access request: everything Baton holds about them, found by any of their ids, in one document. */
class PrivacyExportTest extends IntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aPersonsExportHoldsTheirIdsProfileEveryEventTheirJourneysAndWhatWasSentToThem() throws Exception {
        String visitor = "visitor-" + UUID.randomUUID();
        String laptop = "laptop-" + UUID.randomUUID();
        String email = "ada-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        // A share click on the phone starts the journey; the form identifies her; her laptop is folded in.
        track("{\"anonymousId\":\"%s\",\"event\":\"Share Clicked\",\"properties\":{\"share\":\"s-1\"}}".formatted(visitor));
        track("""
                {"anonymousId":"%s","event":"Form Submitted","properties":{"form":"guide"},
                 "context":{"traits":{"email":"%s","firstName":"Ada"}}}""".formatted(visitor, email));
        awaitMail(email, "Welcome, Ada");
        track("""
                {"anonymousId":"%s","event":"Webinar Registered","context":{"traits":{"email":"%s"}}}""".formatted(laptop, email));
        String lead = leadIdOf(email);
        await().atMost(Duration.ofSeconds(60)).until(() -> timeline(lead).contains("Webinar Registered"));

        ResponseEntity<String> answer = admin().getForEntity("/api/privacy/leads/" + laptop + "/export", String.class);

        assertThat(answer.getStatusCode()).as(answer.getBody()).isEqualTo(HttpStatus.OK);
        assertThat(answer.getHeaders().getContentDisposition().getFilename()).isEqualTo("baton-export-" + lead + ".json");
        JsonNode export = JSON.readTree(answer.getBody());
        assertThat(export.path("leadId").asText()).as("found by the laptop's visitor id").isEqualTo(lead);
        assertThat(texts(export.path("ids").path("emails"))).containsExactly(email);
        assertThat(texts(export.path("ids").path("anonymousIds"))).contains(visitor, laptop);
        assertThat(export.path("profile").path("lead").path("traits").path("firstName").asText()).isEqualTo("Ada");
        List<String> events = new ArrayList<>();
        export.path("events").forEach(event -> events.add(event.path("event").asText()));
        assertThat(events).as("oldest first, the laptop's too").containsSubsequence("Share Clicked", "Form Submitted", "Webinar Registered");
        JsonNode journey = first(export.path("journeys"), "journey", "baton-share-to-lead");
        assertThat(journey.path("steps").size()).isPositive();
        assertThat(journey.path("variables").toString()).contains("\"template\"", "welcome");
        JsonNode welcome = first(export.path("messages").path("deliveries"), "template", "welcome");
        assertThat(welcome.path("to").asText()).isEqualTo(email);
        assertThat(export.has("sales")).isTrue();
        assertThat(export.has("attribution")).isTrue();
    }

    @Test
    void everyEventIsExportedHoweverManyPagesTheyTake() throws Exception {
        String user = "many-" + UUID.randomUUID().toString().substring(0, 8);
        int events = 1_234;
        StringBuilder batch = new StringBuilder("{\"batch\":[");
        for (int n = 0; n < events; n++) {
            batch.append(n == 0 ? "" : ",").append("{\"type\":\"track\",\"userId\":\"%s\",\"event\":\"Page Viewed\",\"messageId\":\"%s-%d\"}"
                    .formatted(user, user, n));
        }
        assertThat(track("/v1/batch", batch.append("]}").toString()).getStatusCode()).isEqualTo(HttpStatus.OK);
        awaitLead(user, lead -> lead.path("eventCount").asInt() == events);
        // Stored after the lead is written (with what the engine recorded of her, e.g. a tier change):
        // wait until the last page view is searchable.
        await().atMost(Duration.ofSeconds(60)).until(() ->
                getJson("/api/leads/" + leadIdOf(user) + "/events?size=1").path("total").asInt() >= events);
        long stored = getJson("/api/leads/" + leadIdOf(user) + "/events?size=1").path("total").asLong();

        JsonNode export = JSON.readTree(admin().getForEntity("/api/privacy/leads/" + user + "/export", String.class).getBody());

        assertThat(export.path("events").size()).as("every one of her %d stored events", stored).isEqualTo(stored);
        List<String> views = new ArrayList<>();
        export.path("events").forEach(event -> {
            if ("Page Viewed".equals(event.path("event").asText())) {
                views.add(event.path("messageId").asText());
            }
        });
        assertThat(views).hasSize(events).doesNotHaveDuplicates();
    }

    @Test
    void noOneKnownByTheIdIsA404() {
        assertThat(admin().getForEntity("/api/privacy/leads/nobody-" + UUID.randomUUID() + "/export", String.class).getStatusCode())
                .isEqualTo(HttpStatus.NOT_FOUND);
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(value -> texts.add(value.asText()));
        return texts;
    }

    private static JsonNode first(JsonNode array, String field, String value) {
        for (JsonNode item : array) {
            if (value.equals(item.path(field).asText())) {
                return item;
            }
        }
        throw new AssertionError("no " + field + " " + value + " in " + array);
    }
}
