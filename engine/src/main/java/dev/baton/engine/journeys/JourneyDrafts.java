package dev.baton.engine.journeys;

import dev.baton.engine.journeys.JourneyCheck.Problem;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.camunda.bpm.engine.ParseException;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.impl.bpmn.parser.BpmnParse;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.persistence.entity.DeploymentEntity;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.Activity;
import org.camunda.bpm.model.bpmn.instance.BoundaryEvent;
import org.camunda.bpm.model.bpmn.instance.EventBasedGateway;
import org.camunda.bpm.model.bpmn.instance.FlowNode;
import org.camunda.bpm.model.bpmn.instance.IntermediateCatchEvent;
import org.camunda.bpm.model.bpmn.instance.LinkEventDefinition;
import org.camunda.bpm.model.bpmn.instance.MessageEventDefinition;
import org.camunda.bpm.model.bpmn.instance.ReceiveTask;
import org.camunda.bpm.model.bpmn.instance.SequenceFlow;
import org.camunda.bpm.model.bpmn.instance.StartEvent;
import org.camunda.bpm.model.bpmn.instance.SubProcess;
import org.camunda.bpm.model.bpmn.instance.TimerEventDefinition;
import org.camunda.bpm.model.xml.ModelException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Checks a journey draft as deploying it would, and more, without deploying anything: the
 * engine's own parse (with Baton's parse listeners: unknown worker topics), steps nothing leads
 * to, waits for a lead's action with no time limit, and what features know ({@link JourneyCheck}:
 * templates, segments). Every problem names its element, so a builder can mark it.
 */
@Component
class JourneyDrafts {
    private final ProcessEngineConfigurationImpl engine;
    private final ObjectProvider<JourneyCheck> checks;

    JourneyDrafts(ProcessEngineConfigurationImpl engine, ObjectProvider<JourneyCheck> checks) {
        this.engine = engine;
        this.checks = checks;
    }

    /** What checking found; {@code deployable} when none of it is an error. */
    record Checked(boolean deployable, List<Problem> problems) {
    }

    Checked check(String xml) {
        List<Problem> problems = new ArrayList<>(parse(xml));
        if (problems.stream().noneMatch(p -> "error".equals(p.severity()))) {
            BpmnModelInstance model;
            try {
                model = Bpmn.readModelFromStream(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
            } catch (ModelException e) {
                problems.add(Problem.error(null, e.getMessage()));
                return new Checked(false, List.copyOf(problems));
            }
            problems.addAll(unreached(model));
            problems.addAll(waitsForever(model));
            checks.orderedStream().forEach(check -> problems.addAll(check.check(model)));
        }
        return new Checked(problems.stream().noneMatch(p -> "error".equals(p.severity())), List.copyOf(problems));
    }

    /**
     * The engine's parse of the file, as a deployment runs it (schema, Camunda's rules, Baton's
     * parse listeners), in a command of its own: nothing is stored, no cache is touched.
     */
    private List<Problem> parse(String xml) {
        List<Problem> problems = new ArrayList<>();
        try {
            List<org.camunda.bpm.engine.Problem> warnings = engine.getCommandExecutorTxRequired().execute(context -> {
                DeploymentEntity draft = new DeploymentEntity();
                draft.setName("draft");
                draft.setNew(true);
                BpmnParse parse = parser().createParse().deployment(draft).name("draft.bpmn");
                // As bytes in UTF-8: a string source is read in the platform's charset.
                parse.sourceInputStream(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
                return parse.execute().getProblems();
            });
            warnings.forEach(w -> problems.add(new Problem(w.getMainElementId(), "warning", w.getMessage(), line(w))));
        } catch (ParseException e) {
            e.getResorceReports().forEach(report -> {
                report.getErrors().forEach(p -> problems.add(new Problem(p.getMainElementId(), "error", p.getMessage(), line(p))));
                report.getWarnings().forEach(p -> problems.add(new Problem(p.getMainElementId(), "warning", p.getMessage(), line(p))));
            });
        } catch (ProcessEngineException | ModelException e) {
            // Not XML at all: where the XML parser stopped, when it said.
            Integer at = null;
            for (Throwable cause = e; cause != null && at == null; cause = cause.getCause()) {
                if (cause instanceof org.xml.sax.SAXParseException sax && sax.getLineNumber() > 0) {
                    at = sax.getLineNumber();
                }
            }
            problems.add(new Problem(null, "error", e.getMessage(), at));
        }
        return problems;
    }

    /** The parser deployments use, with every parse listener the engine was configured with. */
    private org.camunda.bpm.engine.impl.bpmn.parser.BpmnParser parser() {
        return engine.getDeployers().stream().filter(org.camunda.bpm.engine.impl.bpmn.deployer.BpmnDeployer.class::isInstance)
                .map(d -> ((org.camunda.bpm.engine.impl.bpmn.deployer.BpmnDeployer) d).getBpmnParser()).findFirst()
                .orElseThrow(() -> new IllegalStateException("the engine has no BPMN deployer"));
    }

    private static Integer line(org.camunda.bpm.engine.Problem problem) {
        return problem.getLine() > 0 ? problem.getLine() : null;
    }

    /** Steps no path from a start reaches: a lead can never be there. */
    private static List<Problem> unreached(BpmnModelInstance model) {
        Collection<FlowNode> nodes = executable(model);
        // The flows as drawn (sourceRef, targetRef), whether or not the file lists them on the nodes too.
        java.util.Map<FlowNode, List<FlowNode>> after = new java.util.HashMap<>();
        for (SequenceFlow flow : model.getModelElementsByType(SequenceFlow.class)) {
            after.computeIfAbsent(flow.getSource(), n -> new ArrayList<>()).add(flow.getTarget());
        }
        for (BoundaryEvent boundary : model.getModelElementsByType(BoundaryEvent.class)) {
            after.computeIfAbsent(boundary.getAttachedTo(), n -> new ArrayList<>()).add(boundary);
        }
        Set<FlowNode> reached = new HashSet<>();
        Deque<FlowNode> next = new ArrayDeque<>();
        for (FlowNode node : nodes) {
            // Where leads come in: start events (of the journey and its sub-processes), event
            // sub-processes (their start events fire), link catches, compensation handlers.
            boolean eventSubProcess = node instanceof SubProcess sub && sub.triggeredByEvent();
            if (node instanceof StartEvent || eventSubProcess || isLinkCatch(node)
                    || node instanceof Activity activity && activity.isForCompensation()) {
                next.add(node);
            }
        }
        while (!next.isEmpty()) {
            FlowNode node = next.poll();
            if (reached.add(node)) {
                next.addAll(after.getOrDefault(node, List.of()));
            }
        }
        List<Problem> problems = new ArrayList<>();
        for (FlowNode node : nodes) {
            boolean insideUnreached = node.getParentElement() instanceof SubProcess parent && !reached.contains(parent);
            if (!reached.contains(node) && !insideUnreached) {
                problems.add(Problem.warning(node.getId(), "nothing leads to " + describe(node) + ": no lead will ever be there"));
            }
        }
        return problems;
    }

    private static boolean isLinkCatch(FlowNode node) {
        return node instanceof IntermediateCatchEvent event
                && !event.getEventDefinitions().isEmpty() && event.getEventDefinitions().iterator().next() instanceof LinkEventDefinition;
    }

    /**
     * Waits for something the lead does (a message) with no way on if she never does it: no
     * interrupting timer on the step or on a sub-process around it, no interrupting timer event
     * sub-process around it, and not a choice of an event-based gateway that also waits for a
     * time. Such a lead stays there for good.
     */
    private static List<Problem> waitsForever(BpmnModelInstance model) {
        List<Problem> problems = new ArrayList<>();
        for (FlowNode node : executable(model)) {
            boolean waitsForMessage = node instanceof ReceiveTask
                    || node instanceof IntermediateCatchEvent event && event.getEventDefinitions().stream()
                    .anyMatch(d -> d instanceof MessageEventDefinition);
            if (!waitsForMessage || timedChoice(model, node) || timedScope(model, node)) {
                continue;
            }
            problems.add(Problem.warning(node.getId(), describe(node) + " waits with no time limit: a lead who never does it"
                    + " stays there; put a timer on it, or make it one choice of an event-based gateway with a timer"));
        }
        return problems;
    }

    /** Whether the wait is one choice of an event-based gateway whose other choices include a timer. */
    private static boolean timedChoice(BpmnModelInstance model, FlowNode node) {
        Collection<SequenceFlow> flows = model.getModelElementsByType(SequenceFlow.class);
        return flows.stream().filter(flow -> flow.getTarget() == node && flow.getSource() instanceof EventBasedGateway)
                .anyMatch(flow -> flows.stream().anyMatch(other -> other.getSource() == flow.getSource() && isTimer(other.getTarget())));
    }

    /** Whether an interrupting timer ends the wait: on the step, on a sub-process around it, or an event sub-process around it. */
    private static boolean timedScope(BpmnModelInstance model, FlowNode node) {
        for (org.camunda.bpm.model.xml.instance.ModelElementInstance scope = node; scope != null; scope = scope.getParentElement()) {
            org.camunda.bpm.model.xml.instance.ModelElementInstance current = scope;
            boolean timerOnIt = model.getModelElementsByType(BoundaryEvent.class).stream()
                    .anyMatch(b -> b.getAttachedTo() == current && b.cancelActivity()
                            && b.getEventDefinitions().stream().anyMatch(TimerEventDefinition.class::isInstance));
            boolean timerSubProcess = current.getChildElementsByType(SubProcess.class).stream()
                    .filter(SubProcess::triggeredByEvent)
                    .flatMap(sub -> sub.getChildElementsByType(StartEvent.class).stream())
                    .anyMatch(start -> start.isInterrupting()
                            && start.getEventDefinitions().stream().anyMatch(TimerEventDefinition.class::isInstance));
            if (timerOnIt || timerSubProcess) {
                return true;
            }
        }
        return false;
    }

    private static boolean isTimer(FlowNode node) {
        return node instanceof IntermediateCatchEvent event
                && event.getEventDefinitions().stream().anyMatch(TimerEventDefinition.class::isInstance);
    }

    /** The steps of the executable processes (a collaboration's other pools are only drawn). */
    private static List<FlowNode> executable(BpmnModelInstance model) {
        List<FlowNode> nodes = new ArrayList<>();
        for (org.camunda.bpm.model.bpmn.instance.Process process : model.getModelElementsByType(org.camunda.bpm.model.bpmn.instance.Process.class)) {
            if (process.isExecutable()) {
                collect(process, nodes);
            }
        }
        return nodes;
    }

    private static void collect(org.camunda.bpm.model.xml.instance.ModelElementInstance scope, List<FlowNode> nodes) {
        for (FlowNode node : scope.getChildElementsByType(FlowNode.class)) {
            nodes.add(node);
            if (node instanceof SubProcess) {
                collect(node, nodes);
            }
        }
    }

    private static String describe(FlowNode node) {
        return node.getName() == null || node.getName().isBlank() ? "'" + node.getId() + "'" : "'" + node.getName() + "'";
    }
}
