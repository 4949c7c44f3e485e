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

    /** A journey that starts on {@code message} and waits at user task {@code task}: an instance per lead that entered. */
    public static String startsOn(String processId, String message, String task) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t"
                    xmlns:camunda="http://camunda.org/schema/1.0/bpmn">
                  <bpmn:message id="m" name="%s" />
                  <bpmn:process id="%s" isExecutable="true" camunda:historyTimeToLive="30">
                    <bpmn:startEvent id="start"><bpmn:messageEventDefinition messageRef="m" /></bpmn:startEvent>
                    <bpmn:sequenceFlow id="f" sourceRef="start" targetRef="%s" />
                    <bpmn:userTask id="%s" />
                  </bpmn:process>
                </bpmn:definitions>""".formatted(message, processId, task, task);
    }

    /** A journey that starts on request (a plain start event) and waits at user task {@code task}. */
    public static String waitsAt(String processId, String task) {
        return startsOn(processId, "unused", task).replace("<bpmn:messageEventDefinition messageRef=\"m\" />", "");
    }

    /** A journey that starts on request and ends at once, which a lead may enter any number of times (re-entry always). */
    public static String endsAtOnce(String processId) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t"
                    xmlns:camunda="http://camunda.org/schema/1.0/bpmn">
                  <bpmn:process id="%s" isExecutable="true" camunda:historyTimeToLive="30">
                    <bpmn:extensionElements><camunda:properties><camunda:property name="reentry" value="always" />
                    </camunda:properties></bpmn:extensionElements>
                    <bpmn:startEvent id="start" />
                    <bpmn:sequenceFlow id="f" sourceRef="start" targetRef="end" />
                    <bpmn:endEvent id="end" />
                  </bpmn:process>
                </bpmn:definitions>""".formatted(processId);
    }

    /** A BPMN file for a multipart deployment (Camunda's REST API, Baton's journeys API). */
    public static org.springframework.core.io.ByteArrayResource file(String name, String bpmn) {
        return new org.springframework.core.io.ByteArrayResource(bpmn.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            @Override
            public String getFilename() {
                return name;
            }
        };
    }
}
