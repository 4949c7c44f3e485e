package dev.baton.engine.journeys;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.interceptor.CommandExecutor;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.engine.runtime.Execution;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.model.bpmn.instance.Process;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaProperties;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Turns a journey signal into Camunda message correlations, with the lead id as business key:
 * journeys waiting for the event (an intermediate message catch, an event-based gateway, a
 * boundary event) receive it, and journeys that start on it (a message start event) start,
 * subject to their re-entry policy. A lead is in at most one active instance of a journey.
 *
 * <p>Idempotent: the signal's message id is recorded in Camunda's own database in the same
 * transaction as the correlations, so a replayed signal changes nothing and a failed one leaves
 * nothing half-done.
 *
 * <p>Re-entry policy, a property on the BPMN process ({@code camunda:property name="reentry"}):
 * {@code never} (the default: once per lead), {@code always}, or an ISO duration such as
 * {@code P30D} (again once that long has passed since the last instance ended).
 */
@Component
public class JourneyCorrelator {
    private static final Logger log = LoggerFactory.getLogger(JourneyCorrelator.class);
    static final String REENTRY = "reentry";
    private final RuntimeService runtime;
    private final RepositoryService repository;
    private final HistoryService history;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final CommandExecutor commands;
    private final Map<String, String> reentryByDefinition = new ConcurrentHashMap<>();

    public JourneyCorrelator(RuntimeService runtime, RepositoryService repository, HistoryService history, JdbcTemplate jdbc,
                      TransactionTemplate transactions, ProcessEngineConfigurationImpl engine) {
        this.commands = engine.getCommandExecutorTxRequired();
        this.runtime = runtime;
        this.repository = repository;
        this.history = history;
        this.jdbc = jdbc;
        this.transactions = transactions;
        jdbc.execute("CREATE TABLE IF NOT EXISTS baton_journey_signal (message_id VARCHAR(255) PRIMARY KEY,"
                + " lead_id VARCHAR(255) NOT NULL, event VARCHAR(255) NOT NULL, received_at TIMESTAMP NOT NULL)");
    }

    /** What one signal did. */
    public record Outcome(boolean duplicate, int delivered, List<String> started) {
    }

    public Outcome correlate(JourneySignal signal) {
        return transactions.execute(status -> {
            try {
                jdbc.update("INSERT INTO baton_journey_signal (message_id, lead_id, event, received_at) VALUES (?, ?, ?, ?)",
                        signal.messageId(), signal.leadId(), signal.event(), java.sql.Timestamp.from(Instant.now()));
            } catch (DuplicateKeyException e) {
                return new Outcome(true, 0, List.of());
            }
            adoptFormerIds(signal);
            Map<String, Object> variables = variables(signal);
            int delivered = 0;
            List<String> started = new ArrayList<>();
            for (String message : messageNames(signal)) {
                delivered += deliver(message, signal.leadId(), variables);
                started.addAll(start(message, signal.leadId(), variables));
            }
            shareTier(signal.leadId(), variables.get("tier"));
            if (delivered > 0 || !started.isEmpty()) {
                log.info("{} of lead {}: {} waiting journey step(s) continued, started {}", signal.event(),
                        signal.leadId(), delivered, started);
            }
            return new Outcome(false, delivered, started);
        });
    }

    /** The event's name, and for a tier change also "Tier Changed to hot" (what a journey usually waits for). */
    private static List<String> messageNames(JourneySignal signal) {
        List<String> names = new ArrayList<>(List.of(signal.event()));
        Object to = signal.properties().get("to");
        if ("Tier Changed".equals(signal.event()) && to != null) {
            names.add("Tier Changed to " + to);
        }
        return names;
    }

    private static Map<String, Object> variables(JourneySignal signal) {
        Map<String, Object> variables = new HashMap<>();
        variables.put("leadId", signal.leadId());
        variables.put("lastEvent", signal.event());
        variables.put("lastEventAt", Date.from(signal.at()));
        if ("Tier Changed".equals(signal.event()) && signal.properties().get("to") != null) {
            variables.put("tier", String.valueOf(signal.properties().get("to")));
        } else if (signal.tier() != null) {
            variables.put("tier", signal.tier());
        }
        return variables;
    }

    /**
     * Every journey the lead is in learns its tier, also those not waiting for this event: a
     * journey that calls nurture later passes it on, and nurture sends a lead that is hot by then
     * straight to sales instead of missing the moment it turned hot.
     */
    private void shareTier(String leadId, Object tier) {
        if (tier == null) {
            return;
        }
        for (ProcessInstance instance : runtime.createProcessInstanceQuery().processInstanceBusinessKey(leadId).list()) {
            if (!tier.equals(runtime.getVariable(instance.getId(), "tier"))) {
                runtime.setVariable(instance.getId(), "tier", tier); // written only when it changed
            }
        }
    }

    /** A visitor's journeys continue under the lead it turned out to be. */
    private void adoptFormerIds(JourneySignal signal) {
        for (String former : signal.formerIds()) {
            for (ProcessInstance instance : runtime.createProcessInstanceQuery().processInstanceBusinessKey(former).list()) {
                String instanceId = instance.getId();
                commands.execute(context -> {
                    context.getExecutionManager().findExecutionById(instanceId).setProcessBusinessKey(signal.leadId());
                    return null;
                });
                log.info("Journey {} of visitor {} continues as lead {}", instance.getId(), former, signal.leadId());
            }
        }
    }

    /**
     * Delivers the message to every step of the lead's journeys waiting for it. One delivery can
     * end another waiting step (an interrupting event subprocess of a nurture called from a
     * nurture, say): a step whose subscription is gone by its turn is skipped, not retried, so it
     * cannot hold up the lead's later signals.
     */
    private int deliver(String message, String leadId, Map<String, Object> variables) {
        List<Execution> waiting = runtime.createExecutionQuery().messageEventSubscriptionName(message)
                .processInstanceBusinessKey(leadId).list();
        int delivered = 0;
        for (Execution execution : waiting) {
            if (delivered > 0 && runtime.createExecutionQuery().executionId(execution.getId())
                    .messageEventSubscriptionName(message).count() == 0) {
                log.info("{} for lead {}: step {} stopped waiting meanwhile (an earlier delivery ended it)", message, leadId,
                        execution.getId());
                continue;
            }
            runtime.messageEventReceived(message, execution.getId(), variables);
            delivered++;
        }
        return delivered;
    }

    private List<String> start(String message, String leadId, Map<String, Object> variables) {
        List<String> started = new ArrayList<>();
        List<ProcessDefinition> definitions = repository.createProcessDefinitionQuery()
                .messageEventSubscriptionName(message).latestVersion().active().list();
        for (ProcessDefinition definition : definitions) {
            if (mayEnter(definition, leadId)) {
                runtime.startProcessInstanceByMessageAndProcessDefinitionId(message, definition.getId(), leadId, variables);
                started.add(definition.getKey());
            }
        }
        return started;
    }

    private boolean mayEnter(ProcessDefinition definition, String leadId) {
        if (runtime.createProcessInstanceQuery().processDefinitionKey(definition.getKey())
                .processInstanceBusinessKey(leadId).count() > 0) {
            return false; // at most one active instance of a journey per lead
        }
        String policy = reentryOf(definition.getId());
        if (policy.equals("always")) {
            return true;
        }
        var finished = history.createHistoricProcessInstanceQuery().processDefinitionKey(definition.getKey())
                .processInstanceBusinessKey(leadId).finished().orderByProcessInstanceEndTime().desc().listPage(0, 1);
        if (finished.isEmpty()) {
            return true;
        }
        if (policy.equals("never")) {
            return false;
        }
        Instant lastEnded = finished.get(0).getEndTime().toInstant();
        return !Instant.now().isBefore(lastEnded.plus(Duration.parse(policy)));
    }

    private String reentryPolicy(String definitionId) {
        Process process = repository.getBpmnModelInstance(definitionId).getModelElementsByType(Process.class).stream()
                .filter(p -> p.isExecutable()).findFirst().orElse(null);
        if (process == null || process.getExtensionElements() == null) {
            return "never";
        }
        for (CamundaProperties properties : process.getExtensionElements().getChildElementsByType(CamundaProperties.class)) {
            for (CamundaProperty property : properties.getCamundaProperties()) {
                if (REENTRY.equals(property.getCamundaName())) {
                    return normalise(property.getCamundaValue(), definitionId);
                }
            }
        }
        return "never";
    }

    static String normalise(String value, String where) {
        String policy = value == null ? "never" : value.strip();
        if (policy.equals("never") || policy.equals("always")) {
            return policy;
        }
        try {
            Duration.parse(policy);
            return policy;
        } catch (DateTimeParseException e) {
            LoggerFactory.getLogger(JourneyCorrelator.class).warn(
                    "{}: re-entry policy '{}' is not never, always or an ISO duration (P30D); using never", where, value);
            return "never";
        }
    }

    /** The re-entry policy of a deployed process definition: never, always or an ISO duration. */
    public String reentryOf(String definitionId) {
        return reentryByDefinition.computeIfAbsent(definitionId, this::reentryPolicy);
    }

    /** For tests and the console: the journeys a lead is in now, by process key. */
    public Map<String, String> activeJourneys(String leadId) {
        Map<String, String> active = new LinkedHashMap<>();
        for (ProcessInstance instance : runtime.createProcessInstanceQuery().processInstanceBusinessKey(leadId).list()) {
            active.put(repository.getProcessDefinition(instance.getProcessDefinitionId()).getKey(), instance.getId());
        }
        return active;
    }
}
