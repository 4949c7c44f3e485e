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

    private static BpmnModelInstance model(String bpmn) {
        return Bpmn.readModelFromStream(new ByteArrayInputStream(bpmn.getBytes(StandardCharsets.UTF_8)));
    }
}
