package dev.baton.engine.advocacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.engine.testing.IntegrationTest;
import dev.baton.engine.testing.TestServers;
import dev.baton.engine.tracking.EventJournal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;

/**
 * Kafka goes away while people click a share link: they still reach the content at once, and
 * every click is counted once Kafka is back (kept meanwhile in the node's event journal). Tracked
 * events, whose senders retry, are refused with 503 instead.
 */
class ShareClickOutageTest extends IntegrationTest {
    private static final String BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36";
    private final HttpClient visitors = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    @Autowired EventJournal journal;

    @Test
    void clicksDuringAKafkaOutageStillRedirectAndAreCountedOnceKafkaIsBack() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        admin().put("/api/teams/east-" + run, jsonBody("{\"name\":\"East\"}"));
        admin().put("/api/employees/fay-" + run, jsonBody("{\"name\":\"Fay\",\"team\":\"east-" + run + "\"}"));
        String campaign = "outage-" + run;
        assertThat(admin().postForEntity("/api/campaigns", jsonBody("""
                {"id":"%s","name":"Outage","contents":[{"id":"guide","url":"https://www.example.com/guide"}]}"""
                .formatted(campaign)), String.class).getStatusCode()).isEqualTo(HttpStatus.CREATED);
        String code = admin().postForEntity("/api/shares", jsonBody("{\"campaign\":\"%s\",\"content\":\"guide\",\"employee\":\"fay-%s\"}"
                .formatted(campaign, run)), JsonNode.class).getBody().path("code").asText();
        await().atMost(Duration.ofMinutes(1)).until(() -> journal.waiting() == 0); // earlier tests' clicks are through
        long waitingBefore = journal.waiting();

        try (AutoCloseable outage = TestServers.kafkaOutage()) {
            for (int i = 0; i < 5; i++) {
                HttpResponse<Void> click = visitors.send(HttpRequest.newBuilder(URI.create(http.getRootUri() + "/s/" + code))
                        .header("User-Agent", BROWSER).build(), HttpResponse.BodyHandlers.discarding());
                assertThat(click.statusCode()).isEqualTo(302);
                assertThat(click.headers().firstValue("Location").orElseThrow()).startsWith("https://www.example.com/guide?");
            }
            assertThat(journal.waiting() - waitingBefore).as("clicks kept for Kafka").isEqualTo(5);
            var health = admin().getForEntity("/actuator/health/kafka", String.class);
            assertThat(health.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
            JsonNode kafkaHealth = new com.fasterxml.jackson.databind.ObjectMapper().readTree(health.getBody());
            assertThat(kafkaHealth.path("status").asText()).isEqualTo("DOWN");
            assertThat(kafkaHealth.path("details").path("eventsInJournal").asLong()).isEqualTo(waitingBefore + 5);
            assertThat(track("/v1/track", "{\"anonymousId\":\"x-" + run + "\",\"event\":\"Page Viewed\"}").getStatusCode())
                    .as("a sender that can retry is told to").isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        }

        await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> assertThat(
                getJson("/api/advocacy/employees/fay-" + run + "?campaign=" + campaign).path("figures").path("reach").asLong())
                .isEqualTo(5));
        assertThat(journal.waiting()).isEqualTo(waitingBefore);
    }
}
