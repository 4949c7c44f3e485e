package dev.baton.engine.journeys;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.CallActivity;
import org.camunda.bpm.model.bpmn.instance.Message;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaIn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The message names the deployed journeys (latest, active versions) start on or wait for, read
 * from Camunda every {@code baton.journeys.messages-refresh}: events that are only worth
 * forwarding when some journey uses them (a segment move names its segment) reach Camunda only
 * then, however they are deployed (API, Modeler, Cockpit).
 */
@Component
class DeployedMessages {
    private static final Logger log = LoggerFactory.getLogger(DeployedMessages.class);

    private final RepositoryService repository;
    /** A name not known is looked up again at most this often (a journey deployed a moment ago). */
    private static final long RECHECK_NANOS = 1_000_000_000L;
    private volatile Set<String> names = Set.of();
    private volatile long readAt;
    private volatile boolean loaded;

    DeployedMessages(RepositoryService repository) {
        this.repository = repository;
    }

    @Scheduled(fixedDelayString = "${baton.journeys.messages-refresh:5s}")
    void refresh() {
        try {
            Set<String> found = new HashSet<>();
            for (ProcessDefinition definition : repository.createProcessDefinitionQuery().latestVersion().active().list()) {
                var model = repository.getBpmnModelInstance(definition.getId());
                model.getModelElementsByType(Message.class).stream()
                        .map(Message::getName).filter(name -> name != null).forEach(found::add);
                found.addAll(awaitedByCalls(model));
            }
            names = Set.copyOf(found);
            readAt = System.nanoTime();
            loaded = true;
        } catch (RuntimeException e) {
            // The names known stay in use; the next refresh tries again.
            log.warn("Could not read the deployed journeys' messages (keeping {}): {}", names.size(), e.getMessage());
        }
    }

    /** The events the library's "wait for event" steps of a model wait for (the name each caller passes in). */
    static List<String> awaitedByCalls(BpmnModelInstance model) {
        List<String> awaited = new ArrayList<>();
        for (CallActivity call : model.getModelElementsByType(CallActivity.class)) {
            awaited.addAll(awaitedByCalls(call));
        }
        return awaited;
    }

    /** The event one call of the library's "wait for event" step waits for (none for another call). */
    static List<String> awaitedByCalls(CallActivity call) {
        if (!"baton-wait-for-event".equals(call.getCalledElement()) || call.getExtensionElements() == null) {
            return List.of();
        }
        return call.getExtensionElements().getElementsQuery().filterByType(CamundaIn.class).list().stream()
                .filter(in -> "event".equals(in.getCamundaTarget()) && in.getCamundaSourceExpression() != null)
                .map(CamundaIn::getCamundaSourceExpression).toList();
    }

    /**
     * Whether a deployed journey uses the message. A name not known is looked up again when the
     * names are more than a second old, so a journey deployed a moment ago is not missed for a
     * whole refresh interval (and a million unknown moves cost at most one read a second).
     */
    boolean used(String message) {
        if (!loaded) {
            refresh();
        }
        if (!names.contains(message) && System.nanoTime() - readAt > RECHECK_NANOS) {
            synchronized (this) {
                if (System.nanoTime() - readAt > RECHECK_NANOS) {
                    refresh();
                }
            }
        }
        return names.contains(message);
    }
}
