package dev.baton.engine.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.engine.testing.IntegrationTest;
import dev.baton.rules.DefaultRuleSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/** A lead nobody touches cools down on time: its behaviour points age, and the decay pass moves its tier. */
class ScoreDecayIntegrationTest extends IntegrationTest {

    @Test
    void hotLeadLeftAloneDropsToWarmWhenItsPointsAgeAndATierChangedEventSaysWhy() throws Exception {
        // Three pricing-page views are 83 points (21 each, and 10 twice for coming back within 7 days):
        // hot (60+). Send them dated so that their age takes the lead under 60 a few seconds from now:
        // the lead must then turn warm with no new event.
        Instant now = Instant.now();
        Duration untilWarm = Duration.between(now, DefaultRuleSet.compile().nextTierChange(83, 0, now).orElseThrow());
        Instant viewed = now.plusSeconds(8).minus(untilWarm);
        String visitor = "decay-" + UUID.randomUUID();
        for (int view = 0; view < 3; view++) {
            assertThat(track("/v1/page", """
                    {"anonymousId":"%s","name":"Pricing","properties":{"category":"pricing"},"timestamp":"%s"}"""
                    .formatted(visitor, viewed.plusMillis(view))).getStatusCode()).isEqualTo(HttpStatus.OK);
        }

        JsonNode hot = awaitLead(visitor, lead -> lead.path("eventCount").asInt() == 3);
        assertThat(hot.path("tier").asText()).isEqualTo("hot");
        // The profile shows the score as it stands now: the views are already a little aged.
        assertThat(hot.path("score").asInt()).isBetween(60, 83);
        assertThat(Instant.parse(hot.path("tierReviewAt").asText())).isAfter(now);

        JsonNode warm = awaitLead(visitor, lead -> "warm".equals(lead.path("tier").asText()));
        assertThat(warm.path("score").asInt()).isEqualTo(59);
        assertThat(warm.path("eventCount").asInt()).as("no new event").isEqualTo(3);
        JsonNode part = warm.path("scoreParts").get(0);
        assertThat(part.path("value").asDouble()).as("worth less than when earned").isLessThan(part.path("points").asDouble());

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> tierChanges(visitor).contains("hot->warm by decay"));
        assertThat(tierChanges(visitor)).containsExactlyInAnyOrder("cold->warm by event", "warm->hot by event",
                "hot->warm by decay");
    }

    private List<String> tierChanges(String lead) throws Exception {
        List<String> moves = new ArrayList<>();
        for (JsonNode event : getJson("/api/leads/" + lead + "/events?size=50").path("items")) {
            if ("Tier Changed".equals(event.path("event").asText())) {
                JsonNode p = event.path("properties");
                moves.add(p.path("from").asText() + "->" + p.path("to").asText() + " by " + p.path("cause").asText());
            }
        }
        return moves;
    }
}
