package dev.baton.processes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.calledProcessInstance;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.execute;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.job;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.externaltask.LockedExternalTask;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.instance.FlowNode;
import org.camunda.bpm.model.bpmn.instance.bpmndi.BpmnShape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The journey library runs as drawn: a share click waits for the form, the welcome email is a
 * transactional external task on topic send-email, nurture lets it land for a day before its first
 * marketing email and then branches on clicks, and turning hot or unsubscribing ends nurture
 * wherever the lead is in it, the first day's wait included.
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

        LockedExternalTask welcome = lock("send-email", "lead-1");
        assertThat(welcome.getVariables()).as("the answer to the lead's own form").containsEntry("template", "welcome")
                .containsEntry("transactional", "true");
        engine.getExternalTaskService().complete(welcome.getId(), "test", Map.of("status", "sent"));
        ProcessInstance nurture = calledProcessInstance("baton-nurture", journey);
        assertThat(nurture.getBusinessKey()).isEqualTo("lead-1");
        aDayPasses(nurture);
        LockedExternalTask caseStudy = lock("send-email", "lead-1");
        assertThat(caseStudy.getVariables()).containsEntry("template", "case-study").doesNotContainKey("transactional");
    }

    @Test
    void nurtureLetsTheWelcomeLandForADayBeforeItsFirstMarketingEmail() {
        Instant entered = Instant.parse("2026-11-23T23:00:00Z");
        ClockUtil.setCurrentTime(Date.from(entered));
        ProcessInstance nurture = startNurture("lead-patient");

        BpmnAwareTests.assertThat(nurture).isWaitingAt("FirstWait");
        assertThat(pendingSends("lead-patient")).as("nothing the same second as the welcome").isZero();
        assertThat(job(nurture).getDuedate()).isEqualTo(Date.from(entered.plus(Duration.ofDays(1))));

        aDayPasses(nurture);

        assertThat(sendEmail("lead-patient")).isEqualTo("case-study");
    }

    @Test
    void formWithoutAShareStartsTheJourneyAtTheWelcomeEmail() {
        engine.getRuntimeService().startProcessInstanceByMessage("Form Submitted", "lead-form");

        assertThat(sendEmail("lead-form")).isEqualTo("welcome");
    }

    @Test
    void clickInNurtureSendsTheWebinarInviteAndNoClickSendsTheReminder() {
        aDayPasses(startNurture("lead-click"));
        assertThat(sendEmail("lead-click")).isEqualTo("case-study");
        correlate("Email Clicked", "lead-click");
        assertThat(sendEmail("lead-click")).isEqualTo("webinar-invite");
        assertThat(send("send-sms", "lead-click")).isEqualTo("webinar-reminder");

        ProcessInstance quiet = startNurture("lead-quiet");
        aDayPasses(quiet);
        assertThat(sendEmail("lead-quiet")).isEqualTo("case-study");
        execute(engine.getManagementService().createJobQuery().processInstanceId(quiet.getId()).singleResult()); // 3 days pass
        assertThat(sendEmail("lead-quiet")).isEqualTo("case-study-reminder");
    }

    @Test
    void turningHotAnywhereInNurtureAssignsARepWhoGetsTheCrmTaskANotificationAndATasklistTaskDueAtTheSla() {
        ProcessInstance nurture = startNurture("lead-hot");
        aDayPasses(nurture);
        assertThat(sendEmail("lead-hot")).isEqualTo("case-study");

        correlate("Tier Changed to hot", "lead-hot");

        ProcessInstance handoff = calledProcessInstance("baton-sales-handoff", nurture);
        Date due = Date.from(Instant.now().plusSeconds(3600));
        assign("lead-hot", "anna", due);
        assertThat(send("create-sales-task", "lead-hot")).isEqualTo("hot-lead");
        assertThat(send("notify-sales", "lead-hot")).isEqualTo("lead-assigned");
        var task = engine.getTaskService().createTaskQuery().processInstanceId(handoff.getId()).singleResult();
        assertThat(task.getTaskDefinitionKey()).isEqualTo("Accept");
        assertThat(task.getAssignee()).isEqualTo("anna");
        assertThat(task.getDueDate()).isEqualTo(due);
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
        assertThat(engine.getManagementService().createJobQuery().processInstanceId(nurture.getId()).count())
                .as("a hot lead does not wait out the first day").isZero();
    }

    @Test
    void leadWithSalesAlreadyTurningHotInNurtureEndsNurtureWithoutASecondTaskOrNotification() {
        ProcessInstance nurture = engine.getRuntimeService().startProcessInstanceByKey("baton-nurture", "lead-twice",
                Map.of("tier", "hot"));
        ProcessInstance handoff = calledProcessInstance("baton-sales-handoff", nurture);

        // Baton's assign worker found an earlier handoff of this lead still running.
        engine.getExternalTaskService().complete(lock("assign-sales-rep", "lead-twice").getId(), "test",
                Map.of("withSales", "earlier-handoff", "rep", "anna"));

        assertThat(engine.getHistoryService().createHistoricActivityInstanceQuery().processInstanceId(handoff.getId())
                .activityId("AlreadyWithSales").finished().count()).isEqualTo(1);
        assertThat(engine.getExternalTaskService().createExternalTaskQuery().processInstanceId(handoff.getId()).count())
                .as("no CRM task, no notification").isZero();
        assertThat(engine.getTaskService().createTaskQuery().processInstanceBusinessKey("lead-twice").count()).isZero();
        assertThat(engine.getHistoryService().createHistoricProcessInstanceQuery().processInstanceId(nurture.getId())
                .singleResult().getEndActivityId()).as("nurture ends handed off").startsWith("HandedOff");
    }

    @Test
    void turningHotDuringTheFirstDayGoesToSalesAtOnceWithoutTheCaseStudy() {
        ProcessInstance nurture = startNurture("lead-quick");
        BpmnAwareTests.assertThat(nurture).isWaitingAt("FirstWait");

        correlate("Tier Changed to hot", "lead-quick");

        assertThat(calledProcessInstance("baton-sales-handoff", nurture).getBusinessKey()).isEqualTo("lead-quick");
        assertThat(engine.getManagementService().createJobQuery().processInstanceId(nurture.getId()).count())
                .as("the day's wait is over").isZero();
        assertThat(pendingSends("lead-quick")).isZero();
    }

    @Test
    void slaPassingReassignsToTheNextRepAndTellsTheManager() {
        ProcessInstance handoff = engine.getRuntimeService().startProcessInstanceByKey("baton-sales-handoff", "lead-sla");
        assign("lead-sla", "anna", Date.from(Instant.now().plusSeconds(3600)));
        send("create-sales-task", "lead-sla");
        send("notify-sales", "lead-sla");

        execute(job(handoff)); // the SLA passes

        LockedExternalTask reassign = lock("assign-sales-rep", "lead-sla");
        assertThat(reassign.getVariables()).containsEntry("reassign", "true").containsEntry("rep", "anna");
        engine.getExternalTaskService().complete(reassign.getId(), "test",
                Map.of("rep", "bert", "slaDue", Date.from(Instant.now().plusSeconds(3600))));
        assertThat(send("notify-sales", "lead-sla")).isEqualTo("sla-missed");
        assertThat(send("create-sales-task", "lead-sla")).as("a CRM task for the new rep").isEqualTo("hot-lead");
        send("notify-sales", "lead-sla");
        var task = engine.getTaskService().createTaskQuery().processInstanceBusinessKey("lead-sla").singleResult();
        assertThat(task.getAssignee()).isEqualTo("bert");
    }

    @Test
    void noRepGoesToTheManagerQueueAndTheManagersChoiceIsAssigned() {
        engine.getRuntimeService().startProcessInstanceByKey("baton-sales-handoff", "lead-queued");
        LockedExternalTask assign = lock("assign-sales-rep", "lead-queued");
        engine.getExternalTaskService().complete(assign.getId(), "test", Map.of("queue", "emea"));
        send("create-sales-task", "lead-queued");
        assertThat(send("notify-sales", "lead-queued")).isEqualTo("lead-queued");
        var managers = engine.getTaskService().createTaskQuery().processInstanceBusinessKey("lead-queued").singleResult();
        assertThat(managers.getTaskDefinitionKey()).isEqualTo("ManagerAssigns");
        assertThat(engine.getTaskService().getIdentityLinksForTask(managers.getId()))
                .anyMatch(link -> "sales-managers".equals(link.getGroupId()));

        engine.getTaskService().complete(managers.getId(), Map.of("chosenRep", "chen"));

        assertThat(lock("assign-sales-rep", "lead-queued").getVariables()).containsEntry("chosenRep", "chen");
    }

    @Test
    void rejectedBySalesTheLeadReturnsToNurtureAndAConversionEndsTheHandoff() {
        ProcessInstance nurture = engine.getRuntimeService().startProcessInstanceByKey("baton-nurture", "lead-back",
                Map.of("tier", "hot"));
        assign("lead-back", "anna", Date.from(Instant.now().plusSeconds(3600)));
        send("create-sales-task", "lead-back");
        send("notify-sales", "lead-back");
        var accept = engine.getTaskService().createTaskQuery().processInstanceBusinessKey("lead-back").singleResult();
        engine.getTaskService().complete(accept.getId(), Map.of("outcome", "rejected"));
        LockedExternalTask outcome = lock("sales-outcome", "lead-back");
        engine.getExternalTaskService().complete(outcome.getId(), "test", Map.of("salesOutcome", "rejected"));

        ProcessInstance again = engine.getRuntimeService().createProcessInstanceQuery().processDefinitionKey("baton-nurture")
                .superProcessInstanceId(nurture.getId()).singleResult();
        assertThat(again).as("nurture again, called by the first").isNotNull();
        aDayPasses(again);
        assertThat(sendEmail("lead-back")).as("nurture starts over, not straight back to sales").isEqualTo("case-study");

        ProcessInstance handoff = engine.getRuntimeService().startProcessInstanceByKey("baton-sales-handoff", "lead-won");
        assign("lead-won", "anna", Date.from(Instant.now().plusSeconds(3600)));
        send("create-sales-task", "lead-won");
        send("notify-sales", "lead-won");
        var won = engine.getTaskService().createTaskQuery().processInstanceBusinessKey("lead-won").singleResult();
        engine.getTaskService().complete(won.getId());
        engine.getExternalTaskService().complete(lock("sales-outcome", "lead-won").getId(), "test",
                Map.of("salesOutcome", "accepted"));
        correlate("Sales Converted", "lead-won");
        assertThat(engine.getHistoryService().createHistoricVariableInstanceQuery().processInstanceId(handoff.getId())
                .variableName("salesOutcome").singleResult().getValue()).isEqualTo("converted");
        BpmnAwareTests.assertThat(handoff).isEnded();
    }

    @Test
    void unsubscribingDuringTheFirstDayEndsNurtureBeforeAnyMarketingEmail() {
        ProcessInstance nurture = startNurture("lead-unsub");
        BpmnAwareTests.assertThat(nurture).isWaitingAt("FirstWait");

        correlate("Unsubscribed", "lead-unsub");

        BpmnAwareTests.assertThat(nurture).hasPassed("Stopped").hasNotPassed("SendCaseStudy").isEnded();
        assertThat(engine.getManagementService().createJobQuery().processInstanceId(nurture.getId()).count()).isZero();
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

    /** Moves the engine's clock to the end of nurture's first day and lets its timer fire. */
    private void aDayPasses(ProcessInstance nurture) {
        BpmnAwareTests.assertThat(nurture).isWaitingAt("FirstWait");
        Job firstDay = job(nurture);
        ClockUtil.setCurrentTime(firstDay.getDuedate());
        execute(firstDay);
    }

    private long pendingSends(String lead) {
        return engine.getExternalTaskService().createExternalTaskQuery().topicName("send-email").list().stream()
                .filter(task -> lead.equals(task.getBusinessKey())).count();
    }

    @AfterEach
    void backToRealTime() {
        ClockUtil.reset();
    }

    /** Delivers a message to the lead's waiting journey steps (as Baton's correlator does; starts nothing). */
    private void correlate(String message, String lead) {
        var waiting = engine.getRuntimeService().createExecutionQuery().messageEventSubscriptionName(message)
                .processInstanceBusinessKey(lead).list();
        assertThat(waiting).as(lead + " waits for " + message).isNotEmpty();
        waiting.forEach(execution -> engine.getRuntimeService().messageEventReceived(message, execution.getId()));
    }

    /** Does the assign step as Baton's worker would: this rep, due then. */
    private void assign(String lead, String rep, Date due) {
        engine.getExternalTaskService().complete(lock("assign-sales-rep", lead).getId(), "test",
                Map.of("rep", rep, "slaDue", due));
    }

    private LockedExternalTask lock(String topic, String lead) {
        List<LockedExternalTask> tasks = engine.getExternalTaskService().fetchAndLock(10, "test")
                .topic(topic, 60_000).businessKey(lead).execute();
        assertThat(tasks).as("one " + topic + " task for " + lead).hasSize(1);
        return tasks.get(0);
    }

    /** Takes the lead's pending send-email task, as the worker would, and completes it; returns its template. */
    private String sendEmail(String lead) {
        return send("send-email", lead);
    }

    /** Takes the lead's pending task of a send topic, as the worker would, and completes it; returns its template. */
    private String send(String topic, String lead) {
        LockedExternalTask task = lock(topic, lead);
        engine.getExternalTaskService().complete(task.getId(), "test", Map.of("status", "sent"));
        return String.valueOf(task.getVariables().get("template"));
    }
}
