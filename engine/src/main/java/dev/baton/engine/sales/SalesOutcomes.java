package dev.baton.engine.sales;

import dev.baton.engine.leads.EngineEvents;
import dev.baton.engine.web.InvalidRequestException;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.task.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * What sales did with a lead: accepted, converted or rejected (with a reason). An answer through
 * the API or the CRM webhook completes the rep's open Tasklist task, so it takes the same path
 * as an answer in Tasklist; after acceptance, converted or rejected becomes an event the waiting
 * handoff (and scoring, and any journey) sees. A rejected lead goes back to nurture.
 */
@Component
class SalesOutcomes {
    public static final Set<String> OUTCOMES = Set.of("accepted", "converted", "rejected");
    /** The handoff's user task the rep answers. */
    static final String ACCEPT_TASK = "Accept";
    private static final Logger log = LoggerFactory.getLogger(SalesOutcomes.class);
    private final Assignments assignments;
    private final EngineEvents events;
    private final TaskService tasks;
    private final Clock clock;

    SalesOutcomes(Assignments assignments, EngineEvents events, TaskService tasks, Clock clock) {
        this.assignments = assignments;
        this.events = events;
        this.tasks = tasks;
        this.clock = clock;
    }

    /** What became of an answer. */
    public record Answer(String leadId, String outcome, String rep, String how) {
    }

    /**
     * Records an outcome: the SLA hit or miss on the rep's first answer, the rep's load freed when
     * converted or rejected, and the event {@code Sales Accepted|Converted|Rejected}.
     *
     * @param key makes the event's message id: the same answer recorded twice counts once
     */
    void record(String leadId, String rep, String outcome, String reason, Instant slaDue, boolean firstAnswer, String key)
            throws IOException {
        Instant now = clock.instant();
        if (firstAnswer && rep != null) {
            assignments.recordSla(rep, slaDue == null || !now.isAfter(slaDue), "answer:" + key);
        }
        if (!outcome.equals("accepted")) {
            assignments.release(leadId);
        }
        Map<String, Object> properties = new HashMap<>();
        properties.put("rep", rep);
        if (reason != null) {
            properties.put("reason", reason);
        }
        events.publish(List.of(new EngineEvents.EngineEvent(leadId, eventName(outcome), "sales-" + outcome + ":" + key, now,
                properties)));
        log.info("Lead {} {} by {}{}", leadId, outcome, rep, reason == null ? "" : " (" + reason + ")");
    }

    /** An answer from the API or the CRM webhook. */
    public Answer answer(String leadId, String outcome, String reason, String source, String key) throws IOException {
        String normalized = outcome == null ? "" : outcome.strip().toLowerCase(Locale.ROOT);
        if (!OUTCOMES.contains(normalized)) {
            throw new InvalidRequestException("outcome", "outcome '" + outcome + "' is not one of " + OUTCOMES);
        }
        if (normalized.equals("rejected") && (reason == null || reason.isBlank())) {
            throw new InvalidRequestException("reason", "a rejection needs a reason (nurture and the manager see it)");
        }
        Task open = tasks.createTaskQuery().processInstanceBusinessKey(leadId).taskDefinitionKey(ACCEPT_TASK).list()
                .stream().findFirst().orElse(null);
        if (open != null) {
            Map<String, Object> answer = new HashMap<>();
            answer.put("outcome", normalized);
            answer.put("outcomeReason", reason);
            answer.put("outcomeSource", source);
            tasks.complete(open.getId(), answer);
            return new Answer(leadId, normalized, open.getAssignee(), "completed the rep's open sales task");
        }
        Assignments.Owner owner = assignments.owner(leadId);
        if (owner == null) {
            throw new SalesConflictException("lead " + leadId + " has no open sales task and no owner");
        }
        if (normalized.equals("accepted")) {
            return new Answer(leadId, normalized, owner.rep(), "already accepted");
        }
        record(leadId, owner.rep(), normalized, reason, null, false, key);
        return new Answer(leadId, normalized, owner.rep(), "recorded; the handoff ends " + normalized);
    }

    static String eventName(String outcome) {
        return "Sales " + Character.toUpperCase(outcome.charAt(0)) + outcome.substring(1);
    }
}
