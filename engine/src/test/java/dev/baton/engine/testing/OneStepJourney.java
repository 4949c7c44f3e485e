package dev.baton.engine.testing;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * A journey of one external-task step (start, the step, end), for tests that drive one worker
 * through Camunda as a library journey would.
 */
public final class OneStepJourney {
    private OneStepJourney() {
    }

    /** The BPMN of process {@code processId}: one step {@code stepId} on {@code topic} with these inputs. */
    public static String bpmn(String processId, String stepId, String topic, Map<String, String> inputs) {
        String parameters = inputs.entrySet().stream()
                .map(input -> "<camunda:inputParameter name=\"%s\">%s</camunda:inputParameter>"
                        .formatted(input.getKey(), input.getValue()))
                .collect(Collectors.joining());
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="t">
                  <bpmn:process id="%1$s" isExecutable="true" camunda:historyTimeToLive="1">
                    <bpmn:startEvent id="start" />
                    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="%2$s" />
                    <bpmn:serviceTask id="%2$s" camunda:type="external" camunda:topic="%3$s">
                      <bpmn:extensionElements><camunda:inputOutput>%4$s</camunda:inputOutput></bpmn:extensionElements>
                    </bpmn:serviceTask>
                    <bpmn:sequenceFlow id="f2" sourceRef="%2$s" targetRef="end" />
                    <bpmn:endEvent id="end" />
                  </bpmn:process>
                </bpmn:definitions>""".formatted(processId, stepId, topic, parameters);
    }
}
