package dev.baton.engine.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.engine.testing.IntegrationTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.camunda.bpm.engine.RepositoryService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * "Check as you draw": a journey draft is checked as deploying it would, and for what a marketer
 * would not see in the drawing, each problem at its element; nothing is deployed.
 */
class JourneyValidationEndpointTest extends IntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @Autowired RepositoryService repository;
    private final String key = "draft-" + UUID.randomUUID().toString().substring(0, 8);

    @Test
    void everyLibraryJourneyChecksWithoutAProblem() throws Exception {
        Resource[] library = new PathMatchingResourcePatternResolver().getResources("classpath*:dev/baton/processes/*.bpmn");
        assertThat(library).hasSizeGreaterThanOrEqualTo(4);
        for (Resource journey : library) {
            JsonNode checked = validate(journey.getContentAsString(StandardCharsets.UTF_8));
            assertThat(checked.path("problems")).as(journey.getFilename()).isEmpty();
            assertThat(checked.path("deployable").asBoolean()).isTrue();
        }
    }

    @Test
    void aDraftsMistakesAreEachNamedAtTheirElementAndNothingIsDeployed() throws Exception {
        JsonNode checked = validate("""
                <?xml version="1.0" encoding="UTF-8"?>
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t"
                    xmlns:camunda="http://camunda.org/schema/1.0/bpmn">
                  <bpmn:message id="entered" name="Segment Entered: no-such-segment-%1$s" />
                  <bpmn:message id="clicked" name="Email Clicked" />
                  <bpmn:message id="unsubscribe" name="Unsubscribed" />
                  <bpmn:process id="%1$s" isExecutable="true" camunda:historyTimeToLive="30">
                    <bpmn:startEvent id="start"><bpmn:messageEventDefinition messageRef="entered" /></bpmn:startEvent>
                    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="welcome" />
                    <bpmn:serviceTask id="welcome" name="Send welcome" camunda:type="external" camunda:topic="send-email">
                      <bpmn:extensionElements><camunda:inputOutput>
                        <camunda:inputParameter name="template">no-such-template</camunda:inputParameter>
                      </camunda:inputOutput></bpmn:extensionElements>
                    </bpmn:serviceTask>
                    <bpmn:sequenceFlow id="f2" sourceRef="welcome" targetRef="waitForClick" />
                    <bpmn:intermediateCatchEvent id="waitForClick" name="Clicked">
                      <bpmn:messageEventDefinition messageRef="clicked" />
                    </bpmn:intermediateCatchEvent>
                    <bpmn:sequenceFlow id="f3" sourceRef="waitForClick" targetRef="done" />
                    <bpmn:endEvent id="done" />
                    <bpmn:userTask id="forgotten" name="Call her" />
                    <bpmn:subProcess id="onUnsubscribe" triggeredByEvent="true">
                      <bpmn:startEvent id="unsubscribed"><bpmn:messageEventDefinition messageRef="unsubscribe" /></bpmn:startEvent>
                      <bpmn:sequenceFlow id="f4" sourceRef="unsubscribed" targetRef="stopped" />
                      <bpmn:endEvent id="stopped" />
                    </bpmn:subProcess>
                  </bpmn:process>
                </bpmn:definitions>""".formatted(key));

        assertThat(checked.path("deployable").asBoolean()).isFalse();
        Map<String, String> byElement = new LinkedHashMap<>();
        checked.path("problems").forEach(p -> byElement.put(p.path("element").asText(), p.path("severity").asText() + ": "
                + p.path("message").asText()));
        assertThat(byElement).containsOnlyKeys("start", "welcome", "waitForClick", "forgotten");
        assertThat(byElement.get("start")).startsWith("error: no segment with id 'no-such-segment-" + key + "'");
        assertThat(byElement.get("welcome")).startsWith("error: no email template named 'no-such-template'");
        assertThat(byElement.get("waitForClick")).startsWith("warning: 'Clicked' waits with no time limit");
        assertThat(byElement.get("forgotten")).startsWith("warning: nothing leads to 'Call her'");
        assertThat(repository.createProcessDefinitionQuery().processDefinitionKey(key).count()).as("deployed").isZero();
    }

    @Test
    void aWaitIsTimedOnlyByAnInterruptingTimerOrATimedChoiceAndSegmentsNamedByExpressionsAreNotJudged() throws Exception {
        JsonNode checked = validate("""
                <?xml version="1.0" encoding="UTF-8"?>
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t"
                    xmlns:camunda="http://camunda.org/schema/1.0/bpmn">
                  <bpmn:message id="clicked" name="Email Clicked" />
                  <bpmn:message id="bySegment" name="Segment Entered: ${segment}" />
                  <bpmn:process id="%1$s" isExecutable="true" camunda:historyTimeToLive="30">
                    <bpmn:startEvent id="start" />
                    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="choice" />
                    <bpmn:eventBasedGateway id="choice" />
                    <bpmn:sequenceFlow id="f2" sourceRef="choice" targetRef="clickOrOther" />
                    <bpmn:sequenceFlow id="f3" sourceRef="choice" targetRef="segmentWait" />
                    <bpmn:intermediateCatchEvent id="clickOrOther"><bpmn:messageEventDefinition messageRef="clicked" /></bpmn:intermediateCatchEvent>
                    <bpmn:intermediateCatchEvent id="segmentWait"><bpmn:messageEventDefinition messageRef="bySegment" /></bpmn:intermediateCatchEvent>
                    <bpmn:sequenceFlow id="f4" sourceRef="clickOrOther" targetRef="inner" />
                    <bpmn:sequenceFlow id="f5" sourceRef="segmentWait" targetRef="inner" />
                    <bpmn:subProcess id="inner">
                      <bpmn:startEvent id="innerStart" />
                      <bpmn:sequenceFlow id="f6" sourceRef="innerStart" targetRef="innerWait" />
                      <bpmn:intermediateCatchEvent id="innerWait"><bpmn:messageEventDefinition messageRef="clicked" /></bpmn:intermediateCatchEvent>
                      <bpmn:sequenceFlow id="f7" sourceRef="innerWait" targetRef="innerEnd" />
                      <bpmn:endEvent id="innerEnd" />
                    </bpmn:subProcess>
                    <bpmn:boundaryEvent id="innerTimeout" attachedToRef="inner">
                      <bpmn:timerEventDefinition><bpmn:timeDuration>P3D</bpmn:timeDuration></bpmn:timerEventDefinition>
                    </bpmn:boundaryEvent>
                    <bpmn:sequenceFlow id="f8" sourceRef="inner" targetRef="nudged" />
                    <bpmn:sequenceFlow id="f9" sourceRef="innerTimeout" targetRef="nudged" />
                    <bpmn:receiveTask id="nudged" messageRef="clicked" />
                    <bpmn:boundaryEvent id="reminder" attachedToRef="nudged" cancelActivity="false">
                      <bpmn:timerEventDefinition><bpmn:timeDuration>P1D</bpmn:timeDuration></bpmn:timerEventDefinition>
                    </bpmn:boundaryEvent>
                    <bpmn:sequenceFlow id="f10" sourceRef="nudged" targetRef="end" />
                    <bpmn:sequenceFlow id="f11" sourceRef="reminder" targetRef="end" />
                    <bpmn:endEvent id="end" />
                  </bpmn:process>
                </bpmn:definitions>""".formatted(key));

        Map<String, String> byElement = new LinkedHashMap<>();
        checked.path("problems").forEach(p -> byElement.put(p.path("element").asText(), p.path("message").asText()));
        assertThat(byElement).as("a gateway with no timer among its choices, and a timer that leaves the lead waiting")
                .containsOnlyKeys("clickOrOther", "segmentWait", "nudged");
        assertThat(checked.path("deployable").asBoolean()).as("a segment named by an expression is known only as it runs").isTrue();
    }

    @Test
    void whatTheEngineRefusesIsAnErrorAtItsElementAndLine() throws Exception {
        JsonNode checked = validate(dev.baton.engine.testing.OneStepJourney.bpmn(key, "SendFax", "send-fax", Map.of()));

        assertThat(checked.path("deployable").asBoolean()).isFalse();
        JsonNode problem = checked.path("problems").get(0);
        assertThat(problem.path("element").asText()).isEqualTo("SendFax");
        assertThat(problem.path("severity").asText()).isEqualTo("error");
        assertThat(problem.path("message").asText()).contains("send-fax", "no Baton worker serves");
        assertThat(problem.path("line").asInt()).isPositive();
        assertThat(repository.createProcessDefinitionQuery().processDefinitionKey(key).count()).as("deployed").isZero();
    }

    @Test
    void aFileThatIsNotBpmnIsAnErrorSayingWhere() throws Exception {
        JsonNode checked = validate("<bpmn:definitions xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\">\n<oops");

        assertThat(checked.path("deployable").asBoolean()).isFalse();
        List<String> messages = new ArrayList<>();
        checked.path("problems").forEach(p -> messages.add(p.path("severity").asText() + " line " + p.path("line").asText()));
        assertThat(messages).as(checked.toString()).first().asString().startsWith("error line 2");
    }

    private JsonNode validate(String bpmn) throws Exception {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_XML);
        ResponseEntity<String> answer = admin().postForEntity("/api/journeys/validate", new HttpEntity<>(bpmn, headers), String.class);
        assertThat(answer.getStatusCode()).as(answer.getBody()).isEqualTo(HttpStatus.OK);
        return JSON.readTree(answer.getBody());
    }
}
