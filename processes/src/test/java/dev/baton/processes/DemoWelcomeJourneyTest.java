package dev.baton.processes;

import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.complete;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.task;

import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The demo journey Baton deploys at start-up: an identified lead is welcomed, and sales calls it. */
@ExtendWith(ProcessEngineExtension.class)
@Deployment(resources = "dev/baton/processes/demo-welcome.bpmn")
class DemoWelcomeJourneyTest {
    @Test
    void identifiedLeadWaitsForSalesToCallThenEnds() {
        ProcessInstance journey = runtimeService().startProcessInstanceByMessage("Lead Identified", "lead-42");

        assertThat(journey).isWaitingAt("CallLead");
        assertThat(task()).hasCandidateGroup("sales");
        complete(task());
        assertThat(journey).hasPassed("Welcomed").isEnded();
    }

    @Test
    void journeyCarriesTheLeadIdAsBusinessKey() {
        ProcessInstance journey = runtimeService().startProcessInstanceByMessage("Lead Identified", "lead-7");

        assertThat(journey).hasBusinessKey("lead-7");
    }
}
