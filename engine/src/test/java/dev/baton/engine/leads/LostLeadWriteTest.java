package dev.baton.engine.leads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.engine.testing.IntegrationTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;

/**
 * A batch folds a visitor into a lead: it writes the visitor's tombstone and the identities, then
 * its write of the lead is lost (another node wrote the lead first) and the batch is done again.
 * The second attempt may take the visitor in at another of its events (a page view of the
 * visitor's device, which reaches the lead through the tombstone). The tier move the fold causes is named by the fold, not by the event, so
 * both attempts publish it under one message id: the lead's history shows one Tier Changed.
 */
class LostLeadWriteTest extends IntegrationTest {
    @Autowired LeadStore leads;

    @Test
    void aFoldDoneAgainAfterTheLeadsWriteWasLostMovesTheTierUnderTheSameNameAsTheFirstAttempt() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        // First, a fold whose writes all land: the move it causes is named by the folded visitor.
        String firstVisitor = "lw-v1-" + run;
        String firstUser = "lw-u1-" + run;
        String firstLead = visitorAndUser(firstVisitor, firstUser);
        send("/v1/identify", "{\"anonymousId\":\"%s\",\"userId\":\"%s\"}".formatted(firstVisitor, firstUser));
        JsonNode firstMove = onlyTierChange(firstLead);
        assertThat(firstMove.path("cause").asText()).isEqualTo("merge");
        assertThat(firstMove.path("causeId").asText()).as("named by whichever of the two was folded")
                .isIn(firstVisitor + ":warm", firstLead + ":warm");

        // Then what such a batch leaves when its write of the lead is lost: the visitor's tombstone
        // owed to the lead, and the lead without the visitor (the visitor's id still names the
        // tombstone, which leads there, until the lead has taken it in).
        String visitor = "lw-v2-" + run;
        String user = "lw-u2-" + run;
        String lead = visitorAndUser(visitor, user);
        var stored = leads.getAll(Set.of(visitor));
        leads.writeAll(List.of(stored.get(visitor).profile().tombstone(lead)), stored);
        // The batch done again: its events come again (they were never stored), here a blog page
        // view of the visitor's device.
        send("/v1/track", "{\"anonymousId\":\"%s\",\"event\":\"Page Viewed\",\"properties\":{\"category\":\"blog\"}}"
                .formatted(visitor));

        JsonNode move = onlyTierChange(lead);
        assertThat(move.path("from").asText()).isEqualTo("cold");
        assertThat(move.path("to").asText()).isEqualTo("warm");
        assertThat(move.path("cause").asText()).as("named by the fold, as the first attempt named it").isEqualTo("merge");
        assertThat(move.path("causeId").asText()).isEqualTo(visitor + ":warm");
        JsonNode taken = getJson("/api/leads/" + lead);
        assertThat(taken.path("anonymousIds")).extracting(JsonNode::asText).containsExactly(visitor);
        assertThat(taken.path("score").asInt()).as("the visitor's pricing view (21), the webinar (15), the blog view (1)")
                .isEqualTo(37);
    }

    /** A visitor who viewed pricing (21) and a user who attended a webinar (15): both cold. Returns the user's lead. */
    private String visitorAndUser(String visitor, String user) throws Exception {
        send("/v1/track", "{\"anonymousId\":\"%s\",\"event\":\"Page Viewed\",\"properties\":{\"category\":\"pricing\"}}"
                .formatted(visitor));
        send("/v1/track", "{\"userId\":\"%s\",\"event\":\"Webinar Attended\"}".formatted(user));
        awaitLead(visitor, found -> found.path("eventCount").asInt() == 1);
        return awaitLead(user, found -> found.path("eventCount").asInt() == 1).path("id").asText();
    }

    /** The lead's one Tier Changed, once its history has it and the pipeline caught up; fails when there are more. */
    private JsonNode onlyTierChange(String lead) throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> !tierChanges(lead).isEmpty());
        // Caught up: a second move, had one been published, is stored by now.
        await().atMost(Duration.ofSeconds(60)).until(() -> kafkaProgress().caughtUp());
        List<JsonNode> moves = tierChanges(lead);
        assertThat(moves).as("Tier Changed events of " + lead).hasSize(1);
        return moves.get(0);
    }

    private List<JsonNode> tierChanges(String lead) throws Exception {
        List<JsonNode> moves = new ArrayList<>();
        for (JsonNode item : getJson("/api/leads/" + lead + "/events").path("items")) {
            if ("Tier Changed".equals(item.path("event").asText())) {
                moves.add(item.path("properties"));
            }
        }
        return moves;
    }

    private void send(String path, String body) {
        assertThat(track(path, body).getStatusCode()).isEqualTo(HttpStatus.OK);
    }
}
