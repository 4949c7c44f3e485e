package dev.baton.engine.funnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.engine.testing.IntegrationTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/**
 * The funnel counts a cohort: on data where counting each step on its own puts a step above the
 * one before it (forms from people who never visited, conversions never accepted, one link
 * clicked by two visitors), every step counts only those who passed the steps before it, the
 * others apart as entered there, and no rate between steps exceeds 100%.
 */
class FunnelCohortTest extends IntegrationTest {
    private static final String BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36";
    /** A day no other test tracks events on (events keep the sender's timestamp). */
    private static final Instant DAY = Instant.parse("2003-03-03T00:00:00Z");

    @Test
    void peopleWhoSkippedAnEarlierStepAreCountedAsEnteredThereSoNoRateExceedsAHundredPercent() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        // Ann walks the funnel: visit, form, accepted, converted.
        String ann = "funnel-ann-" + run;
        event(ann, "Page Viewed", 1);
        event(ann, "Form Submitted", 2);
        event(ann, "Sales Accepted", 3);
        event(ann, "Sales Converted", 4);
        // Ben submits a form without a tracked visit; Cat converts without having been accepted.
        event("funnel-ben-" + run, "Form Submitted", 2);
        event("funnel-cat-" + run, "Sales Converted", 4);

        String period = "?from=" + DAY + "&to=" + DAY.plus(Duration.ofDays(1));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Map<String, JsonNode> steps = steps(getJson("/api/funnel" + period));
            // Counted step by step, as before: 2 forms for 1 visit, 2 conversions for 1 acceptance.
            assertThat(everyone(steps.get("visit"))).isEqualTo(1);
            assertThat(everyone(steps.get("form"))).isEqualTo(2);
            assertThat(everyone(steps.get("accepted"))).isEqualTo(1);
            assertThat(everyone(steps.get("converted"))).isEqualTo(2);
        });
        Map<String, JsonNode> steps = steps(getJson("/api/funnel" + period));
        assertThat(steps.get("form").path("count").asLong()).as("Ann, who visited first").isEqualTo(1);
        assertThat(steps.get("form").path("enteredHere").asLong()).as("Ben").isEqualTo(1);
        assertThat(steps.get("form").path("fromPrevious").asDouble()).isEqualTo(1.0);
        assertThat(steps.get("converted").path("enteredHere").asLong()).as("Cat, at least").isGreaterThanOrEqualTo(1);
        assertThat(steps.get("converted").path("count").asLong()).isLessThanOrEqualTo(1);
        assertNoStepExceedsThePrevious(steps);
    }

    @Test
    void aLinkClickedByTwoVisitorsCountsOnceSoClicksNeverExceedShares() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        admin().put("/api/teams/funnel-" + run, jsonBody("{\"name\":\"Funnel\"}"));
        admin().put("/api/employees/gus-" + run, jsonBody("{\"name\":\"Gus\",\"team\":\"funnel-" + run + "\"}"));
        String campaign = "funnel-" + run;
        assertThat(admin().postForEntity("/api/campaigns", jsonBody("""
                {"id":"%s","name":"Funnel","contents":[{"id":"guide","url":"https://www.example.com/guide"}]}"""
                .formatted(campaign)), String.class).getStatusCode()).isEqualTo(HttpStatus.CREATED);
        String code = admin().postForEntity("/api/shares", jsonBody("{\"campaign\":\"%s\",\"content\":\"guide\",\"employee\":\"gus-%s\"}"
                .formatted(campaign, run)), JsonNode.class).getBody().path("code").asText();
        HttpClient visitors = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        for (int visitor = 0; visitor < 2; visitor++) { // no cookie: a new visitor each time
            HttpResponse<Void> click = visitors.send(HttpRequest.newBuilder(URI.create(http.getRootUri() + "/s/" + code))
                    .header("User-Agent", BROWSER).build(), HttpResponse.BodyHandlers.discarding());
            assertThat(click.statusCode()).isEqualTo(302);
        }
        // Counted click by click, as before: 2 clicks on 1 share, 200%.
        // The link and the clicks are searchable each on its own index's refresh: both are awaited.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode totals = getJson("/api/advocacy/campaigns/" + campaign);
            assertThat(totals.path("clicks").asLong()).isEqualTo(2);
            assertThat(totals.path("shares").asLong()).isEqualTo(1);
        });

        Map<String, JsonNode> steps = steps(getJson("/api/funnel?campaign=" + campaign));
        assertThat(steps.get("share").path("count").asLong()).isEqualTo(1);
        assertThat(steps.get("click").path("count").asLong()).as("the one link, clicked").isEqualTo(1);
        assertThat(steps.get("click").path("fromPrevious").asDouble()).isEqualTo(1.0);
        assertThat(steps.get("visit").path("fromPrevious").isNull()).as("links before, people after: no rate").isTrue();
        assertNoStepExceedsThePrevious(steps);
    }

    private void event(String visitor, String name, int hour) {
        track("""
                {"anonymousId":"%s","event":"%s","timestamp":"%s"}""".formatted(visitor, name, DAY.plus(Duration.ofHours(hour))));
    }

    private static Map<String, JsonNode> steps(JsonNode report) {
        Map<String, JsonNode> steps = new LinkedHashMap<>();
        report.path("steps").forEach(step -> steps.put(step.path("step").asText(), step));
        assertThat(steps.keySet()).containsExactly("share", "click", "visit", "form", "mql", "sql", "accepted", "converted");
        return steps;
    }

    /** Everyone with the step's event: what the funnel counted before it counted a cohort. */
    private static long everyone(JsonNode step) {
        return step.path("count").asLong() + step.path("enteredHere").asLong();
    }

    private static void assertNoStepExceedsThePrevious(Map<String, JsonNode> steps) {
        JsonNode previous = null;
        for (JsonNode step : steps.values()) {
            if (!step.path("fromPrevious").isNull()) {
                assertThat(step.path("fromPrevious").asDouble()).as(step.toString()).isBetween(0.0, 1.0);
            }
            if (previous != null && !step.path("step").asText().equals("visit")) {
                assertThat(step.path("count").asLong()).as(step + " after " + previous).isLessThanOrEqualTo(previous.path("count").asLong());
            }
            previous = step;
        }
    }
}
