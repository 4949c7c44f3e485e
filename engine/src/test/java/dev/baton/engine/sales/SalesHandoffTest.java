package dev.baton.engine.sales;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.connectors.FakeProvider;
import dev.baton.connectors.StandardWebhooks;
import dev.baton.engine.journeys.JourneyCorrelator;
import dev.baton.engine.testing.IntegrationTest;
import dev.baton.engine.testing.TestServers;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * The sales handoff end to end: a lead turns hot through tracked events, the assignment chain
 * gives it to a rep at once, the CRM task is created at a local HTTP server speaking HubSpot's
 * API, the rep is mailed and has a Tasklist task due at the SLA; when the SLA passes the lead goes
 * to the next rep and the team's manager is told; outcomes come back through the API and the
 * signed CRM webhook; a lead no rep can take waits in the manager queue. Each test uses its own
 * country, so its reps see only its leads.
 */
class SalesHandoffTest extends IntegrationTest {
    private static final Duration PIPELINE = Duration.ofSeconds(60);
    @Autowired TaskService tasks;
    @Autowired ManagementService management;
    @Autowired HistoryService history;
    @Autowired JourneyCorrelator correlator;
    @Autowired ObjectMapper json;

    @Test
    void hotLeadIsAssignedAtOnceGetsACrmTaskAndWhenTheSlaPassesGoesToTheNextRepAndTheManagerIsTold() throws Exception {
        String team = "nordics-" + RUN;
        String mia = "mia-" + RUN + "@example.com";
        put("/api/teams/" + team, Map.of("name", "Nordics", "manager", "mia-" + RUN));
        put("/api/employees/mia-" + RUN, Map.of("name", "Mia", "email", mia, "team", team));
        String anna = "anna-" + RUN;
        String bert = "bert-" + RUN;
        putRep(anna, team, "IS", "101");
        putRep(bert, team, "IS", "102");

        String lead = hotLead("Ingrid", "IS");

        await().atMost(PIPELINE).untilAsserted(() -> assertThat(owner(lead)).isEqualTo(anna));
        Instant handoffStarted = history.createHistoricProcessInstanceQuery().processDefinitionKey("baton-sales-handoff")
                .processInstanceBusinessKey(lead).singleResult().getStartTime().toInstant();
        Instant assignedAt = Instant.parse(getJson("/api/sales/leads/" + lead).path("assignedAt").asText());
        Duration latency = Duration.between(handoffStarted, assignedAt);
        System.out.println("Sales handoff: hot lead assigned " + latency.toMillis() + " ms after its handoff began");
        assertThat(latency).as("assigned within one second of the handoff").isLessThanOrEqualTo(Duration.ofSeconds(1));

        // The CRM task, owned by the rep in the CRM, saying why the lead is hot.
        await().atMost(PIPELINE).until(() -> crmTasksAbout(lead).size() == 1);
        JsonNode crmTask = json.readTree(crmTasksAbout(lead).get(0).body()).path("properties");
        assertThat(crmTask.path("hubspot_owner_id").asText()).isEqualTo("101");
        assertThat(crmTask.path("hs_task_body").asText()).contains("hot because its score is", "Page Viewed (pricing)");
        // The rep hears of it, and has a Tasklist task due at the SLA (one working hour; anna works around the clock).
        awaitMail(anna + "@example.com", "New hot lead for you: Ingrid");
        Task accept = await().atMost(PIPELINE).until(() -> acceptTask(lead), t -> t != null);
        assertThat(accept.getAssignee()).isEqualTo(anna);
        // What the handoff did is in the lead's timeline, but it is not something the lead did.
        await().atMost(PIPELINE).until(() -> timeline(lead).contains("Sales Notification Sent"));
        assertThat(timeline(lead)).contains("Sales Assigned", "Sales Task Sent");
        assertThat(getJson("/api/leads/" + lead).path("eventCount").asInt()).as("the form and three pricing visits").isEqualTo(4);
        assertThat(Duration.between(assignedAt, accept.getDueDate().toInstant()))
                .isBetween(Duration.ofMinutes(59), Duration.ofMinutes(61));

        // The SLA passes: Camunda's timer on the task fires (run here as the job executor would at that time).
        Job sla = management.createJobQuery().processInstanceId(accept.getProcessInstanceId()).timers().singleResult();
        assertThat(sla.getDuedate()).isEqualTo(accept.getDueDate());
        management.executeJob(sla.getId());

        await().atMost(PIPELINE).untilAsserted(() -> assertThat(owner(lead)).isEqualTo(bert));
        awaitMail(mia, "SLA missed: Ingrid taken from " + anna + ", now with " + bert);
        await().atMost(PIPELINE).until(() -> crmTasksAbout(lead).size() == 2);
        assertThat(json.readTree(crmTasksAbout(lead).get(1).body()).path("properties").path("hubspot_owner_id").asText())
                .isEqualTo("102");
        await().atMost(PIPELINE).until(() -> acceptTask(lead) != null && bert.equals(acceptTask(lead).getAssignee()));
        JsonNode annaNow = repStatus(anna);
        assertThat(annaNow.path("rep").path("slaMisses").asInt()).isEqualTo(1);
        assertThat(annaNow.path("rep").path("openLeads").asInt()).isZero();
        assertThat(repStatus(bert).path("rep").path("openLeads").asInt()).isEqualTo(1);
        await().atMost(PIPELINE).until(() -> timeline(lead).contains("Sales SLA Missed"));
    }

    @Test
    void rejectionThroughTheApiFreesTheRepAndReturnsTheLeadToNurtureAndACrmWebhookConvertsAnother() throws Exception {
        String team = "faroe-" + RUN;
        put("/api/teams/" + team, Map.of("name", "Faroe", "manager", "none"));
        String cara = "cara-" + RUN;
        putRep(cara, team, "FO", "201");

        String rejected = hotLead("Rolf", "FO");
        await().atMost(PIPELINE).until(() -> acceptTask(rejected) != null);
        ResponseEntity<String> noReason = admin().postForEntity("/api/sales/leads/" + rejected + "/outcome",
                jsonBody(Map.of("outcome", "rejected")), String.class);
        assertThat(noReason.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(noReason.getBody()).contains("a rejection needs a reason");
        ResponseEntity<String> answered = admin().postForEntity("/api/sales/leads/" + rejected + "/outcome",
                jsonBody(Map.of("outcome", "rejected", "reason", "no budget this year")), String.class);
        assertThat(answered.getStatusCode()).isEqualTo(HttpStatus.OK);

        await().atMost(PIPELINE).until(() -> !correlator.activeJourneys(rejected).containsKey("baton-sales-handoff"));
        await().atMost(PIPELINE).untilAsserted(() -> assertThat(timeline(rejected)).contains("Sales Rejected"));
        assertThat(correlator.activeJourneys(rejected)).as("back in nurture").containsKey("baton-nurture");
        await().atMost(PIPELINE).untilAsserted(() -> assertThat(getJson("/api/leads/" + rejected).path("tags").toString())
                .contains("sales:rejected"));
        assertThat(owner(rejected)).isNull();
        assertThat(repStatus(cara).path("rep").path("slaHits").asInt()).as("answered in time").isEqualTo(1);
        // Hot again later: the nurture it went back to hands it to sales again.
        track("{\"anonymousId\":\"%s\",\"event\":\"Page Viewed\",\"properties\":{\"category\":\"pricing\"}}".formatted(rejected));
        await().atMost(PIPELINE).untilAsserted(() -> assertThat(owner(rejected)).isEqualTo(cara));

        String won = hotLead("Sigrid", "FO");
        Task accept = await().atMost(PIPELINE).until(() -> acceptTask(won), t -> t != null);
        tasks.complete(accept.getId()); // accepted in Tasklist
        await().atMost(PIPELINE).until(() -> timeline(won).contains("Sales Accepted"));
        String body = json.writeValueAsString(Map.of("type", "sales_task.outcome",
                "data", Map.of("leadId", won, "outcome", "converted")));
        assertThat(webhook(body, "msg_forged", "v1,bm90IHRoZSBzaWduYXR1cmU=").getStatusCode())
                .isEqualTo(HttpStatus.UNAUTHORIZED);
        String id = "msg_" + UUID.randomUUID();
        long now = Instant.now().getEpochSecond();
        ResponseEntity<String> converted = webhook(body, id, new StandardWebhooks(CRM_WEBHOOK_SECRET).signature(id, now, body),
                now);
        assertThat(converted.getStatusCode()).as(converted.getBody()).isEqualTo(HttpStatus.OK);

        await().atMost(PIPELINE).until(() -> !correlator.activeJourneys(won).containsKey("baton-sales-handoff"));
        await().atMost(PIPELINE).untilAsserted(() -> assertThat(getJson("/api/leads/" + won).path("tags").toString())
                .contains("customer"));
        assertThat(owner(won)).as("a converted lead no longer weighs on the rep").isNull();
    }

    @Test
    void leadNoRepCanTakeWaitsInTheManagerQueueUntilAManagerGivesItToARep() throws Exception {
        String team = "greenland-" + RUN;
        put("/api/teams/" + team, Map.of("name", "Greenland", "manager", "none"));
        String dora = "dora-" + RUN;
        putRep(dora, team, "NO", "301"); // covers Norway, not Greenland

        String lead = hotLead("Aputsiaq", "GL");

        await().atMost(PIPELINE).untilAsserted(() -> assertThat(admin().getForObject("/api/sales/queue", String.class))
                .contains(lead, "no available rep matches territory"));
        awaitMail("sales-managers@baton.local", "Lead waiting in the queue: Aputsiaq");
        await().atMost(PIPELINE).until(() -> tasks.createTaskQuery().processInstanceBusinessKey(lead)
                .taskDefinitionKey("ManagerAssigns").count() == 1);
        assertThat(admin().postForEntity("/api/sales/queue/" + lead + "/assign", jsonBody(Map.of("rep", "nobody")),
                String.class).getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);

        ResponseEntity<String> chosen = admin().postForEntity("/api/sales/queue/" + lead + "/assign",
                jsonBody(Map.of("rep", dora)), String.class);

        assertThat(chosen.getStatusCode()).as(chosen.getBody()).isEqualTo(HttpStatus.OK);
        await().atMost(PIPELINE).untilAsserted(() -> assertThat(owner(lead)).isEqualTo(dora));
        await().atMost(PIPELINE).until(() -> acceptTask(lead) != null && dora.equals(acceptTask(lead).getAssignee()));
        assertThat(admin().getForObject("/api/sales/queue", String.class)).doesNotContain(lead);
    }

    @Test
    void repsAreImportedFromCsvAllOrNothingAndBadRepsAreRefusedSayingWhere() throws Exception {
        String csv = """
                id,name,email,phone,team,territories,industries,languages,working_hours,time_zone,capacity,out_of_office,crm_id,notify_by
                csv-a-%1$s,"Ana ""La Jefa"" Ruiz, Jr.",ana@example.com,,iberia,ES;PT,software,es;en,MON-FRI 09:00-18:00,Europe/Madrid,10,false,501,email
                csv-b-%1$s,Bo,,+34600000000,iberia,ES,,es,MON-THU 08:00-16:00,Europe/Madrid,5,false,,sms
                """.formatted(RUN);
        ResponseEntity<String> imported = csv("/api/sales/reps/import", csv);
        assertThat(imported.getStatusCode()).as(imported.getBody()).isEqualTo(HttpStatus.OK);
        JsonNode ana = repStatus("csv-a-" + RUN).path("rep");
        assertThat(ana.path("name").asText()).as("a quoted cell keeps its comma and quotes").isEqualTo("Ana \"La Jefa\" Ruiz, Jr.");
        assertThat(ana.path("territories").toString()).isEqualTo("[\"ES\",\"PT\"]");
        assertThat(ana.path("workingHours").asText()).isEqualTo("MON-FRI 09:00-18:00");

        ResponseEntity<String> badLine = csv("/api/sales/reps/import", csv.replace("MON-THU 08:00-16:00", "weekdays")
                .replace("csv-a-", "csv-c-").replace("csv-b-", "csv-d-"));
        assertThat(badLine.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(badLine.getBody()).contains("line 3", "weekdays");
        assertThat(admin().getForEntity("/api/sales/reps/csv-c-" + RUN, String.class).getStatusCode())
                .as("nothing of a refused file is kept").isEqualTo(HttpStatus.NOT_FOUND);

        ResponseEntity<String> badZone = admin().exchange("/api/sales/reps/z-" + RUN, HttpMethod.PUT, jsonBody(Map.of(
                "team", "x", "capacity", 3, "email", "z@example.com", "timeZone", "Mars/Olympus")), String.class);
        assertThat(badZone.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(badZone.getBody()).contains("unknown time zone 'Mars/Olympus'");
    }

    // --- helpers ---------------------------------------------------------------------------

    /** A new lead that submits a form and looks at pricing three times: hot (98 points); its lead id. */
    private String hotLead(String name, String country) throws Exception {
        String visitor = "visitor-" + UUID.randomUUID();
        String email = name.toLowerCase() + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        track("""
                {"anonymousId":"%s","event":"Form Submitted","properties":{"form":"contact"},
                 "context":{"traits":{"email":"%s","name":"%s","country":"%s"}}}""".formatted(visitor, email, name, country));
        for (int visit = 0; visit < 3; visit++) {
            track("{\"anonymousId\":\"%s\",\"event\":\"Page Viewed\",\"properties\":{\"category\":\"pricing\"}}"
                    .formatted(visitor));
        }
        return awaitLead(email, profile -> "hot".equals(profile.path("tier").asText())).path("id").asText();
    }

    private void putRep(String id, String team, String territory, String crmId) {
        ResponseEntity<String> response = admin().exchange("/api/sales/reps/" + id, HttpMethod.PUT, jsonBody(Map.of(
                "name", id, "email", id + "@example.com", "team", team, "territories", List.of(territory),
                "workingHours", "MON-SUN 00:00-24:00", "timeZone", "Atlantic/Reykjavik", "capacity", 5, "crmId", crmId)),
                String.class);
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(HttpStatus.OK);
    }

    private void put(String path, Map<String, ?> body) {
        ResponseEntity<String> response = admin().exchange(path, HttpMethod.PUT, jsonBody(body), String.class);
        assertThat(response.getStatusCode().is2xxSuccessful()).as(path + " " + response.getBody()).isTrue();
    }

    private String owner(String lead) throws Exception {
        JsonNode owner = getJson("/api/sales/leads/" + lead).path("owner");
        return owner.isNull() || owner.isMissingNode() ? null : owner.asText();
    }

    private JsonNode repStatus(String rep) throws Exception {
        return getJson("/api/sales/reps/" + rep);
    }

    private Task acceptTask(String lead) {
        return tasks.createTaskQuery().processInstanceBusinessKey(lead).taskDefinitionKey("Accept").singleResult();
    }

    /** The CRM tasks about a lead: each names the lead's Baton id ("Lead in Baton: …"). */
    private static List<FakeProvider.Request> crmTasksAbout(String lead) {
        return TestServers.hubspot().requests().stream().filter(r -> r.body().contains(lead)).toList();
    }

    private HttpEntity<String> jsonBody(Map<String, ?> body) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        try {
            return new HttpEntity<>(json.writeValueAsString(body), headers);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private ResponseEntity<String> csv(String path, String csv) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.parseMediaType("text/csv"));
        return admin().postForEntity(path, new HttpEntity<>(csv, headers), String.class);
    }

    private ResponseEntity<String> webhook(String body, String id, String signature) {
        return webhook(body, id, signature, Instant.now().getEpochSecond());
    }

    private ResponseEntity<String> webhook(String body, String id, String signature, long timestamp) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        headers.set("webhook-id", id);
        headers.set("webhook-timestamp", Long.toString(timestamp));
        headers.set("webhook-signature", signature);
        return http.postForEntity("/sales/webhook", new HttpEntity<>(body, headers), String.class);
    }
}
