package dev.baton.engine.journeys;

import java.util.ArrayList;
import java.util.List;
import org.camunda.bpm.engine.impl.bpmn.parser.BpmnParseListener;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;

/** Adds a BPMN parse listener to those the engine configuration has, from a plugin's {@code preInit}. */
final class ParseListeners {
    private ParseListeners() {
    }

    /** Runs before Camunda's own parsing of each element (to refuse a model before it is built). */
    static void addBefore(ProcessEngineConfigurationImpl configuration, BpmnParseListener listener) {
        configuration.setCustomPreBPMNParseListeners(with(configuration.getCustomPreBPMNParseListeners(), listener));
    }

    /** Runs after Camunda's own parsing of each element (to add listeners to what it built). */
    static void addAfter(ProcessEngineConfigurationImpl configuration, BpmnParseListener listener) {
        configuration.setCustomPostBPMNParseListeners(with(configuration.getCustomPostBPMNParseListeners(), listener));
    }

    private static List<BpmnParseListener> with(List<BpmnParseListener> present, BpmnParseListener listener) {
        List<BpmnParseListener> listeners = present == null ? new ArrayList<>() : new ArrayList<>(present);
        listeners.add(listener);
        return listeners;
    }
}
