package dev.baton.processes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.calledProcessInstance;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.execute;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.job;

import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.externaltask.LockedExternalTask;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.instance.FlowNode;
import org.camunda.bpm.model.bpmn.instance.bpmndi.BpmnShape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The journey library runs as drawn: a share click waits for the form, the welcome email is an
 * external task on topic send-email, nurture branches on clicks, and turning hot or unsubscribing
 * ends nurture wherever the lead is in it.
 */
@ExtendWith(ProcessEngineExtension.class)
@Deployment(resources = {"dev/baton/processes/share-to-lead.bpmn", "dev/baton/processes/nurture.bpmn",
        "dev/baton/processes/sales-handoff.bpmn"})
class JourneyLibraryTest {
    ProcessEngine engine;

    @Test
    void shareClickWaitsForTheFormThenSendsTheWelcomeEmailAndEntersNurture() {
        ProcessInstance journey = engine.getRuntimeService().startProcessInstanceByMessage("Share Clicked", "lead-1");
        BpmnAwareTests.assertThat(journey).isWaitingAt("WaitForForm");

        correlate("Form Submitted", "lead-1");

        assertThat(sendEmail("lead-1")).isEqualTo("welcome");
        ProcessInstance nurture = calledProcessInstance("baton-nurture", journey);
        assertThat(nurture.getBusinessKey()).isEqualTo("lead-1");
        assertThat(sendEmail("lead-1")).isEqualTo("case-study");
    }

    @Test
    void formWithoutAShareStartsTheJourneyAtTheWelcomeEmail() {
        engine.getRuntimeService().startProcessInstanceByMessage("Form Submitted", "lead-form");

        assertThat(sendEmail("lead-form")).isEqualTo("welcome");
    }

    @Test
    void clickInNurtureSendsTheWebinarInviteAndNoClickSendsTheReminder() {
        startNurture("lead-click");
        assertThat(sendEmail("lead-click")).isEqualTo("case-study");
        correlate("Email Clicked", "lead-click");
        assertThat(sendEmail("lead-click")).isEqualTo("webinar-invite");
        assertThat(send("send-sms", "lead-click")).isEqualTo("webinar-reminder");

        ProcessInstance quiet = startNurture("lead-quiet");
        assertThat(sendEmail("lead-quiet")).isEqualTo("case-study");
        execute(engine.getManagementService().createJobQuery().processInstanceId(quiet.getId()).singleResult()); // 3 days pass
        assertThat(sendEmail("lead-quiet")).isEqualTo("case-study-reminder");
    }

    @Test
    void turningHotAnywhereInNurtureHandsTheLeadToSalesWithAOneHourSla() {
        ProcessInstance nurture = startNurture("lead-hot");
        assertThat(sendEmail("lead-hot")).isEqualTo("case-study");

        correlate("Tier Changed to hot", "lead-hot");

        ProcessInstance handoff = calledProcessInstance("baton-sales-handoff", nurture);
        assertThat(send("create-sales-task", "lead-hot")).isEqualTo("hot-lead");
        var task = engine.getTaskService().createTaskQuery().processInstanceId(handoff.getId()).singleResult();
        assertThat(task.getTaskDefinitionKey()).isEqualTo("Contact");
        assertThat(engine.getTaskService().getIdentityLinksForTask(task.getId()))
                .anyMatch(link -> "sales".equals(link.getGroupId()));
        assertThat(task.getDueDate()).isNotNull();
        assertThat(engine.getExternalTaskService().createExternalTaskQuery().processInstanceId(nurture.getId()).count())
                .as("no email is pending any more").isZero();
    }

    @Test
    void leadAlreadyHotWhenItEntersNurtureGoesStraightToSales() {
        ProcessInstance nurture = engine.getRuntimeService().startProcessInstanceByKey("baton-nurture", "lead-early",
                Map.of("tier", "hot"));

        ProcessInstance handoff = calledProcessInstance("baton-sales-handoff", nurture);
        assertThat(handoff.getBusinessKey()).isEqualTo("lead-early");
        assertThat(engine.getExternalTaskService().createExternalTaskQuery().topicName("send-email")
                .processInstanceId(nurture.getId()).count()).as("no nurture email for a hot lead").isZero();
    }

    @Test
    void missedSlaGivesTheLeadToTheSalesManagers() {
        ProcessInstance handoff = engine.getRuntimeService().startProcessInstanceByKey("baton-sales-handoff", "lead-sla");
        send("create-sales-task", "lead-sla");

        execute(job(handoff)); // the hour passes

        var task = engine.getTaskService().createTaskQuery().processInstanceBusinessKey("lead-sla").singleResult();
        assertThat(task.getTaskDefinitionKey()).isEqualTo("Escalate");
        assertThat(engine.getTaskService().getIdentityLinksForTask(task.getId()))
                .anyMatch(link -> "sales-managers".equals(link.getGroupId()));
    }

    @Test
    void unsubscribingEndsNurture() {
        ProcessInstance nurture = startNurture("lead-unsub");

        correlate("Unsubscribed", "lead-unsub");

        BpmnAwareTests.assertThat(nurture).hasPassed("Stopped").isEnded();
    }

    @Test
    void everyJourneyDrawsEachOfItsElementsForCamundaModeler() {
        for (String file : List.of("share-to-lead.bpmn", "nurture.bpmn", "sales-handoff.bpmn", "wait-for-event.bpmn")) {
            var model = Bpmn.readModelFromStream(getClass().getClassLoader().getResourceAsStream("dev/baton/processes/" + file));
            Bpmn.validateModel(model);
            var drawn = model.getModelElementsByType(BpmnShape.class).stream().map(shape -> shape.getBpmnElement().getId()).toList();
            for (FlowNode node : model.getModelElementsByType(FlowNode.class)) {
                assertThat(drawn).as(file + " draws " + node.getId()).contains(node.getId());
            }
        }
    }

    private ProcessInstance startNurture(String lead) {
        return engine.getRuntimeService().startProcessInstanceByKey("baton-nurture", lead);
    }

    /** Delivers a message to the lead's waiting journey steps (as Baton's correlator does; starts nothing). */
    private void correlate(String message, String lead) {
        var waiting = engine.getRuntimeService().createExecutionQuery().messageEventSubscriptionName(message)
                .processInstanceBusinessKey(lead).list();
        assertThat(waiting).as(lead + " waits for " + message).isNotEmpty();
        waiting.forEach(execution -> engine.getRuntimeService().messageEventReceived(message, execution.getId()));
    }

    /** Takes the lead's pending send-email task, as the worker would, and completes it; returns its template. */
    private String sendEmail(String lead) {
        return send("send-email", lead);
    }

    /** Takes the lead's pending task of a send topic, as the worker would, and completes it; returns its template. */
    private String send(String topic, String lead) {
        List<LockedExternalTask> tasks = engine.getExternalTaskService().fetchAndLock(10, "test")
                .topic(topic, 60_000).businessKey(lead).execute();
        assertThat(tasks).as("one " + topic + " task for " + lead).hasSize(1);
        LockedExternalTask task = tasks.get(0);
        engine.getExternalTaskService().complete(task.getId(), "test", Map.of("status", "sent"));
        return String.valueOf(task.getVariables().get("template"));
    }
}
