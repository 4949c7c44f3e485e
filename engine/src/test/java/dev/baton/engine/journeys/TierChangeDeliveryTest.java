package dev.baton.engine.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.engine.testing.IntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;

/**
 * A tier change reaches the journeys that do not know the tier yet, and only those. A journey can
 * start in a transaction still open when its lead turns hot (nurture, called when the welcome's
 * send completes): it copied the old tier, and its step waiting for "Tier Changed to hot" was not
 * there when the change was correlated; the change is kept a short while and reaches it. A journey
 * that started knowing the lead hot went to sales at once: the change must not interrupt that
 * handoff with a second one.
 */
class TierChangeDeliveryTest extends IntegrationTest {
    private static final Duration SWEEP = Duration.ofSeconds(30);
    @Autowired JourneyCorrelator correlator;
    @Autowired RuntimeService runtime;
    @Autowired org.camunda.bpm.engine.HistoryService history;
    private String holding;
    private String waiting;

    @BeforeEach
    void aJourneyThatHoldsTheLeadAndOneThatWaitsForHot() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        holding = "holding-" + run;
        waiting = "waits-for-hot-" + run;
        assertThat(deployThroughEngineRest(holding, """
                <?xml version="1.0" encoding="UTF-8"?>
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t"
                    xmlns:camunda="http://camunda.org/schema/1.0/bpmn">
                  <bpmn:process id="%s" isExecutable="true" camunda:historyTimeToLive="30">
                    <bpmn:startEvent id="Start" />
                    <bpmn:sequenceFlow id="f" sourceRef="Start" targetRef="Hold" />
                    <bpmn:userTask id="Hold" />
                  </bpmn:process>
                </bpmn:definitions>""".formatted(holding)).getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(deployThroughEngineRest(waiting, """
                <?xml version="1.0" encoding="UTF-8"?>
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t"
                    xmlns:camunda="http://camunda.org/schema/1.0/bpmn">
                  <bpmn:message id="hot" name="Tier Changed to hot" />
                  <bpmn:process id="%s" isExecutable="true" camunda:historyTimeToLive="30">
                    <bpmn:startEvent id="Start" />
                    <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="TurnedHot" />
                    <bpmn:intermediateCatchEvent id="TurnedHot"><bpmn:messageEventDefinition messageRef="hot" /></bpmn:intermediateCatchEvent>
                    <bpmn:sequenceFlow id="f2" sourceRef="TurnedHot" targetRef="CallNow" />
                    <bpmn:userTask id="CallNow" />
                  </bpmn:process>
                </bpmn:definitions>""".formatted(waiting)).getStatusCode()).isEqualTo(HttpStatus.OK);
    }

    @Test
    void hotChangeReachesAJourneyThatStartedWithoutIt() {
        String lead = "missed-" + UUID.randomUUID();
        runtime.startProcessInstanceByKey(holding, lead);
        correlator.correlate(tierChange(lead, "warm", "hot"));
        assertThat(correlator.keptFor(lead)).extracting(JourneyCorrelator.KeptSignal::message)
                .as("kept: a journey waits for it, and the lead has one under way").containsExactly("Tier Changed to hot");

        // Started by a transaction that read the tier before the change: it copied warm.
        String journey = runtime.startProcessInstanceByKey(waiting, lead, Map.of("tier", "warm")).getId();

        await().atMost(SWEEP).until(() -> runtime.getActiveActivityIds(journey).contains("CallNow"));
        assertThat(correlator.keptFor(lead)).isEmpty();
    }

    @Test
    void hotChangeReachesNurtureThatLearnedTheTierFromAnotherSignalFirst() {
        String lead = "clicked-" + UUID.randomUUID();
        String nurture = runtime.startProcessInstanceByKey("baton-nurture", lead, Map.of("tier", "warm", "leadId", lead)).getId();
        // The click that made the lead hot reaches the journeys before its tier change, carrying the new tier.
        correlator.correlate(new JourneySignal("click-" + UUID.randomUUID(), lead, List.of(), "Email Clicked", Map.of(),
                Instant.now(), "hot", Boolean.TRUE));
        assertThat(runtime.getVariable(nurture, "tier")).isEqualTo("hot");

        JourneyCorrelator.Outcome outcome = correlator.correlate(tierChange(lead, "warm", "hot"));

        assertThat(outcome.delivered()).isEqualTo(1);
        assertThat(handoffsCalledBy(nurture)).isEqualTo(1);
    }

    @Test
    void hotChangeDoesNotInterruptAHandoffNurtureStartedKnowingTheLeadHot() {
        String lead = "started-hot-" + UUID.randomUUID();
        String nurture = runtime.startProcessInstanceByKey("baton-nurture", lead, Map.of("tier", "hot", "leadId", lead)).getId();
        assertThat(handoffsCalledBy(nurture)).as("hot already: handed to sales at once").isEqualTo(1);

        JourneyCorrelator.Outcome outcome = correlator.correlate(tierChange(lead, "warm", "hot"));

        assertThat(outcome.delivered()).isZero();
        assertThat(runtime.getActiveActivityIds(nurture)).containsExactly("HandoffNow");
        assertThat(handoffsCalledBy(nurture)).as("one handoff, not interrupted by a second").isEqualTo(1);
    }

    @Test
    void keptHotChangeIsDroppedOnceASignalSaysTheLeadCooled() {
        String lead = "cooled-" + UUID.randomUUID();
        runtime.startProcessInstanceByKey(holding, lead);
        correlator.correlate(tierChange(lead, "warm", "hot"));
        // The event that cooled the lead comes before its own tier change, with the tier it left.
        correlator.correlate(new JourneySignal("visit-" + UUID.randomUUID(), lead, List.of(), "Page Viewed", Map.of(),
                Instant.now(), "warm", Boolean.TRUE));

        assertThat(correlator.keptFor(lead)).extracting(JourneyCorrelator.KeptSignal::message)
                .doesNotContain("Tier Changed to hot");
        String journey = runtime.startProcessInstanceByKey(waiting, lead, Map.of("tier", "warm")).getId();
        correlator.sweepBuffer();
        assertThat(runtime.getActiveActivityIds(journey)).as("no hot change to deliver: the lead cooled").containsExactly("TurnedHot");
    }

    private long handoffsCalledBy(String instance) {
        return history.createHistoricProcessInstanceQuery().superProcessInstanceId(instance)
                .processDefinitionKey("baton-sales-handoff").count();
    }

    private static JourneySignal tierChange(String lead, String from, String to) {
        return new JourneySignal("tier-" + UUID.randomUUID(), lead, List.of(), "Tier Changed", Map.of("from", from, "to", to),
                Instant.now(), to, Boolean.TRUE);
    }
}
