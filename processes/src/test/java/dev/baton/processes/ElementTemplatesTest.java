package dev.baton.processes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.calledProcessInstance;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.execute;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.externaltask.LockedExternalTask;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.BaseElement;
import org.camunda.bpm.model.bpmn.instance.ConditionExpression;
import org.camunda.bpm.model.bpmn.instance.ExtensionElements;
import org.camunda.bpm.model.bpmn.instance.SequenceFlow;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaIn;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaInputOutput;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaInputParameter;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaOut;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The reusable steps a marketer drops in from Camunda Modeler (element templates in
 * {@code element-templates/baton.json}) make a journey that runs: the templates are applied here
 * as the Modeler applies them, binding by binding, and the journey is walked.
 */
@ExtendWith(ProcessEngineExtension.class)
@Deployment(resources = "dev/baton/processes/wait-for-event.bpmn")
class ElementTemplatesTest {
    private static final String CAMUNDA = "http://camunda.org/schema/1.0/bpmn";
    private static final String TRANSACTIONAL = "Transactional (an answer to the lead's own action: skips quiet hours and frequency cap)";
    ProcessEngine engine;
    private Map<String, JsonNode> templates;

    @BeforeEach
    void deployJourneyBuiltFromTheTemplates() throws IOException {
        templates = new java.util.HashMap<>();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("dev/baton/processes/element-templates/baton.json")) {
            new ObjectMapper().readTree(in).forEach(t -> templates.put(t.path("id").asText(), t));
        }
        BpmnModelInstance journey = Bpmn.createExecutableProcess("uses-templates").camundaHistoryTimeToLive(1)
                .startEvent("Start")
                .callActivity("WaitForClick")
                .exclusiveGateway("Clicked")
                    .sequenceFlowId("Yes").condition("clicked", "${eventHappened}")
                    .serviceTask("Invite").endEvent("Invited")
                .moveToNode("Clicked")
                    .sequenceFlowId("No").condition("no click", "${!eventHappened}")
                    .exclusiveGateway("ByTier")
                        .sequenceFlowId("HotPath").serviceTask("Text").endEvent("Texted")
                    .moveToNode("ByTier")
                        .sequenceFlowId("Otherwise").endEvent("Waited")
                .done();
        apply("dev.baton.wait-for-event", journey, "WaitForClick", Map.of("Event", "Email Clicked", "Up to", "P3D"));
        apply("dev.baton.send-email", journey, "Invite", Map.of("Email template", "webinar-invite"));
        apply("dev.baton.send-sms", journey, "Text", Map.of("SMS template", "webinar-reminder"));
        apply("dev.baton.branch-on-tier", journey, "HotPath", Map.of());
        journey.<org.camunda.bpm.model.bpmn.instance.ExclusiveGateway>getModelElementById("ByTier")
                .setDefault(journey.getModelElementById("Otherwise"));
        Bpmn.validateModel(journey);
        // A confirmation answering the lead's registration, then a marketing follow-up left at the default.
        BpmnModelInstance confirm = Bpmn.createExecutableProcess("confirms-registration").camundaHistoryTimeToLive(1)
                .startEvent().serviceTask("Confirm").serviceTask("ConfirmBySms").serviceTask("FollowUp").endEvent().done();
        apply("dev.baton.send-email", confirm, "Confirm", Map.of("Email template", "webinar-invite", TRANSACTIONAL, "true"));
        apply("dev.baton.send-sms", confirm, "ConfirmBySms", Map.of(TRANSACTIONAL, "true"));
        apply("dev.baton.send-email", confirm, "FollowUp", Map.of("Email template", "case-study"));
        Bpmn.validateModel(confirm);
        engine.getRepositoryService().createDeployment().addModelInstance("uses-templates.bpmn", journey)
                .addModelInstance("confirms-registration.bpmn", confirm).deploy();
    }

    @Test
    void sendStepsAreMarketingUnlessTheMarketerMarksThemTransactional() {
        engine.getRuntimeService().startProcessInstanceByKey("confirms-registration", "lead-registers");

        assertThat(takeTask("send-email", "lead-registers").getVariables())
                .containsEntry("template", "webinar-invite").containsEntry("transactional", "true");
        assertThat(takeTask("send-sms", "lead-registers").getVariables()).containsEntry("transactional", "true");
        assertThat(takeTask("send-email", "lead-registers").getVariables())
                .containsEntry("template", "case-study").containsEntry("transactional", "false");
    }

    @Test
    void waitForEventContinuesWhenTheLeadDoesItInTimeAndSendEmailSendsTheChosenTemplate() {
        ProcessInstance journey = start("lead-clicks", "cold");

        correlate("Email Clicked", "lead-clicks");

        assertThat(take("send-email", "lead-clicks")).isEqualTo("webinar-invite");
        BpmnAwareTests.assertThat(journey).hasPassed("Invite").isEnded();
    }

    @Test
    void waitForEventGivesUpAfterItsTimeAndBranchOnTierSendsHotLeadsTheSms() {
        ProcessInstance journey = start("lead-hot", "hot");

        execute(job(calledProcessInstance("baton-wait-for-event", journey))); // three days pass

        assertThat(take("send-sms", "lead-hot")).isEqualTo("webinar-reminder");
        BpmnAwareTests.assertThat(journey).hasPassed("Texted").isEnded();
    }

    @Test
    void branchOnTierLetsOtherTiersTakeTheDefaultPath() {
        ProcessInstance journey = start("lead-cold", "cold");

        execute(job(calledProcessInstance("baton-wait-for-event", journey)));

        BpmnAwareTests.assertThat(journey).hasPassed("Waited").hasNotPassed("Text").isEnded();
    }

    @Test
    void everyTemplateBindsOnlyWhatBatonServes() {
        assertThat(templates.keySet()).containsExactlyInAnyOrder("dev.baton.send-email", "dev.baton.send-sms",
                "dev.baton.wait-for-event", "dev.baton.branch-on-tier", "dev.baton.branch-on-segment");
        // The segment branch asks the engine's bean "membership" (segments.MembershipExpressions), nothing else.
        JsonNode segmentCondition = templates.get("dev.baton.branch-on-segment").path("properties").get(0);
        assertThat(segmentCondition.path("binding").path("name").asText()).isEqualTo("conditionExpression");
        assertThat(segmentCondition.path("value").asText()).matches(segmentCondition.path("constraints").path("pattern")
                .path("value").asText()).startsWith("${membership.in(execution.processBusinessKey, '");
        List<String> topics = templates.values().stream().flatMap(t -> t.path("properties").findParents("binding").stream())
                .filter(p -> "camunda:topic".equals(p.path("binding").path("name").asText()))
                .map(p -> p.path("value").asText()).toList();
        assertThat(topics).containsExactlyInAnyOrder("send-email", "send-sms");
        for (String send : List.of("dev.baton.send-email", "dev.baton.send-sms")) {
            JsonNode transactional = templates.get(send).path("properties").findParents("binding").stream()
                    .filter(p -> "transactional".equals(p.path("binding").path("name").asText())).findFirst().orElseThrow();
            assertThat(transactional.path("label").asText()).as(send).isEqualTo(TRANSACTIONAL);
            assertThat(transactional.path("value").asText()).as(send + ": marketing unless chosen").isEqualTo("false");
            assertThat(transactional.path("choices").findValuesAsText("value")).containsExactly("false", "true");
        }
        assertThat(getClass().getClassLoader().getResource("dev/baton/processes/email/webinar-invite.html")).isNotNull();
        assertThat(getClass().getClassLoader().getResource("dev/baton/processes/sms/webinar-reminder.txt")).isNotNull();
    }

    private ProcessInstance start(String lead, String tier) {
        return engine.getRuntimeService().startProcessInstanceByKey("uses-templates", lead, Map.of("tier", tier));
    }

    private void correlate(String message, String lead) {
        var waiting = engine.getRuntimeService().createExecutionQuery().messageEventSubscriptionName(message)
                .processInstanceBusinessKey(lead).list();
        assertThat(waiting).as(lead + " waits for " + message).hasSize(1);
        engine.getRuntimeService().messageEventReceived(message, waiting.get(0).getId());
    }

    private String take(String topic, String lead) {
        return String.valueOf(takeTask(topic, lead).getVariables().get("template"));
    }

    /** Locks the lead's one task on the topic and completes it, as a worker would. */
    private LockedExternalTask takeTask(String topic, String lead) {
        List<LockedExternalTask> tasks = engine.getExternalTaskService().fetchAndLock(10, "test")
                .topic(topic, 60_000).businessKey(lead).execute();
        assertThat(tasks).hasSize(1);
        engine.getExternalTaskService().complete(tasks.get(0).getId(), "test");
        return tasks.get(0);
    }

    /** Applies a template to an element as Camunda Modeler does, with the user's choices by field label. */
    private void apply(String templateId, BpmnModelInstance model, String elementId, Map<String, String> choices) {
        BaseElement element = model.getModelElementById(elementId);
        for (JsonNode property : templates.get(templateId).path("properties")) {
            String value = choices.getOrDefault(property.path("label").asText(), property.path("value").asText());
            JsonNode binding = property.path("binding");
            switch (binding.path("type").asText()) {
                case "property" -> {
                    String name = binding.path("name").asText();
                    if (name.equals("conditionExpression")) {
                        ConditionExpression condition = model.newInstance(ConditionExpression.class);
                        condition.setTextContent(value);
                        ((SequenceFlow) element).setConditionExpression(condition);
                    } else if (name.startsWith("camunda:")) {
                        element.setAttributeValueNs(CAMUNDA, name.substring("camunda:".length()), value);
                    } else {
                        element.setAttributeValue(name, value);
                    }
                }
                case "camunda:inputParameter" -> {
                    CamundaInputOutput io = extensions(model, element).getElementsQuery()
                            .filterByType(CamundaInputOutput.class).list().stream().findFirst()
                            .orElseGet(() -> extensions(model, element).addExtensionElement(CamundaInputOutput.class));
                    CamundaInputParameter parameter = model.newInstance(CamundaInputParameter.class);
                    parameter.setCamundaName(binding.path("name").asText());
                    parameter.setTextContent(value);
                    io.addChildElement(parameter);
                }
                case "camunda:in" -> {
                    CamundaIn in = extensions(model, element).addExtensionElement(CamundaIn.class);
                    in.setCamundaTarget(binding.path("target").asText());
                    if (binding.path("expression").asBoolean()) {
                        in.setCamundaSourceExpression(value);
                    } else {
                        in.setCamundaSource(value);
                    }
                }
                case "camunda:in:businessKey" ->
                        extensions(model, element).addExtensionElement(CamundaIn.class).setCamundaBusinessKey(value);
                case "camunda:out" -> {
                    CamundaOut out = extensions(model, element).addExtensionElement(CamundaOut.class);
                    out.setCamundaSource(binding.path("source").asText());
                    out.setCamundaTarget(value);
                }
                default -> throw new AssertionError("binding the Modeler knows but this test does not: " + binding);
            }
        }
    }

    private static ExtensionElements extensions(BpmnModelInstance model, BaseElement element) {
        if (element.getExtensionElements() == null) {
            element.setExtensionElements(model.newInstance(ExtensionElements.class));
        }
        return element.getExtensionElements();
    }
}
