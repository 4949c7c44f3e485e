package dev.baton.engine.journeys;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.interceptor.CommandExecutor;
import org.camunda.bpm.engine.repository.ProcessDefinition;
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
    static final String TTL_PREFIX = "ttl:";
    private static final String TIER_CHANGED = "Tier Changed";
    private static final String TIER_CHANGED_TO = "Tier Changed to ";
    /** How long a tier change is kept for a journey that started without it (a step in flight finishes well within it). */
    static final Duration TIER_KEPT = Duration.ofMinutes(10);
    private final RuntimeService runtime;
    private final RepositoryService repository;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final CommandExecutor commands;
    private final JourneySettings settings;
    private final ObjectMapper json;
    private final Clock clock;
    private final Map<String, String> reentryByDefinition = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Duration>> ttlsByDefinition = new ConcurrentHashMap<>();
    private volatile DeclaredTtls declared;
    /*
     * The reads per signal go to Camunda's tables in plain SQL (with the engine's table prefix): through
     * the query API, MyBatis' dynamic SQL cost several times what the database took to answer
     * (profiled: docs/performance.md). All are on indexed columns (EVENT_NAME_, BUSINESS_KEY_).
     */
    /** The lead's steps waiting for a message: executions with its subscription, in instances keyed by the lead. */
    private final String waitingSteps;
    /**
     * The latest, active versions of the journeys that start on a message: Camunda keeps a message
     * start subscription for the latest version of each definition only (and lets one journey at
     * most start on a name).
     */
    private final String startingOn;
    /** The lead's running instances (runtime) and ended ones (history) of some journeys, by key. */
    private final String leadJourneys;
    /** Leads with a kept signal that a step of theirs now waits for. */
    private final String waitedFor;
    private final DeployedMessages messages;

    /** For an engine outside Spring (tests, benchmarks): the journeys' messages are read when first needed. */
    public JourneyCorrelator(RuntimeService runtime, RepositoryService repository, JdbcTemplate jdbc,
                             TransactionTemplate transactions, ProcessEngineConfigurationImpl engine, JourneySettings settings,
                             ObjectMapper json, Clock clock) {
        this(runtime, repository, jdbc, transactions, engine, settings, json, clock, new DeployedMessages(repository));
    }

    @org.springframework.beans.factory.annotation.Autowired
    JourneyCorrelator(RuntimeService runtime, RepositoryService repository, JdbcTemplate jdbc,
                      TransactionTemplate transactions, ProcessEngineConfigurationImpl engine, JourneySettings settings,
                      ObjectMapper json, Clock clock, DeployedMessages messages) {
        this.messages = messages;
        this.commands = engine.getCommandExecutorTxRequired();
        String prefix = engine.getDatabaseTablePrefix() == null ? "" : engine.getDatabaseTablePrefix();
        this.waitingSteps = ("SELECT DISTINCT s.EXECUTION_ID_ FROM %1$sACT_RU_EVENT_SUBSCR s"
                + " JOIN %1$sACT_RU_EXECUTION e ON e.ID_ = s.EXECUTION_ID_ JOIN %1$sACT_RU_EXECUTION p ON p.ID_ = e.PROC_INST_ID_"
                + " WHERE s.EVENT_TYPE_ = 'message' AND s.EVENT_NAME_ = ? AND p.BUSINESS_KEY_ = ? ORDER BY s.EXECUTION_ID_")
                .formatted(prefix);
        this.startingOn = ("SELECT d.ID_, d.KEY_ FROM %1$sACT_RU_EVENT_SUBSCR s JOIN %1$sACT_RE_PROCDEF d ON d.ID_ = s.CONFIGURATION_"
                + " WHERE s.EVENT_TYPE_ = 'message' AND s.EVENT_NAME_ = ? AND s.EXECUTION_ID_ IS NULL AND d.SUSPENSION_STATE_ = 1"
                + " ORDER BY d.KEY_").formatted(prefix);
        this.leadJourneys = ("SELECT d.KEY_, CAST(NULL AS TIMESTAMP) FROM %1$sACT_RU_EXECUTION e JOIN %1$sACT_RE_PROCDEF d"
                + " ON d.ID_ = e.PROC_DEF_ID_ WHERE e.ID_ = e.PROC_INST_ID_ AND e.BUSINESS_KEY_ = ? AND d.KEY_ IN (%%s)"
                + " UNION ALL SELECT h.PROC_DEF_KEY_, h.END_TIME_ FROM %1$sACT_HI_PROCINST h WHERE h.BUSINESS_KEY_ = ?"
                + " AND h.PROC_DEF_KEY_ IN (%%s) AND h.END_TIME_ IS NOT NULL").formatted(prefix);
        this.waitedFor = ("SELECT DISTINCT b.lead_id FROM baton_journey_buffer b WHERE b.expires_at > ? AND EXISTS (SELECT 1"
                + " FROM %1$sACT_RU_EVENT_SUBSCR s JOIN %1$sACT_RU_EXECUTION e ON e.ID_ = s.EXECUTION_ID_"
                + " JOIN %1$sACT_RU_EXECUTION p ON p.ID_ = e.PROC_INST_ID_ WHERE s.EVENT_TYPE_ = 'message'"
                + " AND s.EVENT_NAME_ = b.message_name AND p.BUSINESS_KEY_ = b.lead_id)").formatted(prefix);
        this.runtime = runtime;
        this.repository = repository;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.settings = settings;
        this.json = json;
        this.clock = clock;
    }

    /** What one signal did. */
    public record Outcome(boolean duplicate, int delivered, List<String> started) {
    }

    /** The process variable holding the lead's id when the instance started (Tasklist shows it; expressions may use it). */
    static final String LEAD_ID = "leadId";

    /** The process variable naming the entry job that started an instance. */
    public static final String ENTRY_JOB = "entryJob";

    public Outcome correlate(JourneySignal signal) {
        Outcome outcome;
        try {
            outcome = transactions.execute(status -> correlateIn(signal));
        } catch (AlreadyRecordedException e) {
            return new Outcome(true, 0, List.of()); // its transaction, which did nothing else, rolled back
        }
        logged(signal, outcome);
        return outcome;
    }

    /**
     * Correlates signals in order in one transaction: one commit for a consumer's poll instead of
     * one per signal. All or nothing: when one fails, none is kept and the exception says so, and
     * the caller correlates them one by one. A signal
     * another node records at the same moment fails the poll too: on PostgreSQL the duplicate key
     * error has aborted the transaction, so nothing after it could be kept.
     */
    public List<Outcome> correlateAll(List<JourneySignal> signals) {
        List<Outcome> outcomes = transactions.execute(status -> signals.stream().map(this::correlateIn).toList());
        for (int i = 0; i < signals.size(); i++) {
            logged(signals.get(i), outcomes.get(i));
        }
        return outcomes;
    }

    /** Logged once its transaction committed: a batch rolled back and correlated again gives this line once. */
    private static void logged(JourneySignal signal, Outcome outcome) {
        if (outcome.delivered() > 0 || !outcome.started().isEmpty()) {
            log.info("{} of lead {}: {} waiting journey step(s) continued, started {}", signal.event(),
                    signal.leadId(), outcome.delivered(), outcome.started());
        }
    }

    private Outcome correlateIn(JourneySignal signal) {
        try {
            // Not a failing INSERT for a duplicate: on PostgreSQL that would abort the whole
            // transaction, and with it a batch that replays signals after an outage.
            if (jdbc.update("INSERT INTO baton_journey_signal (message_id, lead_id, event, received_at) SELECT ?, ?, ?, ?"
                    + " WHERE NOT EXISTS (SELECT 1 FROM baton_journey_signal WHERE message_id = ?)", signal.messageId(),
                    signal.leadId(), signal.event(), Timestamp.from(clock.instant()), signal.messageId()) == 0) {
                return new Outcome(true, 0, List.of());
            }
        } catch (DuplicateKeyException e) {
            throw new AlreadyRecordedException(signal, e); // recorded by another node at the same moment
        }
        adoptFormerIds(signal);
        Map<String, Object> variables = variables(signal);
        if (JourneySignal.ENTRY.equals(signal.event())) {
            return new Outcome(false, 0, enter(signal, variables));
        }
        int delivered = 0;
        List<String> started = new ArrayList<>();
        for (String message : messageNames(signal)) {
            int here = deliver(message, signal.leadId(), variables);
            List<String> startedHere = start(message, signal, variables);
            if (here == 0 && startedHere.isEmpty()) {
                startedHere = handOffHotLead(message, signal, variables);
            }
            if (here == 0 && startedHere.isEmpty()) {
                // A journey another node or partition started meanwhile (committed after our first
                // look, so not ours to start) may wait for it now; else it is kept for when one does.
                here = deliver(message, signal.leadId(), variables);
            }
            if (here == 0 && startedHere.isEmpty()) {
                buffer(message, signal);
            }
            delivered += here;
            started.addAll(startedHere);
        }
        shareTier(signal, variables.get("tier"));
        if (!started.isEmpty()) {
            // A journey that just started may wait for a signal kept for the lead; other kept
            // signals reach steps that come to wait for them within a sweep (oldest first).
            deliverBuffered(signal.leadId());
        }
        return new Outcome(false, delivered, started);
    }

    /**
     * A lead that turns hot outside any journey (identified through the API, imported, signed up in
     * the customer's own app) is handed to sales all the same: the handoff journey starts on the
     * tier change itself. A lead in a running journey is left to it (nurture hands hot leads off);
     * an anonymous visitor is nobody a rep can call yet.
     */
    private List<String> handOffHotLead(String message, JourneySignal signal, Map<String, Object> variables) {
        String handoff = settings.hotHandoff();
        if (handoff == null || handoff.isBlank() || !message.equals("Tier Changed to hot") || Boolean.FALSE.equals(signal.known())
                || runtime.createProcessInstanceQuery().processInstanceBusinessKey(signal.leadId()).count() > 0) {
            return List.of();
        }
        ProcessDefinition definition = repository.createProcessDefinitionQuery().processDefinitionKey(handoff)
                .latestVersion().active().singleResult();
        if (definition == null) {
            return List.of();
        }
        Map<String, Object> start = new HashMap<>(variables);
        start.put(LEAD_ID, signal.leadId());
        start.put("triggerMessageId", signal.messageId());
        ProcessInstance instance = runtime.startProcessInstanceById(definition.getId(), signal.leadId(), start);
        holdActive(definition.getKey(), signal.leadId(), instance.getId());
        log.info("Lead {} turned hot outside any journey: handed to sales ({})", signal.leadId(), instance.getId());
        return List.of(definition.getKey());
    }

    /** A signal that found no step waiting and started nothing, kept for its time to live. */
    private void buffer(String message, JourneySignal signal) {
        Duration ttl = ttlOf(message);
        if (isTierChange(message)) {
            // The tier is state: every journey of the lead holds it as variable "tier" and acts on it
            // when it gets there. But a journey starting in a transaction still open (nurture, called
            // when the welcome's send completes) copied the tier before this one set it, and waits
            // for a change it will never see: kept a short while (a newer tier replaces it), only
            // when a journey waits for such a change and the lead has one under way.
            if (!messages.used(message)
                    || runtime.createProcessInstanceQuery().processInstanceBusinessKey(signal.leadId()).count() == 0) {
                return;
            }
            ttl = ttl.compareTo(TIER_KEPT) < 0 ? ttl : TIER_KEPT;
        }
        if (ttl.isZero() || ttl.isNegative()) {
            return;
        }
        Instant now = clock.instant();
        try {
            jdbc.update("INSERT INTO baton_journey_buffer (message_id, message_name, lead_id, signal_json, received_at,"
                            + " expires_at) VALUES (?, ?, ?, ?, ?, ?)", signal.messageId(), message, signal.leadId(),
                    json.writeValueAsString(signal), Timestamp.from(signal.at() != null ? signal.at() : now),
                    Timestamp.from(now.plus(ttl)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("journey signal " + signal.messageId() + " cannot be kept: " + e.getMessage(), e);
        }
        log.debug("{} of lead {}: no journey step waits for it yet; kept for {}", message, signal.leadId(), ttl);
    }

    /**
     * Delivers the lead's kept signals that a step now waits for, oldest first, each once (the row
     * is deleted in the delivering transaction, so two nodes never both deliver it).
     *
     * @return how many were delivered, or -1 when the lead has none kept
     */
    private int deliverBuffered(String leadId) {
        List<Map<String, Object>> rows = jdbc.queryForList("SELECT message_id, message_name, signal_json FROM"
                + " baton_journey_buffer WHERE lead_id = ? AND expires_at > ? ORDER BY received_at, message_id",
                leadId, Timestamp.from(clock.instant()));
        if (rows.isEmpty()) {
            return -1;
        }
        int delivered = 0;
        for (Map<String, Object> row : rows) {
            String message = (String) row.get("message_name");
            List<String> steps = jdbc.queryForList(waitingSteps, String.class, message, leadId);
            if (steps.isEmpty()) {
                continue;
            }
            if (jdbc.update("DELETE FROM baton_journey_buffer WHERE message_id = ? AND message_name = ?",
                    row.get("message_id"), message) == 0) {
                continue; // another node delivered it
            }
            int here = deliverTo(message, leadId, steps, variables(readSignal((String) row.get("signal_json"))));
            delivered += here;
            if (here > 0) {
                log.info("Kept {} of lead {} delivered to the journey step that now waits for it", message, leadId);
            }
        }
        return delivered;
    }

    /**
     * One sweep over every node's kept signals: those a step now waits for (a journey that got
     * there after an external task or a timer) are delivered; expired ones are counted per message
     * and logged, never dropped silently. Runs on every node; each signal is delivered once.
     */
    public int sweepBuffer() {
        Instant now = clock.instant();
        List<String> leads = jdbc.queryForList(waitedFor, String.class, Timestamp.from(now));
        int delivered = 0;
        for (String lead : leads.subList(0, Math.min(leads.size(), 500))) {
            Integer here = transactions.execute(status -> Math.max(0, deliverBuffered(lead)));
            delivered += here == null ? 0 : here;
        }
        for (String message : jdbc.queryForList("SELECT DISTINCT message_name FROM baton_journey_buffer WHERE expires_at <= ?",
                String.class, Timestamp.from(now))) {
            transactions.executeWithoutResult(status -> {
                int expired = jdbc.update("DELETE FROM baton_journey_buffer WHERE message_name = ? AND expires_at <= ?",
                        message, Timestamp.from(now));
                if (expired == 0) {
                    return;
                }
                if (jdbc.update("UPDATE baton_journey_buffer_expired SET expired = expired + ?, last_expired_at = ?"
                        + " WHERE message_name = ?", expired, Timestamp.from(now), message) == 0) {
                    jdbc.update("INSERT INTO baton_journey_buffer_expired (message_name, expired, last_expired_at)"
                            + " VALUES (?, ?, ?)", message, expired, Timestamp.from(now));
                }
                log.info("{} kept signal(s) '{}' expired before any journey step waited for them", expired, message);
            });
        }
        return delivered;
    }

    /** A signal kept for a lead, for the API and the console. */
    public record KeptSignal(String messageId, String message, String event, Instant at, Instant expiresAt) {
    }

    /** The signals kept for a lead (no journey step waited for them yet). */
    public List<KeptSignal> keptFor(String leadId) {
        return jdbc.query("SELECT message_id, message_name, signal_json, received_at, expires_at FROM baton_journey_buffer"
                + " WHERE lead_id = ? ORDER BY received_at, message_id", (rs, n) -> new KeptSignal(rs.getString(1),
                rs.getString(2), readSignal(rs.getString(3)).event(), rs.getTimestamp(4).toInstant(),
                rs.getTimestamp(5).toInstant()), leadId);
    }

    /** Kept signals that expired unused, per message name. */
    public Map<String, Long> expiredUnused() {
        Map<String, Long> counts = new TreeMap<>();
        jdbc.query("SELECT message_name, expired FROM baton_journey_buffer_expired",
                rs -> {
                    counts.put(rs.getString(1), rs.getLong(2));
                });
        return counts;
    }

    private JourneySignal readSignal(String text) {
        try {
            return json.readValue(text, JourneySignal.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a kept journey signal cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * How long a signal of this name is kept: the longest that a deployed journey declares (process
     * property {@code ttl:<message name>}, an ISO duration), else {@code baton.journeys.signal-ttl}.
     */
    private Duration ttlOf(String message) {
        Duration declared = declaredTtls().get(message);
        return declared != null ? declared : settings.signalTtl();
    }

    /** Deployed journeys' declared times to live, longest per message; read again at most every 30 s, not per signal. */
    private Map<String, Duration> declaredTtls() {
        DeclaredTtls current = declared;
        if (current != null && clock.instant().isBefore(current.readAt().plusSeconds(30))) {
            return current.ttls();
        }
        Map<String, Duration> ttls = new HashMap<>();
        for (ProcessDefinition definition : repository.createProcessDefinitionQuery().latestVersion().active().list()) {
            ttlsByDefinition.computeIfAbsent(definition.getId(), this::declaredTtls)
                    .forEach((message, ttl) -> ttls.merge(message, ttl, (a, b) -> a.compareTo(b) >= 0 ? a : b));
        }
        declared = new DeclaredTtls(clock.instant(), Map.copyOf(ttls));
        return declared.ttls();
    }

    private record DeclaredTtls(Instant readAt, Map<String, Duration> ttls) {
    }

    private Map<String, Duration> declaredTtls(String definitionId) {
        Map<String, Duration> ttls = new HashMap<>();
        processProperties(definitionId).forEach((name, value) -> {
            if (name.startsWith(TTL_PREFIX)) {
                try {
                    ttls.put(name.substring(TTL_PREFIX.length()).strip(), Duration.parse(value.strip()));
                } catch (DateTimeParseException e) {
                    log.warn("{}: {} = '{}' is not an ISO duration (PT1H); the default applies", definitionId, name, value);
                }
            }
        });
        return ttls;
    }

    private Map<String, String> processProperties(String definitionId) {
        Map<String, String> properties = new HashMap<>();
        Process process = repository.getBpmnModelInstance(definitionId).getModelElementsByType(Process.class).stream()
                .filter(Process::isExecutable).findFirst().orElse(null);
        if (process == null || process.getExtensionElements() == null) {
            return properties;
        }
        for (CamundaProperties all : process.getExtensionElements().getChildElementsByType(CamundaProperties.class)) {
            for (CamundaProperty property : all.getCamundaProperties()) {
                if (property.getCamundaName() != null && property.getCamundaValue() != null) {
                    properties.put(property.getCamundaName(), property.getCamundaValue());
                }
            }
        }
        return properties;
    }

    /**
     * The event's name, and for a tier change also "Tier Changed to hot" (what a journey usually
     * waits for), for a segment move also "Segment Entered: warm-pricing" (a journey on an audience).
     */
    private static List<String> messageNames(JourneySignal signal) {
        List<String> names = new ArrayList<>(List.of(signal.event()));
        Object to = signal.properties().get("to");
        if ("Tier Changed".equals(signal.event()) && to != null) {
            names.add(TIER_CHANGED_TO + to);
        }
        Object segment = signal.properties().get("segment");
        if (SegmentMessages.isMove(signal.event()) && segment != null) {
            names.add(SegmentMessages.of(signal.event(), String.valueOf(segment)));
        }
        return names;
    }

    /**
     * What a signal tells its journeys: the lead's tier when known. The lead is the instance's
     * business key (and variable {@code leadId} from its start); nothing else is written per
     * signal (each variable written is a row and, at history level full, a history row more).
     */
    private static Map<String, Object> variables(JourneySignal signal) {
        Map<String, Object> variables = new HashMap<>();
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
    private void shareTier(JourneySignal signal, Object tier) {
        if (tier == null) {
            return;
        }
        boolean changed = TIER_CHANGED.equals(signal.event());
        for (ProcessInstance instance : runtime.createProcessInstanceQuery().processInstanceBusinessKey(signal.leadId()).list()) {
            if (!tier.equals(runtime.getVariable(instance.getId(), "tier"))) {
                runtime.setVariable(instance.getId(), "tier", tier); // written only when it changed
                changed = true;
            }
        }
        if (changed) {
            // The tier moved: a change kept for the lead (by an earlier signal) to another tier is
            // outdated (the lead cooled, say), and so is an earlier kept "Tier Changed". Only then:
            // a lead whose tier stays put costs no statement here.
            jdbc.update("DELETE FROM baton_journey_buffer WHERE lead_id = ? AND message_id <> ? AND (message_name = ?"
                    + " OR message_name LIKE ? AND message_name <> ?)", signal.leadId(), signal.messageId(), TIER_CHANGED,
                    TIER_CHANGED_TO + "%", TIER_CHANGED_TO + tier);
        }
    }

    /** A visitor's (or a merged lead's) journeys and kept signals continue under the lead it turned out to be. */
    private void adoptFormerIds(JourneySignal signal) {
        for (String former : signal.formerIds()) {
            for (ProcessInstance instance : runtime.createProcessInstanceQuery().processInstanceBusinessKey(former).list()) {
                String instanceId = instance.getId();
                // Camunda 7 has no public call for this from outside a process: RuntimeService (7.24) has
                // no updateBusinessKey and the REST API no endpoint; the public one, DelegateExecution's
                // setProcessBusinessKey, runs only inside the process. This is that same engine code (it
                // updates the history too), as a command that joins the signal's transaction.
                commands.execute(context -> {
                    context.getExecutionManager().findExecutionById(instanceId).setProcessBusinessKey(signal.leadId());
                    return null;
                });
                log.info("Journey {} of {} continues as lead {}", instance.getId(), former, signal.leadId());
            }
        }
        if (signal.formerIds().isEmpty()) {
            return;
        }
        // Kept signals and journey slots of the former ids, in two statements whatever their number.
        String in = String.join(", ", java.util.Collections.nCopies(signal.formerIds().size(), "?"));
        List<Object> update = new ArrayList<>(List.of(signal.leadId()));
        update.addAll(signal.formerIds());
        if (jdbc.update("UPDATE baton_journey_buffer SET lead_id = ? WHERE lead_id IN (" + in + ")", update.toArray()) > 0) {
            log.info("Signals kept for {} now wait for lead {}", signal.formerIds(), signal.leadId());
        }
        List<Map<String, Object>> slots = jdbc.queryForList("SELECT lead_id, process_key FROM baton_journey_active"
                + " WHERE lead_id IN (" + in + ")", signal.formerIds().toArray());
        for (Map<String, Object> slot : slots) {
            // A slot the lead holds already stays with the former id (the lead runs that journey itself).
            jdbc.update("UPDATE baton_journey_active SET lead_id = ? WHERE lead_id = ? AND process_key = ? AND NOT EXISTS"
                    + " (SELECT 1 FROM baton_journey_active held WHERE held.lead_id = ? AND held.process_key = ?)",
                    signal.leadId(), slot.get("lead_id"), slot.get("process_key"), signal.leadId(), slot.get("process_key"));
        }
    }

    /**
     * Delivers the message to every step of the lead's journeys waiting for it. One delivery can
     * end another waiting step (an interrupting event subprocess of a nurture called from a
     * nurture, say): a step whose subscription is gone by its turn is skipped, not retried, so it
     * cannot hold up the lead's later signals.
     */
    private int deliver(String message, String leadId, Map<String, Object> variables) {
        return deliverTo(message, leadId, jdbc.queryForList(waitingSteps, String.class, message, leadId), variables);
    }

    private int deliverTo(String message, String leadId, List<String> waiting, Map<String, Object> variables) {
        if (isTierChange(message)) {
            // Not to a journey handing the lead to sales already (nurture that started with the lead
            // hot went to sales at once): the change arriving after would interrupt that handoff
            // through the journey's "turned hot" event subprocess, and start a second one.
            waiting = waiting.stream().filter(step -> !handingOff(step)).toList();
        }
        int delivered = 0;
        for (String execution : waiting) {
            if (delivered > 0 && runtime.createExecutionQuery().executionId(execution)
                    .messageEventSubscriptionName(message).count() == 0) {
                log.info("{} for lead {}: step {} stopped waiting meanwhile (an earlier delivery ended it)", message, leadId,
                        execution);
                continue;
            }
            runtime.messageEventReceived(message, execution, variables);
            delivered++;
        }
        return delivered;
    }

    /** Whether the instance of this execution has called the hot-lead handoff, which still runs. */
    private boolean handingOff(String execution) {
        String handoff = settings.hotHandoff();
        if (handoff == null || handoff.isBlank()) {
            return false;
        }
        String instance = runtime.createExecutionQuery().executionId(execution).singleResult().getProcessInstanceId();
        return runtime.createProcessInstanceQuery().superProcessInstanceId(instance).processDefinitionKey(handoff).count() > 0;
    }

    private static boolean isTierChange(String message) {
        return message.equals(TIER_CHANGED) || message.startsWith(TIER_CHANGED_TO);
    }

    private List<String> start(String message, JourneySignal signal, Map<String, Object> variables) {
        List<Starter> starters = jdbc.query(startingOn, (rs, n) -> new Starter(rs.getString(1), rs.getString(2)), message);
        if (starters.isEmpty()) {
            return List.of();
        }
        List<String> started = new ArrayList<>();
        List<LeadJourney> journeys = new ArrayList<>(journeysOf(signal.leadId(), starters.stream().map(Starter::key).toList()));
        for (Starter starter : starters) {
            if (mayEnter(starter.key(), starter.definitionId(), journeys)) {
                Map<String, Object> start = new HashMap<>(variables);
                start.put(LEAD_ID, signal.leadId());
                start.put("triggerMessageId", signal.messageId());
                ProcessInstance instance = runtime.startProcessInstanceByMessageAndProcessDefinitionId(message,
                        starter.definitionId(), signal.leadId(), start);
                holdActive(starter.key(), signal.leadId(), instance.getId());
                journeys.add(new LeadJourney(starter.key(), null));
                started.add(starter.key());
            }
        }
        return started;
    }

    /** A journey (its latest active version) that starts on a message. */
    private record Starter(String definitionId, String key) {
    }

    /**
     * An entry on request (every member of a segment enters journey J): starts the journey's
     * latest active version for the lead unless its re-entry policy or a running instance says
     * no. Once per entry signal (the signal table above), so a job that is run again enters
     * nobody twice; a new job follows the re-entry policy.
     */
    private List<String> enter(JourneySignal signal, Map<String, Object> variables) {
        String key = String.valueOf(signal.properties().get("journey"));
        ProcessDefinition definition = repository.createProcessDefinitionQuery().processDefinitionKey(key)
                .latestVersion().active().singleResult();
        if (definition == null || !mayEnter(definition.getKey(), definition.getId(),
                journeysOf(signal.leadId(), List.of(definition.getKey())))) {
            return List.of();
        }
        Map<String, Object> start = new HashMap<>(variables);
        start.put(LEAD_ID, signal.leadId());
        start.put("triggerMessageId", signal.messageId());
        start.put(ENTRY_JOB, String.valueOf(signal.properties().get("job")));
        ProcessInstance instance = runtime.startProcessInstanceById(definition.getId(), signal.leadId(), start);
        holdActive(definition.getKey(), signal.leadId(), instance.getId());
        return List.of(key);
    }

    /**
     * Holds the lead's slot for this journey in {@code baton_journey_active} for the instance just
     * started, in the starting transaction. A concurrent start of the same journey for the same
     * lead (another node or partition) holds the row's lock: this one waits, then fails on the
     * primary key or finds the row held by a running instance, and throws; its transaction,
     * the instance included, rolls back, and the retried signal reaches the instance that won.
     */
    private void holdActive(String processKey, String leadId, String instanceId) {
        // One statement in the usual case (no row yet).
        if (jdbc.update("INSERT INTO baton_journey_active (lead_id, process_key, instance_id) SELECT ?, ?, ?"
                + " WHERE NOT EXISTS (SELECT 1 FROM baton_journey_active WHERE lead_id = ? AND process_key = ?)",
                leadId, processKey, instanceId, leadId, processKey) == 1) {
            return;
        }
        List<String> holder = jdbc.queryForList("SELECT instance_id FROM baton_journey_active WHERE lead_id = ?"
                + " AND process_key = ?", String.class, leadId, processKey);
        if (holder.isEmpty() || runtime.createProcessInstanceQuery().processInstanceId(holder.get(0)).count() > 0
                || jdbc.update("UPDATE baton_journey_active SET instance_id = ? WHERE lead_id = ? AND process_key = ?"
                + " AND instance_id = ?", instanceId, leadId, processKey, holder.get(0)) == 0) {
            throw new ConcurrentStartException(processKey, leadId);
        }
    }

    /** Another node recorded the same signal at the same moment (after this one found it not yet recorded). */
    private static final class AlreadyRecordedException extends RuntimeException {
        AlreadyRecordedException(JourneySignal signal, DuplicateKeyException cause) {
            super("journey signal " + signal.messageId() + " was being recorded elsewhere at the same moment", cause);
        }
    }

    /** Another node started the same journey for the same lead at the same moment: retried, it finds that one. */
    static final class ConcurrentStartException extends RuntimeException {
        ConcurrentStartException(String processKey, String leadId) {
            super("journey " + processKey + " of lead " + leadId + " was being started elsewhere at the same moment");
        }
    }

    /**
     * The lead's instances of these journeys, running (from the runtime tables, whatever the
     * history level) and ended (from history), in one query: what the one-active check and the
     * re-entry policy of each journey that may start need (instead of two queries per journey).
     * The database still enforces one active instance ({@link #holdActive}).
     */
    private List<LeadJourney> journeysOf(String leadId, List<String> keys) {
        String in = String.join(", ", java.util.Collections.nCopies(keys.size(), "?"));
        List<Object> arguments = new ArrayList<>();
        arguments.add(leadId);
        arguments.addAll(keys);
        arguments.add(leadId);
        arguments.addAll(keys);
        return jdbc.query(leadJourneys.formatted(in, in), (rs, n) -> new LeadJourney(rs.getString(1),
                rs.getTimestamp(2) == null ? null : rs.getTimestamp(2).toInstant()), arguments.toArray());
    }

    /** A journey instance of a lead: its journey's key, and when it ended (null while it runs). */
    private record LeadJourney(String key, Instant ended) {
    }

    private boolean mayEnter(String key, String definitionId, List<LeadJourney> journeys) {
        Instant lastEnded = null;
        for (LeadJourney journey : journeys) {
            if (!key.equals(journey.key())) {
                continue;
            }
            if (journey.ended() == null) {
                return false; // at most one active instance of a journey per lead
            }
            Instant ended = journey.ended();
            lastEnded = lastEnded == null || ended.isAfter(lastEnded) ? ended : lastEnded;
        }
        String policy = reentryOf(definitionId);
        if (lastEnded == null || policy.equals("always")) {
            return true;
        }
        return !policy.equals("never") && !clock.instant().isBefore(lastEnded.plus(Duration.parse(policy)));
    }

    private String reentryPolicy(String definitionId) {
        return normalise(processProperties(definitionId).getOrDefault(REENTRY, "never"), definitionId);
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
