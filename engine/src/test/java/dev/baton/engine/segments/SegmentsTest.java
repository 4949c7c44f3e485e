package dev.baton.engine.segments;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.engine.testing.IntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/** Segments: what each condition means, entering and leaving as leads act, built over existing data, bad conditions. */
class SegmentsTest extends IntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String cohort = "c" + UUID.randomUUID().toString().substring(0, 8);
    /** The user ids of this test's people. */
    private final List<String> people = new ArrayList<>();
    @org.springframework.beans.factory.annotation.Autowired dev.baton.engine.leads.LeadStore leadStore;

    @Test
    void eachConditionCountsExactlyTheLeadsItDescribes() throws Exception {
        Instant now = Instant.now();
        // ada: Shanghai, 250 employees, three pricing views this week; bo: Beijing, 9 employees, one old
        // pricing view and a form; cy: no city, one page view, unsubscribed from email.
        String ada = person("ada", """
                {"city":"Shanghai","employees":250,"plan":"trial-2026"}""");
        String bo = person("bo", """
                {"city":"Beijing","employees":9,"plan":"paid"}""");
        String cy = person("cy", "{}");
        for (int view = 0; view < 3; view++) {
            page(ada, "pricing", now.minus(3 - view, ChronoUnit.HOURS));
        }
        page(bo, "pricing", now.minus(40, ChronoUnit.DAYS));
        track(bo, "Form Submitted", "{}", now.minus(2, ChronoUnit.DAYS));
        page(cy, "blog", now.minus(1, ChronoUnit.DAYS));
        track(cy, "Unsubscribed", """
                {"channel":"email"}""", now.minus(1, ChronoUnit.HOURS));
        // Once hot, ada is handed to sales; the handoff's own events are not hers to count.
        JsonNode adaLead = awaitLead(ada, lead -> lead.path("eventCount").asInt() == 4);
        JsonNode boLead = awaitLead(bo, lead -> lead.path("eventCount").asInt() == 3);
        awaitLead(cy, lead -> lead.path("unsubscribed").toString().contains("email"));

        assertThat(count("{\"trait\":\"city\",\"eq\":\"Shanghai\"}")).containsExactly(ada);
        assertThat(count("{\"trait\":\"city\",\"in\":[\"Beijing\",\"Shenzhen\"]}")).containsExactly(bo);
        assertThat(count("{\"trait\":\"city\",\"exists\":false}")).containsExactly(cy);
        assertThat(count("{\"trait\":\"plan\",\"prefix\":\"trial\"}")).containsExactly(ada);
        assertThat(count("{\"trait\":\"employees\",\"gte\":100}")).as("250 >= 100 as numbers, though \"9\" > \"100\" as text")
                .containsExactly(ada);
        assertThat(count("{\"trait\":\"employees\",\"lt\":100}")).containsExactly(bo);
        assertThat(count("{\"tier\":{\"in\":[\"" + adaLead.path("tier").asText() + "\"]}}")).contains(ada);
        assertThat(count("{\"score\":{\"gt\":" + boLead.path("score").asInt() + "}}")).containsExactly(ada);
        assertThat(count("{\"tag\":{\"has\":\"intent:pricing\"}}")).containsExactly(ada);
        assertThat(count("{\"unsubscribed\":\"email\"}")).containsExactly(cy);
        assertThat(count("{\"not\":{\"unsubscribed\":\"email\"}}")).containsExactlyInAnyOrder(ada, bo);
        assertThat(count("{\"any\":[{\"trait\":\"city\",\"eq\":\"Shanghai\"},{\"unsubscribed\":\"email\"}]}"))
                .containsExactlyInAnyOrder(ada, cy);
        assertThat(count("{\"seen\":{\"withinDays\":30}}")).containsExactlyInAnyOrder(ada, bo, cy);

        // Behaviour: counted on each lead when a segment asking for it is built.
        assertThat(members("{\"event\":\"Page Viewed\",\"where\":{\"category\":\"pricing\"},\"atLeast\":2,\"withinDays\":30}"))
                .containsExactly(ada);
        assertThat(members("{\"event\":\"Page Viewed\",\"where\":{\"category\":\"pricing\"},\"withinDays\":30}"))
                .as("bo's view is 40 days old").containsExactly(ada);
        assertThat(members("{\"event\":\"Page Viewed\",\"where\":{\"category\":\"pricing\"}}")).as("ever")
                .containsExactlyInAnyOrder(ada, bo);
        assertThat(members("{\"not\":{\"event\":\"Form Submitted\",\"withinDays\":30}}"))
                .as("did not submit a form in 30 days").containsExactlyInAnyOrder(ada, cy);
        assertThat(members("{\"event\":\"Page Viewed\",\"atLeast\":3,\"withinDays\":1}")).containsExactly(ada);
    }

    @Test
    void leadsAreSelectedByTheEmployeeTeamAndCampaignOfTheFirstShareThatBroughtThem() throws Exception {
        String alice = "alice-" + cohort;
        String bob = "bob-" + cohort;
        admin().put("/api/teams/east-" + cohort, jsonBody("{\"name\":\"East\"}"));
        admin().put("/api/teams/west-" + cohort, jsonBody("{\"name\":\"West\"}"));
        admin().put("/api/employees/" + alice, jsonBody("{\"name\":\"Alice\",\"team\":\"east-" + cohort + "\"}"));
        admin().put("/api/employees/" + bob, jsonBody("{\"name\":\"Bob\",\"team\":\"west-" + cohort + "\"}"));
        String spring = "spring-" + cohort;
        String autumn = "autumn-" + cohort;
        for (String campaign : List.of(spring, autumn)) {
            assertThat(admin().postForEntity("/api/campaigns", jsonBody("""
                    {"id":"%s","name":"%s","contents":[{"id":"guide","url":"https://www.example.com/guide"}]}"""
                    .formatted(campaign, campaign)), String.class).getStatusCode()).isEqualTo(HttpStatus.CREATED);
        }
        String alicesSpring = shareLink(spring, alice);
        String bobsAutumn = shareLink(autumn, bob);
        // ada came through Alice's spring link, later through Bob's; bo through a visitor's re-share of
        // Bob's link (the chain's root is Bob); cy through no link; di only clicked a link as a bot.
        String ada = person("ada", "{}");
        String bo = person("bo", "{}");
        String cy = person("cy", "{}");
        String di = person("di", "{}");
        click(ada, alicesSpring, BROWSER);
        click(ada, bobsAutumn, BROWSER);
        String reshare = getJsonAsVisitor("/s/" + bobsAutumn + "/reshare?name=Zed", "zed-" + cohort);
        click(bo, reshare, BROWSER);
        click(di, alicesSpring, "Googlebot/2.1 (+http://www.google.com/bot.html)");
        // eve claims, through the tracking API, to have come through Alice's link: no share vouches for it.
        String eve = person("eve", "{}");
        assertThat(track("/v1/track", """
                {"userId":"%s","event":"Share Clicked","properties":{"share":"%s","campaign":"%s","rootEmployee":"%s"}}"""
                .formatted(eve, alicesSpring, spring, alice)).getStatusCode()).isEqualTo(HttpStatus.OK);
        for (String person : List.of(ada, bo, di)) {
            awaitLead(person, lead -> lead.path("anonymousIds").size() > 0 && lead.path("eventCount").asInt() >= 2);
        }
        awaitLead(eve, lead -> lead.path("eventCount").asInt() >= 2);
        // Both of ada's clicks taken in: identify, click, identify, click, identify.
        assertThat(awaitLead(ada, lead -> lead.path("eventCount").asInt() >= 5).path("brought").path("employee").asText())
                .isEqualTo(alice);

        assertThat(count("{\"brought\":{\"employee\":\"" + alice + "\"}}")).as("first touch only").containsExactly(ada);
        assertThat(count("{\"brought\":{\"employee\":\"" + bob + "\"}}")).as("root of the re-shared chain").containsExactly(bo);
        assertThat(count("{\"brought\":{\"team\":\"west-" + cohort + "\"}}")).containsExactly(bo);
        assertThat(count("{\"brought\":{\"campaign\":[\"" + spring + "\",\"" + autumn + "\"]}}")).containsExactlyInAnyOrder(ada, bo);
        assertThat(count("{\"brought\":{\"campaign\":\"" + spring + "\",\"team\":\"west-" + cohort + "\"}}")).isEmpty();
        assertThat(count("{\"not\":{\"brought\":{\"campaign\":[\"" + spring + "\",\"" + autumn + "\"]}}}"))
                .as("no link, a bot's click, a click nobody vouches for").containsExactlyInAnyOrder(cy, di, eve);
    }

    @Test
    void leadsAreSelectedByWhereAJourneyPutThemInItAtAStepFinishedAtAnEndOrLeft() throws Exception {
        String journey = "state-" + cohort;
        assertThat(deployThroughEngineRest(journey, """
                <?xml version="1.0" encoding="UTF-8"?>
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t"
                    xmlns:camunda="http://camunda.org/schema/1.0/bpmn">
                  <bpmn:process id="%s" isExecutable="true" camunda:historyTimeToLive="30">
                    <bpmn:startEvent id="start" />
                    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call" />
                    <bpmn:userTask id="call" />
                    <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="followUp" />
                    <bpmn:userTask id="followUp" />
                    <bpmn:sequenceFlow id="f3" sourceRef="followUp" targetRef="called" />
                    <bpmn:endEvent id="called" />
                  </bpmn:process>
                </bpmn:definitions>""".formatted(journey)).getStatusCode()).isEqualTo(HttpStatus.OK);
        String ada = person("ada", "{}");
        String bo = person("bo", "{}");
        String cy = person("cy", "{}");
        String di = person("di", "{}");
        String eve = person("eve", "{}");
        // ada waits at the call, bo at the follow-up, cy finished, di's journey was cancelled, eve never entered.
        java.util.Map<String, String> instances = new java.util.HashMap<>();
        for (String person : List.of(ada, bo, cy, di)) {
            instances.put(person, runtime.startProcessInstanceByKey(journey, leadIdOf(person)).getId());
        }
        complete(instances.get(bo), 1);
        complete(instances.get(cy), 2);
        runtime.deleteProcessInstance(instances.get(di), "test: cancelled");
        awaitLead(cy, lead -> "finished".equals(lead.path("journeys").path(journey).path("state").asText()));
        awaitLead(di, lead -> "left".equals(lead.path("journeys").path(journey).path("state").asText()));
        awaitLead(bo, lead -> "followUp".equals(lead.path("journeys").path(journey).path("step").asText()));
        awaitLead(ada, lead -> "call".equals(lead.path("journeys").path(journey).path("step").asText()));

        assertThat(count("{\"journey\":\"" + journey + "\"}")).as("in it now").containsExactlyInAnyOrder(ada, bo);
        assertThat(count("{\"journey\":\"" + journey + "\",\"at\":\"followUp\"}")).containsExactly(bo);
        assertThat(count("{\"journey\":\"" + journey + "\",\"finished\":true}")).containsExactly(cy);
        assertThat(count("{\"journey\":\"" + journey + "\",\"finished\":\"called\"}")).containsExactly(cy);
        assertThat(count("{\"journey\":\"" + journey + "\",\"finished\":\"elsewhere\"}")).isEmpty();
        assertThat(count("{\"journey\":\"" + journey + "\",\"entered\":true}")).containsExactlyInAnyOrder(ada, bo, cy, di);
        assertThat(count("{\"not\":{\"journey\":\"" + journey + "\",\"entered\":true}}")).containsExactly(eve);
        // The moves are in the lead's timeline, in order.
        assertThat(timeline(leadIdOf(cy))).contains("Journey Entered", "Journey Step Reached", "Journey Finished");
    }

    @Test
    void leadEntersWhenAnEventMakesItMatchAndLeavesWhenATraitChangesOrTheWindowRunsOut() throws Exception {
        Instant now = Instant.now();
        String dee = person("dee", """
                {"city":"Shanghai"}""");
        // The first of two pricing views in the last 30 days, dated so that the window runs out soon.
        page(dee, "pricing", now.minus(30, ChronoUnit.DAYS).plus(Duration.ofHours(1)));
        awaitLead(dee, lead -> lead.path("eventCount").asInt() == 2);
        String segment = saveReady("""
                {"name":"Shanghai pricing readers","conditions":{"all":[%s,{"trait":"city","eq":"Shanghai"},
                 {"event":"Page Viewed","where":{"category":"pricing"},"atLeast":2,"withinDays":30}]}}""".formatted(inCohort()));
        assertThat(memberIds(segment)).isEmpty();

        page(dee, "pricing", now);
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> memberIds(segment).contains(leadIdOf(dee)));
        awaitTimeline(dee, "Segment Entered");

        identify(dee, """
                {"city":"Hangzhou"}""");
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> memberIds(segment).isEmpty());
        awaitTimeline(dee, "Segment Left");
        identify(dee, """
                {"city":"Shanghai"}""");
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> memberIds(segment).contains(leadIdOf(dee)));
        // Each move reaches the timeline through Kafka and the pipeline, after the membership is recorded.
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> segmentMoves(dee, segment).size() == 3);
        assertThat(segmentMoves(dee, segment)).containsExactly("Segment Entered", "Segment Left", "Segment Entered");
    }

    @Test
    void aBehaviourSegmentSavedRightAfterTheEventCountsIt() throws Exception {
        // A page only this test's people view: no other segment counts it as it arrives.
        String page = "offer-" + cohort;
        String fay = person("fay", "{}");
        page(fay, page, Instant.now());
        // The lead is written before its event is stored, and a stored event is searchable only
        // after the index's next refresh: the build must count it all the same.
        awaitLead(fay, lead -> lead.path("eventCount").asInt() == 2);
        String segment = saveReady("""
                {"name":"Offer readers","conditions":{"all":[%s,
                 {"event":"Page Viewed","where":{"category":"%s"}}]}}""".formatted(inCohort(), page));
        assertThat(memberIds(segment)).containsExactly(leadIdOf(fay));
    }

    @Test
    void whenAWindowRunsOutTheReviewPassMovesTheLeadOutWithNoNewEvent() throws Exception {
        Instant now = Instant.now();
        String eve = person("eve", "{}");
        // Its only pricing view leaves the 30-day window 20 seconds from now (time for the lead's
        // event and the segment's build, a second or two, on a busy machine; the lead must enter
        // before it leaves).
        page(eve, "pricing", now.minus(30, ChronoUnit.DAYS).plusSeconds(20));
        awaitLead(eve, lead -> lead.path("eventCount").asInt() == 2);
        String segment = saveReady("""
                {"name":"Recent pricing","conditions":{"all":[%s,
                 {"event":"Page Viewed","where":{"category":"pricing"},"withinDays":30}]}}""".formatted(inCohort()));
        String lead = leadIdOf(eve);
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> segmentMoves(eve, segment).contains("Segment Entered"));
        assertThat(memberIds(segment)).containsExactly(lead);

        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> segmentMoves(eve, segment).contains("Segment Left"));
        assertThat(memberIds(segment)).isEmpty();
        assertThat(getJson("/api/leads/" + lead).path("eventCount").asInt()).as("no event of eve's moved it").isEqualTo(2);
    }

    @Test
    void aSegmentSavedOverExistingLeadsShowsItsBuildAndPagesThroughItsMembers() throws Exception {
        List<String> people = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            String id = person("p" + i, "{}");
            page(id, "pricing", Instant.now().minus(i, ChronoUnit.DAYS));
            people.add(id);
        }
        for (String id : people) {
            awaitLead(id, lead -> lead.path("eventCount").asInt() == 2);
        }
        String segment = "built-" + cohort;
        ResponseEntity<String> saved = admin().exchange("/api/segments/" + segment, HttpMethod.PUT, jsonBody("""
                {"name":"Pricing ever","conditions":{"all":[%s,{"event":"Page Viewed","where":{"category":"pricing"}}]}}"""
                .formatted(inCohort())), String.class);
        assertThat(saved.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(JSON.readTree(saved.getBody()).path("state").asText()).isEqualTo("building");
        JsonNode ready = awaitReady(segment);
        assertThat(ready.path("count").asLong()).isEqualTo(7);
        assertThat(ready.path("build").path("phase").asText()).isEqualTo("done");
        assertThat(ready.path("build").path("processed").asLong()).isEqualTo(7);
        // The list counts every segment in one request; this one's count there is the same.
        JsonNode listed = java.util.stream.StreamSupport.stream(getJson("/api/segments").spliterator(), false)
                .filter(s -> segment.equals(s.path("id").asText())).findFirst().orElseThrow();
        assertThat(listed.path("count").asLong()).isEqualTo(7);

        List<String> paged = new ArrayList<>();
        String after = "";
        do {
            JsonNode page = getJson("/api/segments/" + segment + "/leads?size=3&after=" + after);
            page.path("leads").forEach(member -> paged.add(member.path("id").asText()));
            after = page.path("next").isNull() ? null : page.path("next").asText();
        } while (after != null);
        List<String> leads = new ArrayList<>();
        for (String id : people) {
            leads.add(leadIdOf(id));
        }
        assertThat(paged).containsExactlyInAnyOrderElementsOf(leads).doesNotHaveDuplicates();
        for (String id : people) {
            // The moves are events: in the timeline once the pipeline has stored them.
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !segmentMoves(id, segment).isEmpty());
            assertThat(segmentMoves(id, segment)).containsExactly("Segment Entered");
        }
    }

    @Test
    void aConditionThatCannotBeUsedIsA400NamingIt() throws Exception {
        assertBad("{\"name\":\"x\",\"conditions\":{\"all\":[{\"tier\":{\"in\":[\"hot\"]}},{\"tiers\":{}}]}}", "conditions.all[1].tiers");
        assertBad("{\"name\":\"x\",\"conditions\":{\"event\":\"Page Viewed\",\"atLeast\":0}}", "conditions.atLeast");
        assertBad("{\"name\":\"x\",\"conditions\":{\"event\":\"Page Viewed\",\"withinDays\":\"30\"}}", "conditions.withinDays");
        assertBad("{\"name\":\"x\",\"conditions\":{\"trait\":\"city\"}}", "conditions");
        assertBad("{\"name\":\"x\",\"conditions\":{\"trait\":\"city\",\"equals\":\"Shanghai\"}}", "conditions.equals");
        assertBad("{\"name\":\"x\",\"conditions\":{\"any\":[]}}", "conditions.any");
        assertBad("{\"name\":\"x\",\"conditions\":{\"trait\":\"city\",\"eq\":\"Shanghai\",\"prefix\":\"Bei\"}}", "conditions.prefix");
        assertBad("{\"name\":\"x\",\"conditions\":{\"not\":{\"unsubscribed\":\"fax\"}}}", "conditions.not.unsubscribed");
        assertBad("{\"name\":\"x\",\"conditions\":{\"score\":{\"gte\":\"high\"}}}", "conditions.score.gte");
        assertBad("{\"name\":\"x\",\"conditions\":{\"brought\":{\"sharer\":\"alice\"}}}", "conditions.brought.sharer");
        assertBad("{\"name\":\"x\",\"conditions\":{\"brought\":{\"employee\":[]}}}", "conditions.brought.employee");
        assertBad("{\"name\":\"x\",\"conditions\":{\"journey\":\"welcome\",\"at\":\"a\",\"finished\":true}}", "conditions");
        assertBad("{\"name\":\"x\",\"conditions\":{\"journey\":\"welcome\",\"entered\":false}}", "conditions.entered");
        assertBad("{\"name\":\"x\",\"conditions\":{\"journey\":\"\"}}", "conditions.journey");
        assertBad("{\"name\":\"x\"}", "conditions");
        assertBad("{\"conditions\":{\"tier\":{\"eq\":\"hot\"}}}", "name");
        ResponseEntity<String> badId = admin().exchange("/api/segments/Bad Id!", HttpMethod.PUT,
                jsonBody("{\"name\":\"x\",\"conditions\":{\"tier\":{\"eq\":\"hot\"}}}"), String.class);
        assertThat(badId.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(JSON.readTree(badId.getBody()).path("field").asText()).isEqualTo("id");
        assertThat(admin().getForEntity("/api/segments/never-saved-" + cohort, String.class).getStatusCode())
                .isEqualTo(HttpStatus.NOT_FOUND);
    }

    private void assertBad(String body, String field) throws Exception {
        String id = "bad-" + cohort;
        ResponseEntity<String> response = admin().exchange("/api/segments/" + id, HttpMethod.PUT, jsonBody(body), String.class);
        assertThat(response.getStatusCode()).as(body).isEqualTo(HttpStatus.BAD_REQUEST);
        JsonNode problem = JSON.readTree(response.getBody());
        assertThat(problem.path("field").asText()).as(response.getBody()).isEqualTo(field);
        assertThat(problem.path("detail").asText()).startsWith(field + ": ");
        if (field.startsWith("conditions")) {
            ResponseEntity<String> preview = admin().postForEntity("/api/segments/preview", jsonBody(body), String.class);
            assertThat(preview.getStatusCode()).as("preview " + body).isEqualTo(HttpStatus.BAD_REQUEST);
            assertThat(JSON.readTree(preview.getBody()).path("field").asText()).isEqualTo(field);
        }
        assertThat(admin().getForEntity("/api/segments/" + id, String.class).getStatusCode()).as("nothing saved")
                .isEqualTo(HttpStatus.NOT_FOUND);
    }

    // -- helpers --

    private static final String BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36";
    @org.springframework.beans.factory.annotation.Autowired org.camunda.bpm.engine.RuntimeService runtime;
    @org.springframework.beans.factory.annotation.Autowired org.camunda.bpm.engine.TaskService tasks;
    private final java.net.http.HttpClient browser = java.net.http.HttpClient.newBuilder()
            .followRedirects(java.net.http.HttpClient.Redirect.NEVER).build();

    /** Completes the journey's next {@code steps} user tasks. */
    private void complete(String instance, int steps) {
        for (int step = 0; step < steps; step++) {
            tasks.complete(tasks.createTaskQuery().processInstanceId(instance).singleResult().getId());
        }
    }

    private String shareLink(String campaign, String employee) {
        return admin().postForEntity("/api/shares", jsonBody("{\"campaign\":\"%s\",\"content\":\"guide\",\"employee\":\"%s\"}"
                .formatted(campaign, employee)), JsonNode.class).getBody().path("code").asText();
    }

    /** The person (a user id) clicks the link in their browser: their visitor id is their user id's device. */
    private void click(String userId, String code, String userAgent) throws Exception {
        var response = browser.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(http.getRootUri() + "/s/" + code))
                .header("User-Agent", userAgent).header("Cookie", "baton_aid=" + device(userId)).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding());
        assertThat(response.statusCode()).isEqualTo(302);
        // The device is this person's, as a site's analytics says when they sign in.
        assertThat(track("/v1/identify", "{\"userId\":\"%s\",\"anonymousId\":\"%s\"}".formatted(userId, device(userId)))
                .getStatusCode()).isEqualTo(HttpStatus.OK);
    }

    private static String device(String userId) {
        return "device-" + userId;
    }

    /** A re-share made by a visitor's browser; returns its code. */
    private String getJsonAsVisitor(String path, String visitor) throws Exception {
        var response = browser.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(http.getRootUri() + path))
                .header("Cookie", "baton_aid=" + visitor).POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return JSON.readTree(response.body()).path("code").asText();
    }

    private String inCohort() {
        return "{\"trait\":\"cohort\",\"eq\":\"" + cohort + "\"}";
    }

    /** A person of this test's cohort, identified with these traits; returns their user id. */
    private String person(String name, String traits) throws Exception {
        String userId = name + "-" + cohort;
        people.add(userId);
        JsonNode all = JSON.readTree(traits);
        ((com.fasterxml.jackson.databind.node.ObjectNode) all).put("cohort", cohort);
        identify(userId, all.toString());
        return userId;
    }

    private void identify(String userId, String traits) {
        assertThat(track("/v1/identify", "{\"userId\":\"%s\",\"traits\":%s}".formatted(userId, traits)).getStatusCode())
                .isEqualTo(HttpStatus.OK);
    }

    private void page(String userId, String category, Instant at) {
        assertThat(track("/v1/page", """
                {"userId":"%s","name":"%s","properties":{"category":"%s"},"timestamp":"%s"}"""
                .formatted(userId, category, category, at)).getStatusCode()).isEqualTo(HttpStatus.OK);
    }

    private void track(String userId, String event, String properties, Instant at) {
        assertThat(track("/v1/track", """
                {"userId":"%s","event":"%s","properties":%s,"timestamp":"%s"}"""
                .formatted(userId, event, properties, at)).getStatusCode()).isEqualTo(HttpStatus.OK);
    }

    /** The cohort's leads matching a condition, by user id, from a preview count and a saved segment's members. */
    private List<String> count(String condition) throws Exception {
        String body = "{\"name\":\"n\",\"conditions\":{\"all\":[%s,%s]}}".formatted(inCohort(), condition);
        // After the segment's build: it makes every lead written so far searchable (a preview right
        // after a lead was written could miss it for the index's refresh second).
        List<String> members = members(condition);
        ResponseEntity<String> preview = admin().postForEntity("/api/segments/preview", jsonBody(body), String.class);
        assertThat(preview.getStatusCode()).as(preview.getBody()).isEqualTo(HttpStatus.OK);
        assertThat(JSON.readTree(preview.getBody()).path("count").asLong()).as("preview of " + condition).isEqualTo(members.size());
        return members;
    }

    /** The cohort's members of a segment saved with this condition, once built, by user id. */
    private List<String> members(String condition) throws Exception {
        String segment = saveReady("{\"name\":\"n\",\"conditions\":{\"all\":[%s,%s]}}".formatted(inCohort(), condition));
        JsonNode view = getJson("/api/segments/" + segment);
        List<String> users = new ArrayList<>();
        for (JsonNode member : getJson("/api/segments/" + segment + "/leads?size=100").path("leads")) {
            users.add(getJson("/api/leads/" + member.path("id").asText()).path("userIds").get(0).asText());
        }
        assertThat(view.path("count").asLong()).isEqualTo(users.size());
        assertThat(recordedMembers(segment)).as("recorded members of " + condition).isEqualTo(users.size());
        // The event pipeline judges a changed lead in memory: it must say what the index says, for every lead.
        SegmentConditions.Compiled compiled = SegmentConditions.compile(
                JSON.readTree("{\"all\":[%s,%s]}".formatted(inCohort(), condition)), JSON);
        for (String user : people) {
            dev.baton.engine.leads.LeadProfile profile = leadStore.get(user);
            assertThat(compiled.condition().matches(profile, Instant.now())).as(user + " in memory, for " + condition)
                    .isEqualTo(users.contains(user));
        }
        return users;
    }

    private long recordedMembers(String segment) throws Exception {
        JsonNode all = getJson("/api/segments/" + segment + "/leads?size=100").path("leads");
        long recorded = 0;
        for (JsonNode member : all) {
            if (getJson("/api/leads/" + member.path("id").asText()).path("segments").path("in").toString().contains("\"" + segment + "\"")) {
                recorded++;
            }
        }
        return recorded;
    }

    private String saveReady(String body) throws Exception {
        String id = "s-" + UUID.randomUUID().toString().substring(0, 8);
        ResponseEntity<String> saved = admin().exchange("/api/segments/" + id, HttpMethod.PUT, jsonBody(body), String.class);
        assertThat(saved.getStatusCode()).as(saved.getBody()).isEqualTo(HttpStatus.OK);
        awaitReady(id);
        return id;
    }

    private JsonNode awaitReady(String id) throws Exception {
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                "done".equals(getJson("/api/segments/" + id).path("build").path("phase").asText()));
        return getJson("/api/segments/" + id);
    }

    private List<String> memberIds(String segment) throws Exception {
        List<String> ids = new ArrayList<>();
        getJson("/api/segments/" + segment + "/leads?size=100").path("leads").forEach(m -> ids.add(m.path("id").asText()));
        return ids;
    }

    private void awaitTimeline(String userId, String event) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> timeline(leadIdOf(userId)).contains(event));
    }

    /** The lead's moves in and out of the segment, oldest first. */
    private List<String> segmentMoves(String userId, String segment) throws Exception {
        List<String> moves = new ArrayList<>();
        for (JsonNode event : getJson("/api/leads/" + leadIdOf(userId) + "/events?size=100").path("items")) {
            if (event.path("event").asText().startsWith("Segment ") && segment.equals(event.path("properties").path("segment").asText())) {
                moves.add(0, event.path("event").asText());
            }
        }
        return moves;
    }
}
