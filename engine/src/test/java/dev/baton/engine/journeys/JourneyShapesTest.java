package dev.baton.engine.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.testing.OneStepJourney;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.junit.jupiter.api.Test;

/** Which journeys an audience can enter without a process instance per lead: those that only send. */
class JourneyShapesTest {

    @Test
    void startSendEndOnlySends() {
        var sends = JourneyShapes.sendsOnly(model(OneStepJourney.bpmn("j", "SendIt", "send-email", Map.of("template", "case-study"))));

        assertThat(sends).containsExactly(new JourneyShapes.Send("SendIt", "email", "case-study"));
    }

    @Test
    void aTransactionalSendNeedsAProcessInstance() {
        assertThat(JourneyShapes.sendsOnly(model(OneStepJourney.bpmn("j", "SendIt", "send-email",
                Map.of("template", "welcome", "transactional", "true"))))).isEmpty();
    }

    @Test
    void aJourneyThatWaitsNeedsAProcessInstance() {
        assertThat(JourneyShapes.sendsOnly(model(OneStepJourney.waitsAt("j", "Wait")))).isEmpty();
    }

    @Test
    void aStepForSalesNeedsAProcessInstance() {
        assertThat(JourneyShapes.sendsOnly(model(OneStepJourney.bpmn("j", "Task", "create-sales-task", Map.of())))).isEmpty();
    }

    @Test
    void aJourneyStartingOnTheSegmentsEntryUsesItThatWay() {
        assertThat(JourneyShapes.usesOf(model(OneStepJourney.startsOn("j", "Segment Entered: warm", "Welcome")), "warm"))
                .containsExactly("startsOnEntry");
        assertThat(JourneyShapes.usesOf(model(OneStepJourney.startsOn("j", "Segment Left: warm", "WinBack")), "warm"))
                .containsExactly("startsOnLeaving");
    }

    @Test
    void aSegmentWhoseIdOnlyBeginsLikeAnotherIsNotUsed() {
        BpmnModelInstance journey = model(OneStepJourney.startsOn("j", "Segment Entered: warm", "Welcome"));

        assertThat(JourneyShapes.usesOf(journey, "war")).isEmpty();
        assertThat(JourneyShapes.usesOf(journey, "warm-2")).isEmpty();
    }

    @Test
    void waitingForTheSegmentWithTheLibrarysStepAndBranchingOnItAreBothUses() {
        BpmnModelInstance journey = Bpmn.createExecutableProcess("j").startEvent()
                .callActivity("Wait").calledElement("baton-wait-for-event").camundaIn("'Segment Left: warm'", "ignored")
                .exclusiveGateway("InIt")
                .condition("in", "${!membership.in(execution.processBusinessKey, 'warm')}").endEvent()
                .moveToLastGateway().condition("out", "${true}").endEvent().done();
        // The step's caller names the event as a source expression (the template's "Event name").
        journey.getModelElementsByType(org.camunda.bpm.model.bpmn.instance.camunda.CamundaIn.class).forEach(in -> {
            in.removeAttributeNs("http://camunda.org/schema/1.0/bpmn", "source");
            in.setCamundaSourceExpression("Segment Left: warm");
            in.setCamundaTarget("event");
        });

        assertThat(JourneyShapes.usesOf(journey, "warm")).containsExactly("waitsForLeaving", "branchesOnMembership");
        assertThat(JourneyShapes.usesOf(journey, "cold")).isEmpty();
    }

    @Test
    void aMessageCatchOnTheSegmentsEntryIsAWaitForIt() {
        BpmnModelInstance journey = Bpmn.createExecutableProcess("j").startEvent()
                .intermediateCatchEvent("Entered").message("Segment Entered: warm").endEvent().done();

        assertThat(JourneyShapes.usesOf(journey, "warm")).containsExactly("waitsForEntry");
    }

    private static BpmnModelInstance model(String bpmn) {
        return Bpmn.readModelFromStream(new ByteArrayInputStream(bpmn.getBytes(StandardCharsets.UTF_8)));
    }
}
