package dev.baton.engine.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.engine.testing.IntegrationTest;
import dev.baton.engine.testing.TestServers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/**
 * The flow from share to sales loses nobody when events arrive close together: an SDK batch
 * with a visitor's click and form, one person on two devices identifying at once, a signal that
 * comes before its journey waits for it, a lead that turns hot outside any journey.
 */
class FlowLosesNobodyTest extends IntegrationTest {
    private static final Duration FLOW = Duration.ofMinutes(3);
    @Autowired RuntimeService runtime;
    @Autowired HistoryService history;
    @Autowired RepositoryService repository;
    @Autowired TaskService tasks;
    @Autowired JourneyCorrelator correlator;
    @Autowired ObjectMapper json;

    @Test
    void clickAndFormInOneSdkBatchGiveEachLeadOneJourneyAndOneWelcome() throws Exception {
        int people = 200;
        String run = UUID.randomUUID().toString().substring(0, 6);
        StringBuilder batch = new StringBuilder("{\"batch\":[");
        for (int n = 0; n < people; n++) {
            batch.append(n == 0 ? "" : ",").append("""
                    {"type":"track","anonymousId":"b-%s-%d","event":"Share Clicked"},
                    {"type":"track","anonymousId":"b-%s-%d","event":"Form Submitted",
                     "context":{"traits":{"email":"b-%s-%d@example.com","firstName":"Bo"}}}""".formatted(run, n, run, n, run, n));
        }
        ResponseEntity<String> accepted = track("/v1/batch", batch.append("]}").toString());
        assertThat(accepted.getStatusCode()).as(accepted.getBody()).isEqualTo(HttpStatus.OK);

        List<String> emails = IntStream.range(0, people).mapToObj(n -> "b-%s-%d@example.com".formatted(run, n)).toList();
        await().atMost(FLOW).until(() -> mailCountByRecipient().keySet().containsAll(emails));
        await().atMost(FLOW).until(() -> kafkaProgress().caughtUp() && journeyProgress().caughtUp());
        Map<String, Long> welcomes = mailCountByRecipient();
        checkEach(emails, email -> {
            String lead = leadIdOf(email);
            assertThat(history.createHistoricProcessInstanceQuery().processDefinitionKey("baton-share-to-lead")
                    .processInstanceBusinessKey(lead).count()).as("share-to-lead journeys of " + lead).isEqualTo(1);
            assertThat(runtime.createExecutionQuery().processDefinitionKey("baton-share-to-lead").activityId("WaitForForm")
                    .processInstanceBusinessKey(lead).count()).as(lead + " waits for a form it already sent").isZero();
            assertThat(welcomes.get(email)).as("welcomes to " + email).isEqualTo(1);
        });
    }

    @Test
    void onePersonOnTwoDevicesIdentifyingAtOnceIsOneLeadWithBothHistories() throws Exception {
        int people = 200;
        String run = UUID.randomUUID().toString().substring(0, 6);
        StringBuilder phones = new StringBuilder("{\"batch\":[");
        StringBuilder laptops = new StringBuilder("{\"batch\":[");
        for (int n = 0; n < people; n++) {
            String comma = n == 0 ? "" : ",";
            phones.append(comma).append("""
                    {"type":"track","anonymousId":"p-%1$s-%2$d","event":"Page Viewed","properties":{"category":"pricing"}},
                    {"type":"identify","anonymousId":"p-%1$s-%2$d","userId":"u-%1$s-%2$d","traits":{"email":"d-%1$s-%2$d@example.com"}}"""
                    .formatted(run, n));
            laptops.append(comma).append("""
                    {"type":"track","anonymousId":"l-%1$s-%2$d","event":"Email Clicked"},
                    {"type":"track","anonymousId":"l-%1$s-%2$d","event":"Webinar Registered",
                     "context":{"traits":{"email":"d-%1$s-%2$d@example.com"}}}""".formatted(run, n));
        }
        var phoneSend = CompletableFuture.supplyAsync(() -> track("/v1/batch", phones.append("]}").toString()));
        var laptopSend = CompletableFuture.supplyAsync(() -> track("/v1/batch", laptops.append("]}").toString()));
        assertThat(phoneSend.get().getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(laptopSend.get().getStatusCode()).isEqualTo(HttpStatus.OK);

        await().atMost(FLOW).until(() -> kafkaProgress().caughtUp());
        List<Integer> persons = IntStream.range(0, people).boxed().toList();
        checkEach(persons, n -> {
            String email = "d-%s-%d@example.com".formatted(run, n);
            JsonNode lead = awaitLead(email, found -> found.path("eventCount").asInt() == 4);
            String id = lead.path("id").asText();
            assertThat(id).doesNotContain("@").isNotEqualTo("u-%s-%d".formatted(run, n));
            for (String other : List.of("u-%s-%d".formatted(run, n), "p-%s-%d".formatted(run, n), "l-%s-%d".formatted(run, n))) {
                assertThat(getJson("/api/leads/" + other).path("id").asText()).as(other + " finds the lead").isEqualTo(id);
            }
            // Pricing view, email click, webinar registration: both devices' history.
            assertThat(lead.path("anonymousIds")).hasSize(2);
            assertThat(lead.path("scoreParts").toString()).contains("pricing", "Webinar");
        });
        // No visitor profile stands beside its lead: searching by either device finds one live lead.
        await().atMost(FLOW).untilAsserted(() -> checkEach(persons, n -> {
            for (String device : List.of("p-%s-%d".formatted(run, n), "l-%s-%d".formatted(run, n))) {
                assertThat(getJson("/api/leads?query=" + device).path("total").asInt()).as(device).isEqualTo(1);
            }
        }));
    }

    @Test
    void aSignalThatComesBeforeItsJourneyWaitsIsKeptAndDeliveredWhenItDoes() throws Exception {
        String key = "kept-" + UUID.randomUUID().toString().substring(0, 8);
        repository.createDeployment().addString(key + ".bpmn", waitsAfterATask(key, "Webinar Registered " + key,
                "Webinar Attended " + key)).deploy();
        String lead = "early-" + UUID.randomUUID();

        correlator.correlate(signal(lead, "Webinar Registered " + key));
        var early = correlator.correlate(signal(lead, "Webinar Attended " + key));

        assertThat(early.delivered()).as("nothing waits yet").isZero();
        assertThat(getJson("/api/journeys/leads/" + lead + "/kept-signals").toString()).contains("Webinar Attended " + key);
        String instance = runtime.createProcessInstanceQuery().processInstanceBusinessKey(lead).singleResult().getId();
        tasks.complete(tasks.createTaskQuery().processInstanceId(instance).singleResult().getId());
        await().atMost(FLOW).until(() -> runtime.createProcessInstanceQuery().processInstanceId(instance).count() == 0);
        assertThat(history.createHistoricActivityInstanceQuery().processInstanceId(instance).activityId("end").count())
                .as("the kept signal took the journey through its wait to the end").isEqualTo(1);
        assertThat(getJson("/api/journeys/leads/" + lead + "/kept-signals").size()).as("delivered once, kept no more").isZero();
    }

    @Test
    void keptSignalsThatExpireBeforeAnyStepWaitsAreCountedPerMessageAndShownOnTheJourneyThatWaitsTooLate() throws Exception {
        String key = "late-" + UUID.randomUUID().toString().substring(0, 8);
        String message = "Webinar Attended " + key;
        repository.createDeployment().addString(key + ".bpmn", waitsAfterATask(key, "Webinar Registered " + key, message)).deploy();
        String lead = "expiring-" + UUID.randomUUID();

        correlator.correlate(signal(lead, message));

        assertThat(correlator.keptFor(lead)).hasSize(1);
        expireKeptSignalsOf(lead);
        await().atMost(FLOW).until(() -> correlator.expiredUnused().getOrDefault(message, 0L) == 1);
        assertThat(correlator.keptFor(lead)).isEmpty();
        assertThat(getJson("/api/journeys/" + key).path("expiredSignals").path(message).asLong())
                .as("shown on the journey that waits for it").isEqualTo(1);
        assertThat(getJson("/api/journeys/signals/expired").path(message).asLong()).isEqualTo(1);
    }

    @Test
    void hotLeadIdentifiedThroughTheApiIsHandedToSalesWithoutAnyJourney() throws Exception {
        String rep = repFor("NZ");
        List<String> users = new ArrayList<>();
        for (int n = 0; n < 10; n++) {
            String user = "app-" + UUID.randomUUID();
            users.add(user);
            send("/v1/identify", "{\"userId\":\"%s\",\"traits\":{\"email\":\"%s@example.com\",\"country\":\"NZ\",\"title\":\"CTO\"}}"
                    .formatted(user, user));
            for (int visit = 0; visit < 3; visit++) {
                send("/v1/track", "{\"userId\":\"%s\",\"event\":\"Page Viewed\",\"properties\":{\"category\":\"pricing\"}}".formatted(user));
            }
        }

        for (String user : users) {
            String lead = leadIdOf(user);
            await().atMost(FLOW).until(() -> rep.equals(getJson("/api/sales/leads/" + lead).path("owner").asText()));
            await().atMost(FLOW).until(() -> TestServers.hubspot().requests().stream()
                    .anyMatch(r -> r.path().equals("/crm/v3/objects/tasks") && r.body().contains(user + "@example.com")));
            assertThat(history.createHistoricProcessInstanceQuery().processDefinitionKey("baton-sales-handoff")
                    .processInstanceBusinessKey(lead).count()).as("handed off once").isEqualTo(1);
        }
    }

    @Test
    void hotLeadWithSalesWhoThenSubmitsAFormGetsTheWelcomeButNoSecondRepTaskOrNotification() throws Exception {
        String rep = repFor("AQ");
        String user = "app-" + UUID.randomUUID();
        String email = user + "@example.com";
        send("/v1/identify", "{\"userId\":\"%s\",\"traits\":{\"email\":\"%s\",\"country\":\"AQ\",\"title\":\"CTO\"}}"
                .formatted(user, email));
        for (int visit = 0; visit < 3; visit++) {
            send("/v1/track", "{\"userId\":\"%s\",\"event\":\"Page Viewed\",\"properties\":{\"category\":\"pricing\"}}".formatted(user));
        }
        String lead = leadIdOf(user);
        await().atMost(FLOW).until(() -> rep.equals(getJson("/api/sales/leads/" + lead).path("owner").asText()));

        // The form starts share-to-lead, whose nurture sees a hot lead and calls the handoff again.
        send("/v1/track", "{\"userId\":\"%s\",\"event\":\"Form Submitted\",\"properties\":{\"form\":\"demo\"},\"context\":{\"traits\":{\"email\":\"%s\"}}}"
                .formatted(user, email));
        await().atMost(FLOW).until(() -> history.createHistoricProcessInstanceQuery().processDefinitionKey("baton-nurture")
                .processInstanceBusinessKey(lead).finished().count() == 1);

        var handoffs = history.createHistoricProcessInstanceQuery().processDefinitionKey("baton-sales-handoff")
                .processInstanceBusinessKey(lead).orderByProcessInstanceStartTime().asc().list();
        assertThat(handoffs).hasSize(2);
        assertThat(handoffs.get(0).getEndTime()).as("the first handoff runs on: the rep has the lead").isNull();
        assertThat(handoffs.get(1).getEndActivityId()).isEqualTo("AlreadyWithSales");
        await().atMost(FLOW).until(() -> mailTo(email).size() == 1); // the welcome still goes out
        assertThat(TestServers.hubspot().requests().stream()
                .filter(r -> r.path().equals("/crm/v3/objects/tasks") && r.body().contains(email))).as("one CRM task").hasSize(1);
        assertThat(getJson("/api/sales/leads/" + lead).path("owner").asText()).isEqualTo(rep);
        assertThat(getJson("/api/journeys/leads/" + email).path("baton-sales-handoff").asText())
                .as("the lead's journeys, asked for by its email").isEqualTo(handoffs.get(0).getId());
    }

    /** A rep who takes every lead of one territory, round the clock; returns their id. */
    private String repFor(String territory) throws Exception {
        String rep = "rep-" + UUID.randomUUID().toString().substring(0, 8);
        ResponseEntity<String> created = admin().exchange("/api/sales/reps/" + rep, HttpMethod.PUT, jsonBody(json.writeValueAsString(
                Map.of("name", rep, "email", rep + "@example.com", "team", "t-" + rep, "territories", List.of(territory),
                        "workingHours", "MON-SUN 00:00-24:00", "timeZone", "Pacific/Auckland", "capacity", 50,
                        "crmId", territory.toLowerCase() + "-1"))), String.class);
        assertThat(created.getStatusCode()).as(created.getBody()).isEqualTo(HttpStatus.OK);
        return rep;
    }

    private void send(String path, String body) {
        ResponseEntity<String> response = track(path, body);
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(HttpStatus.OK);
    }

    /** A journey that starts on one message, waits at a user task, then waits for another message. */
    private static String waitsAfterATask(String key, String startsOn, String waitsFor) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
                  <bpmn:message id="Starts" name="%2$s" />
                  <bpmn:message id="Waits" name="%3$s" />
                  <bpmn:process id="%1$s" isExecutable="true">
                    <bpmn:startEvent id="start"><bpmn:messageEventDefinition messageRef="Starts" /></bpmn:startEvent>
                    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="prepare" />
                    <bpmn:userTask id="prepare" />
                    <bpmn:sequenceFlow id="f2" sourceRef="prepare" targetRef="attended" />
                    <bpmn:intermediateCatchEvent id="attended"><bpmn:messageEventDefinition messageRef="Waits" /></bpmn:intermediateCatchEvent>
                    <bpmn:sequenceFlow id="f3" sourceRef="attended" targetRef="end" />
                    <bpmn:endEvent id="end" />
                  </bpmn:process>
                </bpmn:definitions>""".formatted(key, startsOn, waitsFor);
    }

    private void expireKeptSignalsOf(String lead) {
        jdbc.update("UPDATE baton_journey_buffer SET expires_at = ? WHERE lead_id = ?",
                java.sql.Timestamp.from(Instant.now().minusSeconds(1)), lead);
    }

    @Autowired org.springframework.jdbc.core.JdbcTemplate jdbc;

    private static JourneySignal signal(String lead, String event) {
        return new JourneySignal("m-" + UUID.randomUUID(), lead, List.of(), event, Map.of(), Instant.now());
    }
}
