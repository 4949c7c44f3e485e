package dev.baton.engine.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.engine.testing.IntegrationTest;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** Ops change scoring while the engine runs: a broken upload changes nothing, activation and rollback apply to the next event. */
class RuleSetLifecycleTest extends IntegrationTest {
    private static final String HEADER = """
            package dev.baton.rules.ops;
            import dev.baton.rules.BehaviourEvent;
            global dev.baton.rules.ScoreCard scoreCard;

            """;
    @Autowired ObjectMapper json;

    @AfterEach
    void backToTheDefaultRules() {
        admin().postForEntity("/api/rulesets/0/activate", null, String.class);
    }

    @Test
    void brokenUploadIsRefusedWithItsLineAndScoringIsUnchanged() throws Exception {
        ResponseEntity<String> response = upload("broken.drl", HEADER + """
                rule "Broken"
                when
                    BehaviourEvent(name == "Page Viewed"))
                then
                    scoreCard.addPoints("x", 1);
                end
                """);

        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.UNPROCESSABLE_ENTITY);
        JsonNode error = json.readTree(response.getBody()).path("errors").get(0);
        assertThat(error.path("file").asText()).isEqualTo("broken.drl");
        assertThat(error.path("line").asInt()).isEqualTo(7);
        assertThat(error.path("message").asText()).isNotBlank();
        assertThat(scoreOfANewVisitorsBlogView()).isEqualTo(1);
    }

    @Test
    void activatedVersionScoresTheNextEventAndRollbackRestoresTheOldScore() throws Exception {
        ResponseEntity<String> uploaded = upload("generous.drl", HEADER + """
                rule "Every page view is worth fifty"
                when
                    BehaviourEvent(name == "Page Viewed")
                then
                    scoreCard.addPoints("generous page view", 50);
                end
                """);
        assertThat(uploaded.getStatusCode()).as(uploaded.getBody()).isEqualTo(HttpStatus.CREATED);
        int version = json.readTree(uploaded.getBody()).path("version").asInt();
        assertThat(version).isPositive();
        assertThat(scoreOfANewVisitorsBlogView()).as("uploaded, not yet active").isEqualTo(1);

        assertThat(admin().postForEntity("/api/rulesets/" + version + "/activate", null, String.class).getStatusCode())
                .isEqualTo(HttpStatus.OK);
        assertThat(scoreOfANewVisitorsBlogView()).isEqualTo(50);
        JsonNode listing = json.readTree(admin().getForEntity("/api/rulesets", String.class).getBody());
        assertThat(listing.path("active").asInt()).isEqualTo(version);

        assertThat(admin().postForEntity("/api/rulesets/0/activate", null, String.class).getStatusCode())
                .isEqualTo(HttpStatus.OK);
        assertThat(scoreOfANewVisitorsBlogView()).isEqualTo(1);
    }

    @Test
    void simulationReportsTierMovesOnRealHistoryAndWritesNothing() throws Exception {
        String visitor = "sim-" + UUID.randomUUID();
        String campaign = "probe-" + UUID.randomUUID();
        for (int view = 0; view < 2; view++) {
            track("/v1/page", "{\"anonymousId\":\"%s\",\"properties\":{\"category\":\"pricing\",\"campaign\":\"%s\"}}"
                    .formatted(visitor, campaign));
        }
        JsonNode before = awaitLead(visitor, lead -> lead.path("eventCount").asInt() == 2);
        assertThat(before.path("tier").asText()).isEqualTo("warm");
        awaitSearchable(visitor);

        Map<String, String> files = new java.util.LinkedHashMap<>(dev.baton.rules.DefaultRuleSet.files());
        files.put("probe.drl", HEADER + """
                rule "Simulation probe"
                when
                    BehaviourEvent(name == "Page Viewed", properties["campaign"] == "%s")
                then
                    scoreCard.addPoints("probe campaign", 100);
                end
                """.formatted(campaign));
        ResponseEntity<String> uploaded = upload(files, null);
        assertThat(uploaded.getStatusCode()).as(uploaded.getBody()).isEqualTo(HttpStatus.CREATED);
        JsonNode version = json.readTree(uploaded.getBody());
        assertThat(version.path("changes").toString()).contains("+ rule \\\"Simulation probe\\\"");

        ResponseEntity<String> simulated = admin().postForEntity(
                "/api/rulesets/" + version.path("version").asInt() + "/simulate?days=1&top=5", null, String.class);
        assertThat(simulated.getStatusCode()).as(simulated.getBody()).isEqualTo(HttpStatus.OK);
        JsonNode report = json.readTree(simulated.getBody());
        assertThat(report.path("leadsChangingTier").asLong()).isEqualTo(1);
        assertThat(report.path("tierMoves").path("warm->hot").asLong()).isEqualTo(1);
        JsonNode top = report.path("topChanges").get(0);
        assertThat(top.path("leadId").asText()).isEqualTo(visitor);
        assertThat(top.path("scoreBefore").asInt()).isEqualTo(52);
        assertThat(top.path("scoreAfter").asInt()).isEqualTo(252);
        assertThat(report.path("distribution").path("after").path("150+").asLong()).isGreaterThanOrEqualTo(1);

        JsonNode after = getJson("/api/leads/" + visitor);
        assertThat(after.path("score").asInt()).as("simulating writes nothing").isEqualTo(52);
        assertThat(after.path("tier").asText()).isEqualTo("warm");
        assertThat(json.readTree(admin().getForEntity("/api/rulesets", String.class).getBody()).path("active").asInt())
                .as("simulating activates nothing").isZero();
    }

    @Test
    void badDecayHalfLifeIsRefusedNamingTheField() throws Exception {
        ResponseEntity<String> response = upload(dev.baton.rules.DefaultRuleSet.files(), "thirty days");

        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.UNPROCESSABLE_ENTITY);
        assertThat(json.readTree(response.getBody()).path("errors").get(0).path("file").asText()).isEqualTo("decayHalfLife");
    }

    @Test
    void uploadWhoseOwnTestCaseFailsIsRefusedAndOneWhoseCasesPassIsStoredWithThem() throws Exception {
        int versionsBefore = json.readTree(admin().getForEntity("/api/rulesets", String.class).getBody()).path("versions").size();
        Map<String, Object> wrongCase = Map.of("name", "a pricing view is hot", "events",
                java.util.List.of(Map.of("event", "Page Viewed", "properties", Map.of("category", "pricing"))),
                "expect", Map.of("tier", "hot"));

        ResponseEntity<String> refused = upload(dev.baton.rules.DefaultRuleSet.files(), null, java.util.List.of(wrongCase));

        assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.UNPROCESSABLE_ENTITY);
        JsonNode result = json.readTree(refused.getBody()).path("testResults").get(0);
        assertThat(result.path("passed").asBoolean()).isFalse();
        assertThat(result.path("failures").get(0).asText()).isEqualTo("tier: expected hot, got cold");
        assertThat(json.readTree(admin().getForEntity("/api/rulesets", String.class).getBody()).path("versions").size())
                .as("nothing stored").isEqualTo(versionsBefore);

        Map<String, Object> rightCase = Map.of("name", "a pricing view is 21 points", "events",
                java.util.List.of(Map.of("event", "Page Viewed", "properties", Map.of("category", "pricing"))),
                "expect", Map.of("score", 21, "tier", "cold", "tags", java.util.List.of("grade:D")));
        ResponseEntity<String> stored = upload(dev.baton.rules.DefaultRuleSet.files(), null, java.util.List.of(rightCase));
        assertThat(stored.getStatusCode()).as(stored.getBody()).isEqualTo(HttpStatus.CREATED);
        int version = json.readTree(stored.getBody()).path("version").asInt();

        JsonNode rerun = json.readTree(admin().postForEntity("/api/rulesets/" + version + "/test", null, String.class).getBody());
        assertThat(rerun.get(0).path("name").asText()).isEqualTo("a pricing view is 21 points");
        assertThat(rerun.get(0).path("passed").asBoolean()).isTrue();
    }

    @Test
    void activatingWithRescoreRescoresExistingLeadsFromTheirEventsAndReportsProgress() throws Exception {
        String visitor = "rescore-" + UUID.randomUUID();
        for (int form = 0; form < 2; form++) {
            assertThat(track("/v1/track", "{\"anonymousId\":\"%s\",\"event\":\"Form Submitted\"}".formatted(visitor))
                    .getStatusCode()).isEqualTo(HttpStatus.OK);
        }
        assertThat(awaitLead(visitor, lead -> lead.path("eventCount").asInt() == 2).path("score").asInt()).isEqualTo(30);
        awaitSearchable(visitor);
        // The points table, with a form now worth 40: a change that needs no DRL.
        Map<String, String> files = new java.util.LinkedHashMap<>(dev.baton.rules.DefaultRuleSet.files());
        files.put("points.csv", files.get("points.csv").replace("\"form submitted, 15\"", "\"form submitted, 40\""));
        int version = json.readTree(upload(files, null).getBody()).path("version").asInt();

        JsonNode activated = json.readTree(admin().postForEntity("/api/rulesets/" + version + "/activate?rescore=true", null,
                String.class).getBody());
        String job = activated.path("rescore").path("id").asText();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofMinutes(2))
                .until(() -> !"running".equals(getJson("/api/rulesets/rescore/" + job).path("state").asText()));

        JsonNode progress = getJson("/api/rulesets/rescore/" + job);
        assertThat(progress.path("state").asText()).as(progress.toString()).isEqualTo("done");
        assertThat(progress.path("leadsDone").asLong()).isEqualTo(progress.path("leadsTotal").asLong()).isPositive();
        assertThat(progress.path("tierMoves").path("warm->hot").asLong()).isPositive();
        JsonNode lead = getJson("/api/leads/" + visitor);
        assertThat(lead.path("score").asInt()).isEqualTo(80);
        assertThat(lead.path("tier").asText()).isEqualTo("hot");
        // Turning hot starts the sales handoff, which adds its own events (Sales Queued...): count the forms.
        assertThat(timeline(visitor).lines().filter("Form Submitted"::equals).count()).as("no event counted twice")
                .isEqualTo(2);
        assertThat(lead.path("ruleSetVersion").asText()).isEqualTo(String.valueOf(version));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> {
            for (JsonNode event : getJson("/api/leads/" + visitor + "/events").path("items")) {
                if ("Tier Changed".equals(event.path("event").asText())
                        && "rescore".equals(event.path("properties").path("cause").asText())) {
                    return true;
                }
            }
            return false;
        });
    }

    @Test
    void progressOfAnUnknownRescoreIsA404() {
        assertThat(admin().getForEntity("/api/rulesets/rescore/no-such-job", String.class).getStatusCode())
                .isEqualTo(HttpStatus.NOT_FOUND);
    }

    @Test
    void activatingAVersionThatDoesNotExistIsA404() {
        assertThat(admin().postForEntity("/api/rulesets/9999/activate", null, String.class).getStatusCode())
                .isEqualTo(HttpStatus.NOT_FOUND);
    }

    private ResponseEntity<String> upload(String file, String drl) throws Exception {
        return upload(Map.of(file, drl), null);
    }

    private ResponseEntity<String> upload(Map<String, String> files, String decayHalfLife) throws Exception {
        return upload(files, decayHalfLife, java.util.List.of());
    }

    private ResponseEntity<String> upload(Map<String, String> files, String decayHalfLife, java.util.List<Map<String, Object>> tests)
            throws Exception {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        Map<String, Object> body = new java.util.HashMap<>(Map.of("files", files, "note", "test", "tests", tests));
        if (decayHalfLife != null) {
            body.put("decayHalfLife", decayHalfLife);
        }
        return admin().postForEntity("/api/rulesets", new HttpEntity<>(json.writeValueAsString(body), headers), String.class);
    }

    /** Waits until the lead's events are visible to search (refreshed), as the simulation reads them. */
    private void awaitSearchable(String lead) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> getJson("/api/leads/" + lead + "/events").path("total").asInt() >= 2);
    }

    private int scoreOfANewVisitorsBlogView() throws Exception {
        String visitor = "rules-" + UUID.randomUUID();
        assertThat(track("/v1/track", "{\"anonymousId\":\"%s\",\"event\":\"Page Viewed\",\"properties\":{\"category\":\"blog\"}}"
                .formatted(visitor)).getStatusCode()).isEqualTo(HttpStatus.OK);
        return awaitLead(visitor).path("score").asInt();
    }
}
