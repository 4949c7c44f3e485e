package dev.baton.engine.segments;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.engine.testing.IntegrationTest;
import dev.baton.engine.testing.OneStepJourney;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/** "Today, everyone now in segment S enters journey J": a job with progress that enters each member once. */
class JourneyEntriesTest extends IntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @Autowired RuntimeService runtime;
    @Autowired org.camunda.bpm.engine.HistoryService history;
    @Autowired dev.baton.engine.journeys.JourneySignals signals;
    @Autowired co.elastic.clients.elasticsearch.ElasticsearchClient elasticsearch;
    @Autowired dev.baton.engine.search.Indices indices;

    @Test
    void everyCurrentMemberEntersOnceAndASecondJobFollowsTheReentryPolicy() throws Exception {
        String cohort = "e" + UUID.randomUUID().toString().substring(0, 8);
        String journey = "spring-sale-" + cohort;
        String segment = "shoppers-" + cohort;
        deploy(journey);
        List<String> members = List.of("amy", "bob", "cal").stream().map(name -> name + "-" + cohort).toList();
        for (String user : members) {
            assertThat(track("/v1/identify", "{\"userId\":\"%s\",\"traits\":{\"cohort\":\"%s\",\"shops\":true}}"
                    .formatted(user, cohort)).getStatusCode()).isEqualTo(HttpStatus.OK);
        }
        assertThat(track("/v1/identify", "{\"userId\":\"dan-%s\",\"traits\":{\"cohort\":\"%s\"}}".formatted(cohort, cohort))
                .getStatusCode()).isEqualTo(HttpStatus.OK);
        List<String> leads = new java.util.ArrayList<>();
        for (String user : members) {
            leads.add(leadIdOf(user));
        }
        leadIdOf("dan-" + cohort);
        assertThat(admin().exchange("/api/segments/" + segment, HttpMethod.PUT, jsonBody("""
                {"name":"Shoppers","conditions":{"all":[{"trait":"cohort","eq":"%s"},{"trait":"shops","exists":true}]}}"""
                .formatted(cohort)), String.class).getStatusCode()).isEqualTo(HttpStatus.OK);
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> getJson("/api/segments/" + segment).path("count").asInt() == 3);

        JsonNode first = runJob(journey, segment);
        assertThat(first.path("total").asInt()).isEqualTo(3);
        assertThat(first.path("published").asInt()).isEqualTo(3);
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> instances(journey) == 3);
        for (String lead : leads) {
            assertThat(runtime.createProcessInstanceQuery().processDefinitionKey(journey).processInstanceBusinessKey(lead).count())
                    .isEqualTo(1);
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                getJson("/api/journeys/entries/" + first.path("id").asText()).path("entered").asInt() == 3);

        // Everyone is still in the journey: a new job enters nobody (at most one running instance per lead).
        JsonNode second = runJob(journey, segment);
        assertThat(second.path("published").asInt()).isEqualTo(3);
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> journeyProgress().caughtUp());
        assertThat(instances(journey)).isEqualTo(3);
        assertThat(getJson("/api/journeys/entries/" + second.path("id").asText()).path("entered").asInt()).isZero();

        ResponseEntity<String> unknown = admin().postForEntity("/api/journeys/no-such-" + cohort + "/entries",
                jsonBody("{\"segment\":\"" + segment + "\"}"), String.class);
        assertThat(unknown.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        ResponseEntity<String> noSegment = admin().postForEntity("/api/journeys/" + journey + "/entries", jsonBody("{}"), String.class);
        assertThat(noSegment.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(JSON.readTree(noSegment.getBody()).path("field").asText()).isEqualTo("segment");
    }

    @Test
    void aJobWhoseNodeDiedHalfwayIsResumedElsewhereAndEntersNobodyTwice() throws Exception {
        String cohort = "k" + UUID.randomUUID().toString().substring(0, 8);
        String journey = "resumed-" + cohort;
        String segment = "resumed-" + cohort;
        // A journey that ends at once and lets a lead in again and again: only the job's own
        // once-per-member entry keeps a lead from entering twice.
        deploy(journey, OneStepJourney.endsAtOnce(journey));
        List<String> leads = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String user = "p" + i + "-" + cohort;
            assertThat(track("/v1/identify", "{\"userId\":\"%s\",\"traits\":{\"cohort\":\"%s\"}}".formatted(user, cohort))
                    .getStatusCode()).isEqualTo(HttpStatus.OK);
            leads.add(leadIdOf(user));
        }
        java.util.Collections.sort(leads);
        assertThat(admin().exchange("/api/segments/" + segment, HttpMethod.PUT, jsonBody(
                "{\"name\":\"Resumed\",\"conditions\":{\"trait\":\"cohort\",\"eq\":\"%s\"}}".formatted(cohort)),
                String.class).getStatusCode()).isEqualTo(HttpStatus.OK);
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> getJson("/api/segments/" + segment).path("count").asInt() == 5);

        // A node sent the entries of the first three members, recorded progress after the second, and
        // died (SIGKILL: no more heartbeats). Its job is left running, three minutes silent.
        String job = UUID.randomUUID().toString();
        java.time.Instant died = java.time.Instant.now().minus(Duration.ofMinutes(3));
        signals.publish(leads.subList(0, 3).stream()
                .map(lead -> dev.baton.engine.journeys.JourneySignal.entry(job, journey, lead, died)).toList());
        elasticsearch.index(i -> i.index(indices.jobs()).id(job).document(java.util.Map.ofEntries(
                java.util.Map.entry("id", job), java.util.Map.entry("kind", "journey-entry"), java.util.Map.entry("journey", journey),
                java.util.Map.entry("segment", segment), java.util.Map.entry("state", "running"), java.util.Map.entry("total", 5),
                java.util.Map.entry("published", 2), java.util.Map.entry("entered", 0), java.util.Map.entry("after", leads.get(1)),
                java.util.Map.entry("node", "a node that died"), java.util.Map.entry("startedAt", died.toString()),
                java.util.Map.entry("updatedAt", died.toString()))).refresh(co.elastic.clients.elasticsearch._types.Refresh.True));

        Awaitility.await().atMost(Duration.ofSeconds(90)).until(() ->
                "done".equals(getJson("/api/journeys/entries/" + job).path("state").asText()));
        JsonNode resumed = getJson("/api/journeys/entries/" + job);
        assertThat(resumed.path("published").asInt()).as("resumed after the second member").isEqualTo(5);
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> finished(journey) == 5);
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> journeyProgress().caughtUp());
        for (String lead : leads) {
            assertThat(history.createHistoricProcessInstanceQuery().processDefinitionKey(journey).processInstanceBusinessKey(lead)
                    .count()).as("lead " + lead + " entered once").isEqualTo(1);
        }
        assertThat(getJson("/api/journeys/entries/" + job).path("entered").asInt()).isEqualTo(5);
    }

    @Test
    void aJourneyThatOnlySendsReachesEveryMemberOnceWithoutAProcessInstance() throws Exception {
        String cohort = "s" + UUID.randomUUID().toString().substring(0, 8);
        String journey = "only-sends-" + cohort;
        String segment = "only-sends-" + cohort;
        deploy(journey, OneStepJourney.bpmn(journey, "SendCaseStudy", "send-email", java.util.Map.of("template", "case-study")));
        List<String> addresses = new java.util.ArrayList<>();
        for (String name : List.of("ann", "ben", "cid")) {
            String email = name + "-" + cohort + "@example.com";
            assertThat(track("/v1/identify", "{\"userId\":\"%s\",\"traits\":{\"cohort\":\"%s\",\"email\":\"%s\"}}"
                    .formatted(name + "-" + cohort, cohort, email)).getStatusCode()).isEqualTo(HttpStatus.OK);
            awaitLead(name + "-" + cohort, lead -> lead.path("emails").size() > 0);
            addresses.add(email);
        }
        assertThat(admin().exchange("/api/segments/" + segment, HttpMethod.PUT, jsonBody(
                "{\"name\":\"Only sends\",\"conditions\":{\"trait\":\"cohort\",\"eq\":\"%s\"}}".formatted(cohort)),
                String.class).getStatusCode()).isEqualTo(HttpStatus.OK);
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> getJson("/api/segments/" + segment).path("count").asInt() == 3);

        JsonNode first = runJob(journey, segment);
        assertThat(first.path("sends").get(0).path("template").asText()).isEqualTo("case-study");
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                getJson("/api/journeys/entries/" + first.path("id").asText()).path("outcome").path("sent").asInt() == 3);
        assertThat(getJson("/api/journeys/entries/" + first.path("id").asText()).path("entered").asInt()).isEqualTo(3);
        for (String address : addresses) {
            assertThat(mailTo(address)).as(address).hasSize(1);
        }
        assertThat(history.createHistoricProcessInstanceQuery().processDefinitionKey(journey).count())
                .as("no process instance per lead").isZero();

        // The same entry again: every member already has the template, so nobody gets anything.
        JsonNode second = runJob(journey, segment);
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                getJson("/api/journeys/entries/" + second.path("id").asText()).path("outcome").path("blocked").asInt() == 3);
        for (String address : addresses) {
            assertThat(mailTo(address)).as(address).hasSize(1);
        }
    }

    private void deploy(String journey) {
        deploy(journey, OneStepJourney.waitsAt(journey, "Wait"));
    }

    private void deploy(String journey, String bpmn) {
        assertThat(deployThroughEngineRest(journey, bpmn).getStatusCode()).isEqualTo(HttpStatus.OK);
    }

    private JsonNode runJob(String journey, String segment) throws Exception {
        ResponseEntity<String> started = admin().postForEntity("/api/journeys/" + journey + "/entries",
                jsonBody("{\"segment\":\"" + segment + "\"}"), String.class);
        assertThat(started.getStatusCode()).as(started.getBody()).isEqualTo(HttpStatus.ACCEPTED);
        String id = JSON.readTree(started.getBody()).path("id").asText();
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                "done".equals(getJson("/api/journeys/entries/" + id).path("state").asText()));
        return getJson("/api/journeys/entries/" + id);
    }

    private long finished(String journey) {
        return history.createHistoricProcessInstanceQuery().processDefinitionKey(journey).finished().count();
    }

    private long instances(String journey) {
        return runtime.createProcessInstanceQuery().processDefinitionKey(journey).count();
    }
}
