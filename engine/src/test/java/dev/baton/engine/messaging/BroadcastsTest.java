package dev.baton.engine.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.Refresh;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.engine.search.Indices;
import dev.baton.engine.testing.IntegrationTest;
import dev.baton.engine.testing.TestServers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/**
 * A broadcast sends a template once to every member of a segment, through the marketing guards,
 * without a journey per lead; it can wait for its time, be paused, resumed and cancelled, and one
 * whose node died halfway is finished by another without sending anybody anything twice.
 */
class BroadcastsTest extends IntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration STEP = Duration.ofSeconds(60);
    @Autowired Suppressions suppressions;
    @Autowired DeliveryLog deliveries;
    @Autowired AudienceSends sends;
    @Autowired DeferredSends deferredSends;
    @Autowired ElasticsearchClient elasticsearch;
    @Autowired Indices indices;

    @Test
    void everyMemberGetsItOnceUnlessAGuardSaysWhyNot() throws Exception {
        String cohort = cohort();
        String amy = member("amy", cohort, true);
        String bob = member("bob", cohort, true);
        String cal = member("cal", cohort, true);
        String dan = member("dan", cohort, true);
        String eve = member("eve", cohort, false);
        Instant lastWeek = Instant.now().minus(Duration.ofDays(7));
        deliveries.record(new DeliveryLog.Delivery("email:earlier-" + cohort, "email", cal, address(cal), "case-study",
                "sent", "earlier", null, lastWeek, lastWeek, false, null, null, null));
        suppressions.suppress(new Suppressions.Suppression("email", address(dan), dan, "unsubscribed", Instant.now()));
        String segment = segment(cohort, 5);
        JsonNode amyBefore = getJson("/api/leads/" + amy);

        JsonNode done = broadcastUntilDone(segment);

        assertThat(done.path("total").asInt()).isEqualTo(5);
        assertThat(done.path("published").asInt()).isEqualTo(5);
        JsonNode outcome = done.path("outcome");
        assertThat(outcome.path("sent").asInt()).isEqualTo(2);
        assertThat(outcome.path("blocked").asInt()).isEqualTo(2);
        assertThat(outcome.path("blockedBy").path("template 'case-study' was already sent to this lead").asInt()).isEqualTo(1);
        assertThat(outcome.path("blockedBy").path("opted out of email (unsubscribed)").asInt()).isEqualTo(1);
        assertThat(outcome.path("skipped").asInt()).as("eve has no email address").isEqualTo(1);
        assertThat(mailTo(address(amy))).hasSize(1);
        assertThat(mailTo(address(bob))).hasSize(1);
        assertThat(mailTo(address(cal))).isEmpty();
        assertThat(mailTo(address(dan))).isEmpty();
        await().atMost(STEP).until(() -> timeline(amy).contains("Email Sent"));
        // Baton sent it; amy did nothing: not seen, no event counted on her profile.
        JsonNode amyAfter = getJson("/api/leads/" + amy);
        assertThat(amyAfter.path("lastSeen")).isEqualTo(amyBefore.path("lastSeen"));
        assertThat(amyAfter.path("eventCount")).isEqualTo(amyBefore.path("eventCount"));

        // The same sends handed over again (a node that died after publishing, before recording its
        // progress): nobody gets anything twice. A fresh lead's send in the same batch tells when they were read.
        String broadcast = done.path("id").asText();
        String fay = member("fay", cohort(), true);
        sends.publish(List.of(amy, bob, cal, dan, eve).stream()
                .map(lead -> new AudienceSends.AudienceSend(broadcast, lead, "email", "case-study")).toList());
        sends.publish(List.of(new AudienceSends.AudienceSend(broadcast, fay, "email", "case-study")));
        await().atMost(STEP).until(() -> mailTo(address(fay)).size() == 1 && sendsProgress().caughtUp());
        assertThat(mailTo(address(amy))).hasSize(1);
        assertThat(mailTo(address(bob))).hasSize(1);
        assertThat(getJson("/api/broadcasts/" + broadcast).path("outcome").path("sent").asInt()).isEqualTo(3);
    }

    @Test
    void anSmtpOutageDelaysTheBroadcastAndLosesNobody() throws Exception {
        String cohort = cohort();
        String gil = member("gil", cohort, true);
        String hal = member("hal", cohort, true);
        String segment = segment(cohort, 2);

        String broadcast;
        try (AutoCloseable outage = TestServers.smtpOutage()) {
            broadcast = start(segment, "webinar-invite", null);
            await().atMost(STEP).until(() -> "done".equals(getJson("/api/broadcasts/" + broadcast).path("state").asText())
                    || "finishing".equals(getJson("/api/broadcasts/" + broadcast).path("state").asText()));
            assertThat(getJson("/api/broadcasts/" + broadcast).path("outcome").path("sent").asInt()).isZero();
        }

        await().atMost(Duration.ofSeconds(90)).until(() ->
                getJson("/api/broadcasts/" + broadcast).path("outcome").path("sent").asInt() == 2);
        assertThat(mailTo(address(gil))).hasSize(1);
        assertThat(mailTo(address(hal))).hasSize(1);
        assertThat(getJson("/api/broadcasts/" + broadcast).path("state").asText()).isEqualTo("done");
    }

    @Test
    void aScheduledBroadcastWaitsAndCanBePausedResumedAndCancelled() throws Exception {
        String cohort = cohort();
        String ida = member("ida", cohort, true);
        String segment = segment(cohort, 1);
        String later = start(segment, "case-study", Instant.now().plus(Duration.ofHours(1)).toString());
        assertThat(getJson("/api/broadcasts/" + later).path("state").asText()).isEqualTo("scheduled");

        assertThat(post("/api/broadcasts/" + later + "/pause").path("state").asText()).isEqualTo("paused");
        assertThat(post("/api/broadcasts/" + later + "/resume").path("state").asText()).isEqualTo("scheduled");
        assertThat(post("/api/broadcasts/" + later + "/cancel").path("state").asText()).isEqualTo("cancelled");
        ResponseEntity<String> resumeCancelled = admin().postForEntity("/api/broadcasts/" + later + "/resume", null, String.class);
        assertThat(resumeCancelled.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
        assertThat(JSON.readTree(resumeCancelled.getBody()).path("detail").asText()).contains("it is cancelled");

        String soon = start(segment, "webinar-invite", Instant.now().plus(Duration.ofSeconds(2)).toString());
        await().atMost(STEP).until(() -> getJson("/api/broadcasts/" + soon).path("outcome").path("sent").asInt() == 1);
        assertThat(mailTo(address(ida))).as("the cancelled broadcast sent nothing").hasSize(1);
        assertThat(getJson("/api/broadcasts?segment=" + segment)).hasSize(2);
    }

    @Test
    void aBroadcastWhoseNodeDiedHalfwayIsResumedElsewhereAndSendsNobodyTwice() throws Exception {
        String cohort = cohort();
        List<String> leads = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            leads.add(member("p" + i, cohort, true));
        }
        Collections.sort(leads);
        String segment = segment(cohort, 5);
        // A node handed over the sends of the first three members, recorded progress after the second,
        // and died (SIGKILL: no more heartbeats). Its broadcast is left sending, three minutes silent.
        String broadcast = UUID.randomUUID().toString();
        Instant died = Instant.now().minus(Duration.ofMinutes(3));
        sends.publish(leads.subList(0, 3).stream()
                .map(lead -> new AudienceSends.AudienceSend(broadcast, lead, "email", "case-study")).toList());
        elasticsearch.index(i -> i.index(indices.jobs()).id(broadcast).document(Map.ofEntries(
                Map.entry("id", broadcast), Map.entry("kind", "broadcast"), Map.entry("segment", segment),
                Map.entry("channel", "email"), Map.entry("template", "case-study"), Map.entry("sendAt", died.toString()),
                Map.entry("state", "sending"), Map.entry("total", 5), Map.entry("published", 2),
                Map.entry("after", leads.get(1)), Map.entry("node", "a node that died"),
                Map.entry("createdAt", died.toString()), Map.entry("startedAt", died.toString()),
                Map.entry("updatedAt", died.toString()))).refresh(Refresh.True));

        await().atMost(Duration.ofSeconds(90)).until(() ->
                getJson("/api/broadcasts/" + broadcast).path("outcome").path("sent").asInt() == 5);
        JsonNode resumed = getJson("/api/broadcasts/" + broadcast);
        assertThat(resumed.path("state").asText()).isEqualTo("done");
        assertThat(resumed.path("published").asInt()).as("resumed after the second member").isEqualTo(5);
        await().atMost(STEP).until(() -> sendsProgress().caughtUp());
        for (String lead : leads) {
            assertThat(mailTo(address(lead))).as(lead + " got it once").hasSize(1);
        }
    }

    @Test
    void aSendHeldBackByQuietHoursGoesWhenMorningComes() throws Exception {
        String jon = member("jon", cohort(), true);
        String batch = UUID.randomUUID().toString();
        Instant night = Instant.now().minus(Duration.ofHours(9));
        String key = "email:" + batch + ":" + jon;
        // Deferred at night until a morning that has come by now.
        deliveries.record(new DeliveryLog.Delivery(key, "email", jon, address(jon), "case-study", "sending", null, null,
                night, null, false, null, batch, null).deferredUntil(Instant.now().minusSeconds(1)));

        deferredSends.publishDue();

        await().atMost(STEP).until(() -> "sent".equals(deliveries.get(key).state()));
        assertThat(mailTo(address(jon))).hasSize(1);
    }

    @Test
    void aBadBroadcastIsRefusedNamingTheFieldAndNothingIsSaved() throws Exception {
        String cohort = cohort();
        member("kim", cohort, true);
        String segment = segment(cohort, 1);

        assertRefused("{\"segment\":\"%s\",\"channel\":\"fax\",\"template\":\"case-study\"}".formatted(segment), "channel");
        assertRefused("{\"segment\":\"%s\",\"channel\":\"email\",\"template\":\"no-such\"}".formatted(segment), "template");
        assertRefused("{\"segment\":\"%s\",\"channel\":\"email\",\"template\":\"case-study\",\"sendAt\":\"tomorrow\"}"
                .formatted(segment), "sendAt");
        assertRefused("{\"channel\":\"email\",\"template\":\"case-study\"}", "segment");
        ResponseEntity<String> unknown = admin().postForEntity("/api/broadcasts",
                jsonBody("{\"segment\":\"no-such-%s\",\"channel\":\"email\",\"template\":\"case-study\"}".formatted(cohort)),
                String.class);
        assertThat(unknown.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(getJson("/api/broadcasts?segment=" + segment)).isEmpty();
    }

    private void assertRefused(String body, String field) throws Exception {
        ResponseEntity<String> refused = admin().postForEntity("/api/broadcasts", jsonBody(body), String.class);
        assertThat(refused.getStatusCode()).as(refused.getBody()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(JSON.readTree(refused.getBody()).path("field").asText()).isEqualTo(field);
    }

    private JsonNode broadcastUntilDone(String segment) throws Exception {
        String id = start(segment, "case-study", null);
        await().atMost(STEP).until(() -> "done".equals(getJson("/api/broadcasts/" + id).path("state").asText()));
        return getJson("/api/broadcasts/" + id);
    }

    private String start(String segment, String template, String sendAt) throws Exception {
        String body = sendAt == null ? "{\"segment\":\"%s\",\"channel\":\"email\",\"template\":\"%s\"}".formatted(segment, template)
                : "{\"segment\":\"%s\",\"channel\":\"email\",\"template\":\"%s\",\"sendAt\":\"%s\"}".formatted(segment, template, sendAt);
        ResponseEntity<String> started = admin().postForEntity("/api/broadcasts", jsonBody(body), String.class);
        assertThat(started.getStatusCode()).as(started.getBody()).isEqualTo(HttpStatus.ACCEPTED);
        return JSON.readTree(started.getBody()).path("id").asText();
    }

    private JsonNode post(String path) throws Exception {
        ResponseEntity<String> response = admin().postForEntity(path, null, String.class);
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(HttpStatus.OK);
        return JSON.readTree(response.getBody());
    }

    /** A segment of the cohort, once it counts its members. */
    private String segment(String cohort, int members) {
        String segment = "broadcast-" + cohort;
        assertThat(admin().exchange("/api/segments/" + segment, HttpMethod.PUT, jsonBody(
                "{\"name\":\"Cohort\",\"conditions\":{\"trait\":\"cohort\",\"eq\":\"%s\"}}".formatted(cohort)),
                String.class).getStatusCode()).isEqualTo(HttpStatus.OK);
        await().atMost(STEP).until(() -> getJson("/api/segments/" + segment).path("count").asInt() == members);
        return segment;
    }

    /** A lead of the cohort, with an email address ({@code <lead id>}) or without; returns its lead id. */
    private String member(String name, String cohort, boolean withEmail) throws Exception {
        String user = name + "-" + cohort;
        String traits = withEmail ? "{\"cohort\":\"%s\",\"email\":\"%s\",\"firstName\":\"%s\"}".formatted(cohort, user + "@example.com", name)
                : "{\"cohort\":\"%s\",\"firstName\":\"%s\"}".formatted(cohort, name);
        assertThat(track("/v1/identify", "{\"userId\":\"%s\",\"traits\":%s}".formatted(user, traits)).getStatusCode())
                .isEqualTo(HttpStatus.OK);
        return awaitLead(user, lead -> !withEmail || lead.path("emails").size() > 0).path("id").asText();
    }

    private String address(String leadId) throws Exception {
        JsonNode emails = getJson("/api/leads/" + leadId).path("emails");
        return emails.size() == 0 ? "none@example.com" : emails.get(0).asText();
    }

    private static String cohort() {
        return "b" + UUID.randomUUID().toString().substring(0, 8);
    }
}
