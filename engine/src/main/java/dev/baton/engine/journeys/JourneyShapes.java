package dev.baton.engine.journeys;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.BoundaryEvent;
import org.camunda.bpm.model.bpmn.instance.ConditionExpression;
import org.camunda.bpm.model.bpmn.instance.EndEvent;
import org.camunda.bpm.model.bpmn.instance.FlowNode;
import org.camunda.bpm.model.bpmn.instance.MessageEventDefinition;
import org.camunda.bpm.model.bpmn.instance.Process;
import org.camunda.bpm.model.bpmn.instance.ReceiveTask;
import org.camunda.bpm.model.bpmn.instance.SequenceFlow;
import org.camunda.bpm.model.bpmn.instance.ServiceTask;
import org.camunda.bpm.model.bpmn.instance.StartEvent;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaInputOutput;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaInputParameter;
import org.springframework.stereotype.Component;

/**
 * What deployed journeys do, read from their latest active definitions: which segments they
 * start on, wait for or branch on (a segment's page lists them), and what entering one on request
 * does: whether a lead entering it only gets messages (its plain start event leads through send
 * steps in a row to an end, nothing waits, branches or hands off), so an audience can enter it
 * without a Camunda process instance per lead (docs/architecture.md, "Audience steps at scale").
 */
@Component
public class JourneyShapes {
    private static final Map<String, String> CHANNEL_OF_TOPIC = Map.of("send-email", "email", "send-sms", "sms");
    private final RepositoryService repository;

    JourneyShapes(RepositoryService repository) {
        this.repository = repository;
    }

    /** One send step: template {@code template} on {@code channel}. */
    public record Send(String stepId, String channel, String template) {
    }

    /**
     * The send steps a lead entering the journey goes through, in order, when that is all the
     * journey does; empty when a lead needs a process instance (it waits, branches, is handed to
     * sales, a step answers the lead's own action, or the journey has no plain start event).
     */
    public List<Send> sendsOnly(String journeyKey) {
        ProcessDefinition definition = repository.createProcessDefinitionQuery().processDefinitionKey(journeyKey)
                .latestVersion().active().singleResult();
        if (definition == null) {
            return List.of();
        }
        return sendsOnly(repository.getBpmnModelInstance(definition.getId()));
    }

    /** {@link #sendsOnly(String)} of one model. */
    static List<Send> sendsOnly(BpmnModelInstance model) {
        if (!model.getModelElementsByType(BoundaryEvent.class).isEmpty()) {
            return List.of();
        }
        List<StartEvent> plainStarts = model.getModelElementsByType(StartEvent.class).stream()
                .filter(start -> start.getParentElement() instanceof Process && start.getEventDefinitions().isEmpty())
                .toList();
        if (plainStarts.size() != 1) {
            return List.of();
        }
        // Flows by source and target from the flows themselves: <bpmn:outgoing> children are optional in a file.
        Map<FlowNode, List<SequenceFlow>> outgoing = new java.util.HashMap<>();
        Map<FlowNode, Integer> incoming = new java.util.HashMap<>();
        for (SequenceFlow flow : model.getModelElementsByType(SequenceFlow.class)) {
            outgoing.computeIfAbsent(flow.getSource(), k -> new ArrayList<>()).add(flow);
            incoming.merge(flow.getTarget(), 1, Integer::sum);
        }
        List<Send> sends = new ArrayList<>();
        FlowNode node = plainStarts.get(0);
        while (!(node instanceof EndEvent)) {
            List<SequenceFlow> next = outgoing.getOrDefault(node, List.of());
            if (next.size() != 1 || next.get(0).getConditionExpression() != null) {
                return List.of();
            }
            node = next.get(0).getTarget();
            if (incoming.getOrDefault(node, 0) != 1) {
                return List.of();
            }
            if (node instanceof EndEvent end) {
                if (!end.getEventDefinitions().isEmpty()) {
                    return List.of();
                }
            } else if (node instanceof ServiceTask task && "external".equals(task.getCamundaType())
                    && CHANNEL_OF_TOPIC.containsKey(task.getCamundaTopic())) {
                Map<String, String> inputs = inputs(task);
                String template = inputs.get("template");
                if (template == null || template.contains("${") || "true".equals(inputs.get("transactional"))) {
                    return List.of();
                }
                sends.add(new Send(task.getId(), CHANNEL_OF_TOPIC.get(task.getCamundaTopic()), template.strip()));
            } else {
                return List.of();
            }
        }
        return sends;
    }

    /**
     * A journey that uses a segment, and how.
     *
     * @param uses what it does with the segment, each one of {@link #USES}
     */
    public record SegmentUse(String key, String name, int version, List<String> uses) {
    }

    /**
     * The ways a journey uses a segment: starts when a lead enters or leaves it (message start
     * event "Segment Entered: id"), waits for either (message catch, receive task or the library's
     * "wait for event" step), branches on membership (a flow condition {@code membership.in(…, 'id')}).
     */
    public static final List<String> USES = List.of("startsOnEntry", "startsOnLeaving", "waitsForEntry", "waitsForLeaving",
            "branchesOnMembership");

    /** The deployed journeys (latest active versions) that use the segment, by key. */
    public List<SegmentUse> usingSegment(String segment) {
        List<SegmentUse> found = new ArrayList<>();
        for (ProcessDefinition definition : repository.createProcessDefinitionQuery().latestVersion().active()
                .orderByProcessDefinitionKey().asc().list()) {
            List<String> uses = usesOf(repository.getBpmnModelInstance(definition.getId()), segment);
            if (!uses.isEmpty()) {
                found.add(new SegmentUse(definition.getKey(), definition.getName() == null ? definition.getKey() : definition.getName(),
                        definition.getVersion(), uses));
            }
        }
        return found;
    }

    /** {@link #usingSegment(String)} of one model: its uses of the segment, in the order of {@link #USES}. */
    static List<String> usesOf(BpmnModelInstance model, String segment) {
        String entered = SegmentMessages.of(SegmentMessages.ENTERED, segment);
        String left = SegmentMessages.of(SegmentMessages.LEFT, segment);
        java.util.Set<String> uses = new java.util.HashSet<>();
        for (MessageEventDefinition definition : model.getModelElementsByType(MessageEventDefinition.class)) {
            String message = definition.getMessage() == null ? null : definition.getMessage().getName();
            boolean starts = definition.getParentElement() instanceof StartEvent start && start.getParentElement() instanceof Process;
            if (entered.equals(message)) {
                uses.add(starts ? "startsOnEntry" : "waitsForEntry");
            } else if (left.equals(message)) {
                uses.add(starts ? "startsOnLeaving" : "waitsForLeaving");
            }
        }
        List<String> awaited = new ArrayList<>(DeployedMessages.awaitedByCalls(model));
        model.getModelElementsByType(ReceiveTask.class).stream()
                .filter(task -> task.getMessage() != null).forEach(task -> awaited.add(task.getMessage().getName()));
        if (awaited.contains(entered)) {
            uses.add("waitsForEntry");
        }
        if (awaited.contains(left)) {
            uses.add("waitsForLeaving");
        }
        Pattern branch = Pattern.compile("membership\\.in\\([^,()]+,\\s*['\"]" + Pattern.quote(segment) + "['\"]\\s*\\)");
        boolean branches = model.getModelElementsByType(ConditionExpression.class).stream()
                .anyMatch(condition -> condition.getTextContent() != null && branch.matcher(condition.getTextContent()).find());
        if (branches) {
            uses.add("branchesOnMembership");
        }
        return USES.stream().filter(uses::contains).toList();
    }

    /**
     * The segments a model names, each with the id of the element naming it: a start or wait on a
     * segment's entry or exit (its message, or the library's "wait for event" step), a branch on
     * membership (its flow's condition). Names made by an expression are known only as it runs.
     */
    public static List<Map.Entry<String, String>> segmentsNamed(BpmnModelInstance model) {
        List<Map.Entry<String, String>> named = new ArrayList<>();
        Pattern move = Pattern.compile("^(" + Pattern.quote(SegmentMessages.ENTERED) + "|" + Pattern.quote(SegmentMessages.LEFT) + "): (.+)$");
        java.util.function.BiConsumer<String, String> add = (element, message) -> {
            var matched = message == null || message.contains("${") || message.contains("#{") ? null : move.matcher(message);
            if (matched != null && matched.matches()) {
                named.add(Map.entry(element, matched.group(2)));
            }
        };
        for (MessageEventDefinition definition : model.getModelElementsByType(MessageEventDefinition.class)) {
            if (definition.getMessage() != null && definition.getParentElement() instanceof org.camunda.bpm.model.bpmn.instance.BaseElement element) {
                add.accept(element.getId(), definition.getMessage().getName());
            }
        }
        for (ReceiveTask task : model.getModelElementsByType(ReceiveTask.class)) {
            if (task.getMessage() != null) {
                add.accept(task.getId(), task.getMessage().getName());
            }
        }
        for (org.camunda.bpm.model.bpmn.instance.CallActivity call : model.getModelElementsByType(org.camunda.bpm.model.bpmn.instance.CallActivity.class)) {
            for (String awaited : DeployedMessages.awaitedByCalls(call)) {
                add.accept(call.getId(), awaited);
            }
        }
        Pattern branch = Pattern.compile("membership\\.in\\([^,()]+,\\s*['\"]([^'\"]+)['\"]\\s*\\)");
        for (SequenceFlow flow : model.getModelElementsByType(SequenceFlow.class)) {
            if (flow.getConditionExpression() != null && flow.getConditionExpression().getTextContent() != null) {
                var matched = branch.matcher(flow.getConditionExpression().getTextContent());
                while (matched.find()) {
                    named.add(Map.entry(flow.getId(), matched.group(1)));
                }
            }
        }
        return named;
    }

    /**
     * The templates a model's steps name, by step id: {@code topic} and {@code template} of each
     * external service task with a literal {@code template} input (an expression is known only as it runs).
     */
    public static Map<String, Map.Entry<String, String>> templatesNamed(BpmnModelInstance model) {
        Map<String, Map.Entry<String, String>> named = new java.util.LinkedHashMap<>();
        for (ServiceTask task : model.getModelElementsByType(ServiceTask.class)) {
            addTemplate(named, task.getId(), task.getCamundaTopic(), inputs(task.getExtensionElements()).get("template"));
        }
        for (org.camunda.bpm.model.bpmn.instance.SendTask task : model.getModelElementsByType(org.camunda.bpm.model.bpmn.instance.SendTask.class)) {
            addTemplate(named, task.getId(), task.getCamundaTopic(), inputs(task.getExtensionElements()).get("template"));
        }
        return named;
    }

    private static void addTemplate(Map<String, Map.Entry<String, String>> named, String step, String topic, String template) {
        if (topic != null && template != null && !template.isBlank() && !template.contains("${") && !template.contains("#{")) {
            named.put(step, Map.entry(topic, template.strip()));
        }
    }

    private static Map<String, String> inputs(ServiceTask task) {
        return inputs(task.getExtensionElements());
    }

    private static Map<String, String> inputs(org.camunda.bpm.model.bpmn.instance.ExtensionElements extensions) {
        Map<String, String> inputs = new java.util.HashMap<>();
        if (extensions == null) {
            return inputs;
        }
        for (CamundaInputOutput io : extensions.getElementsQuery().filterByType(CamundaInputOutput.class).list()) {
            for (CamundaInputParameter parameter : io.getCamundaInputParameters()) {
                inputs.put(parameter.getCamundaName(), parameter.getTextContent());
            }
        }
        return inputs;
    }
}
