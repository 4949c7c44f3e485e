package dev.baton.engine.segments;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.testing.IntegrationTest;
import dev.baton.engine.testing.OneStepJourney;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;

/** A journey that starts when a lead enters a segment ("Segment Entered: <segment id>"), drawn as any journey is. */
class JourneyOnSegmentTest extends IntegrationTest {
    @Autowired RuntimeService runtime;

    @Test
    void aLeadEnteringTheSegmentStartsTheJourneyThatNamesItAndOnlyThatOne() throws Exception {
        String cohort = "j" + UUID.randomUUID().toString().substring(0, 8);
        String segment = "vip-" + cohort;
        String journey = "welcome-vip-" + cohort;
        assertThat(deploy(journey, "Segment Entered: " + segment).getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(admin().exchange("/api/segments/" + segment, HttpMethod.PUT, jsonBody("""
                {"name":"VIPs","conditions":{"all":[{"trait":"cohort","eq":"%s"},{"trait":"vip","eq":true}]}}"""
                .formatted(cohort)), String.class).getStatusCode()).isEqualTo(HttpStatus.OK);
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                "done".equals(getJson("/api/segments/" + segment).path("build").path("phase").asText()));
        assertThat(getJson("/api/segments/" + segment + "/journeys").path("journeys").toString())
                .as("the segment's page lists the journey that starts on it")
                .isEqualTo("[{\"key\":\"%s\",\"name\":\"%s\",\"version\":1,\"uses\":[\"startsOnEntry\"]}]".formatted(journey, journey));

        identify("ann-" + cohort, "{\"cohort\":\"%s\",\"vip\":true}".formatted(cohort));
        identify("ben-" + cohort, "{\"cohort\":\"%s\",\"vip\":false}".formatted(cohort));
        String ann = leadIdOf("ann-" + cohort);
        String ben = leadIdOf("ben-" + cohort);

        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                runtime.createProcessInstanceQuery().processDefinitionKey(journey).processInstanceBusinessKey(ann).count() == 1);
        assertThat(runtime.createProcessInstanceQuery().processDefinitionKey(journey).processInstanceBusinessKey(ben).count())
                .as("ben is not in the segment").isZero();
        // Listed once the leads index has refreshed (searches see writes within a second).
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                getJson("/api/segments/" + segment + "/leads").path("leads").findValuesAsText("id").equals(java.util.List.of(ann)));
    }

    @Test
    void aJourneyBranchesOnWhetherTheLeadIsInTheSegmentNow() throws Exception {
        String cohort = "b" + UUID.randomUUID().toString().substring(0, 8);
        String segment = "vip-" + cohort;
        String journey = "branch-" + cohort;
        assertThat(admin().exchange("/api/segments/" + segment, HttpMethod.PUT, jsonBody("""
                {"name":"VIPs","conditions":{"all":[{"trait":"cohort","eq":"%s"},{"trait":"vip","eq":true}]}}"""
                .formatted(cohort)), String.class).getStatusCode()).isEqualTo(HttpStatus.OK);
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                "done".equals(getJson("/api/segments/" + segment).path("build").path("phase").asText()));
        identify("cal-" + cohort, "{\"cohort\":\"%s\",\"vip\":true}".formatted(cohort));
        identify("dee-" + cohort, "{\"cohort\":\"%s\",\"vip\":false}".formatted(cohort));
        String cal = leadIdOf("cal-" + cohort);
        String dee = leadIdOf("dee-" + cohort);
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> getJson("/api/segments/" + segment).path("count").asInt() == 1);
        // The flow condition the element template "Baton: branch on segment" writes.
        String bpmn = """
                <?xml version="1.0" encoding="UTF-8"?>
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t"
                    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:camunda="http://camunda.org/schema/1.0/bpmn">
                  <bpmn:process id="%1$s" isExecutable="true" camunda:historyTimeToLive="30">
                    <bpmn:startEvent id="start" />
                    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="inSegment" />
                    <bpmn:exclusiveGateway id="inSegment" default="other" />
                    <bpmn:sequenceFlow id="member" sourceRef="inSegment" targetRef="Member">
                      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${membership.in(execution.processBusinessKey, '%2$s')}</bpmn:conditionExpression>
                    </bpmn:sequenceFlow>
                    <bpmn:sequenceFlow id="other" sourceRef="inSegment" targetRef="Other" />
                    <bpmn:userTask id="Member" />
                    <bpmn:userTask id="Other" />
                  </bpmn:process>
                </bpmn:definitions>""".formatted(journey, segment);
        assertThat(deployThroughEngineRest(journey, bpmn).getStatusCode()).isEqualTo(HttpStatus.OK);

        String calJourney = runtime.startProcessInstanceByKey(journey, cal).getId();
        String deeJourney = runtime.startProcessInstanceByKey(journey, dee).getId();

        assertThat(runtime.getActiveActivityIds(calJourney)).containsExactly("Member");
        assertThat(runtime.getActiveActivityIds(deeJourney)).containsExactly("Other");
        assertThat(getJson("/api/segments/" + segment + "/journeys").path("journeys").toString())
                .isEqualTo("[{\"key\":\"%s\",\"name\":\"%s\",\"version\":1,\"uses\":[\"branchesOnMembership\"]}]".formatted(journey, journey));
    }

    private void identify(String userId, String traits) {
        assertThat(track("/v1/identify", "{\"userId\":\"%s\",\"traits\":%s}".formatted(userId, traits)).getStatusCode())
                .isEqualTo(HttpStatus.OK);
    }

    private org.springframework.http.ResponseEntity<String> deploy(String key, String message) {
        return deployThroughEngineRest(key, OneStepJourney.startsOn(key, message, "Welcome"));
    }
}
