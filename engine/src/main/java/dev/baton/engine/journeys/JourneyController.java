package dev.baton.engine.journeys;

import dev.baton.engine.identity.IdentityStore;
import dev.baton.engine.identity.LeadIds;
import dev.baton.engine.search.SearchUnavailableException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.management.ActivityStatistics;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The deployed journeys and where their leads are now. */
@RestController
@RequestMapping("/api/journeys")
@Tag(name = "Journeys", description = "Deployed journeys with live counts (admin login); deploy with Camunda Modeler to /engine-rest")
class JourneyController {
    private final RepositoryService repository;
    private final RuntimeService runtime;
    private final ManagementService management;
    private final JourneyCorrelator correlator;
    private final org.camunda.bpm.engine.HistoryService history;
    private final IdentityStore identities;

    JourneyController(RepositoryService repository, RuntimeService runtime, ManagementService management,
                      JourneyCorrelator correlator, org.camunda.bpm.engine.HistoryService history, IdentityStore identities) {
        this.history = history;
        this.identities = identities;
        this.repository = repository;
        this.runtime = runtime;
        this.management = management;
        this.correlator = correlator;
    }

    /**
     * @param activeInstances leads in the journey now (all versions)
     * @param waitingAt       activity id → leads waiting there (latest version)
     * @param incidents       activity id → open incidents there (failed sends waiting for an operator)
     * @param startsOn        message names that start it
     * @param exits           end event id → leads that left the journey there (every version; the end's name says why)
     * @param expiredSignals  message this journey waits for → signals of it that were kept for a step and expired
     *                        before any step waited (a journey that gets there too late for its leads' events)
     */
    record Journey(String key, String name, int version, String deploymentId, boolean suspended, String reentry,
                   long activeInstances, Map<String, Long> waitingAt, Map<String, Long> incidents, List<String> startsOn,
                   Map<String, Long> exits, Map<String, Long> expiredSignals) {
    }

    @Operation(summary = "Deployed journeys (latest versions) with leads waiting at each activity and open incidents")
    @GetMapping
    List<Journey> journeys() {
        List<Journey> journeys = new ArrayList<>();
        for (ProcessDefinition definition : repository.createProcessDefinitionQuery().latestVersion()
                .orderByProcessDefinitionKey().asc().list()) {
            journeys.add(describe(definition));
        }
        return journeys;
    }

    @Operation(summary = "One journey (latest version) with its live counts and exits")
    @GetMapping("/{key}")
    Journey journey(@PathVariable String key) {
        return describe(latest(key));
    }

    @Operation(summary = "The journey's BPMN (latest version), for drawing it")
    @GetMapping(path = "/{key}/bpmn", produces = "application/xml")
    String bpmn(@PathVariable String key) throws java.io.IOException {
        try (var in = repository.getProcessModel(latest(key).getId())) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** Leads that left the journey at each end event, over every version (ends keep their ids across versions). */
    private Map<String, Long> exits(ProcessDefinition latest) {
        java.util.Set<String> ends = repository.getBpmnModelInstance(latest.getId())
                .getModelElementsByType(org.camunda.bpm.model.bpmn.instance.EndEvent.class).stream()
                .map(org.camunda.bpm.model.bpmn.instance.EndEvent::getId).collect(java.util.stream.Collectors.toSet());
        Map<String, Long> exits = new TreeMap<>();
        ends.forEach(end -> exits.put(end, 0L));
        for (ProcessDefinition version : repository.createProcessDefinitionQuery().processDefinitionKey(latest.getKey()).list()) {
            for (var statistics : history.createHistoricActivityStatisticsQuery(version.getId()).includeFinished().list()) {
                if (ends.contains(statistics.getId())) {
                    exits.merge(statistics.getId(), statistics.getFinished(), Long::sum);
                }
            }
        }
        return exits;
    }

    private ProcessDefinition latest(String key) {
        ProcessDefinition definition = repository.createProcessDefinitionQuery().processDefinitionKey(key).latestVersion()
                .singleResult();
        if (definition == null) {
            throw new JourneyNotFoundException(key);
        }
        return definition;
    }

    @Operation(summary = "The journeys a lead is in now (process key → instance id)",
            description = "The lead by its id or any id the person is known by (userId, email, phone, anonymous id).")
    @GetMapping("/leads/{leadId}")
    Map<String, String> ofLead(@PathVariable String leadId) {
        return correlator.activeJourneys(leadIdOf(leadId));
    }

    @Operation(summary = "The signals kept for a lead: events no journey step waited for yet, delivered when one does "
            + "(until they expire)")
    @GetMapping("/leads/{leadId}/kept-signals")
    List<JourneyCorrelator.KeptSignal> keptSignals(@PathVariable String leadId) {
        return correlator.keptFor(leadIdOf(leadId));
    }

    /** The lead (journeys' business key) a person's id names; the id itself when no identity names one. */
    private String leadIdOf(String id) {
        try {
            List<String> keys = LeadIds.keysFor(id);
            Map<String, String> found = identities.leadsOf(keys);
            return keys.stream().filter(found::containsKey).map(found::get).findFirst().orElse(id);
        } catch (java.io.IOException e) {
            throw new SearchUnavailableException("looking up " + id + " failed: " + e.getMessage(), e);
        }
    }

    @Operation(summary = "Kept signals that expired before any journey step waited for them, per message")
    @GetMapping("/signals/expired")
    Map<String, Long> expiredSignals() {
        return correlator.expiredUnused();
    }

    /** Expired kept signals of the messages this journey waits for (not those that only start it). */
    private Map<String, Long> expiredSignals(ProcessDefinition definition) {
        Map<String, Long> expired = correlator.expiredUnused();
        Map<String, Long> mine = new TreeMap<>();
        for (var catcher : repository.getBpmnModelInstance(definition.getId())
                .getModelElementsByType(org.camunda.bpm.model.bpmn.instance.MessageEventDefinition.class)) {
            boolean startsIt = catcher.getParentElement() instanceof org.camunda.bpm.model.bpmn.instance.StartEvent start
                    && start.getParentElement() instanceof org.camunda.bpm.model.bpmn.instance.Process;
            if (!startsIt && catcher.getMessage() != null && expired.containsKey(catcher.getMessage().getName())) {
                mine.put(catcher.getMessage().getName(), expired.get(catcher.getMessage().getName()));
            }
        }
        return mine;
    }

    private Journey describe(ProcessDefinition definition) {
        Map<String, Long> waiting = new TreeMap<>();
        Map<String, Long> incidents = new TreeMap<>();
        for (ActivityStatistics statistics : management.createActivityStatisticsQuery(definition.getId())
                .includeIncidents().list()) {
            waiting.put(statistics.getId(), (long) statistics.getInstances());
            long open = statistics.getIncidentStatistics().stream().mapToLong(i -> i.getIncidentCount()).sum();
            if (open > 0) {
                incidents.put(statistics.getId(), open);
            }
        }
        List<String> startsOn = repository.getBpmnModelInstance(definition.getId())
                .getModelElementsByType(org.camunda.bpm.model.bpmn.instance.StartEvent.class).stream()
                .filter(start -> start.getParentElement() instanceof org.camunda.bpm.model.bpmn.instance.Process)
                .flatMap(start -> start.getEventDefinitions().stream())
                .filter(org.camunda.bpm.model.bpmn.instance.MessageEventDefinition.class::isInstance)
                .map(d -> ((org.camunda.bpm.model.bpmn.instance.MessageEventDefinition) d).getMessage())
                .filter(java.util.Objects::nonNull).map(org.camunda.bpm.model.bpmn.instance.Message::getName).toList();
        return new Journey(definition.getKey(), definition.getName(), definition.getVersion(), definition.getDeploymentId(),
                definition.isSuspended(), correlator.reentryOf(definition.getId()),
                runtime.createProcessInstanceQuery().processDefinitionKey(definition.getKey()).count(), waiting, incidents,
                startsOn, exits(definition), expiredSignals(definition));
    }
}
