package dev.baton.engine.sales;

import dev.baton.engine.advocacy.Employee;
import dev.baton.engine.advocacy.LeadAttribution;
import dev.baton.engine.advocacy.TeamManagers;
import dev.baton.engine.leads.EngineEvents;
import dev.baton.engine.leads.LeadExplanations;
import dev.baton.engine.leads.LeadNotFoundException;
import dev.baton.engine.leads.LeadProfile;
import dev.baton.engine.leads.LeadStore;
import dev.baton.engine.journeys.TopicWorker;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.camunda.bpm.engine.ExternalTaskService;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.externaltask.LockedExternalTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The worker for topic {@code assign-sales-rep} ("Assign a rep" and "Reassign to the next rep"
 * in the sales handoff). It gives the lead to a rep by the assignment chain (the step's
 * {@code chain} input, else the one for the lead's campaign, else {@code baton.sales.chain}), or
 * to the rep a manager chose ({@code chosenRep}), or to the manager queue; and hands the journey
 * what the next steps need: the rep and how to reach them, the SLA due date in the rep's working
 * hours, why the lead is hot, what it did lately and the share chain that brought it. With
 * {@code reassign}: the SLA passed, so the current rep loses the lead (a miss on their record)
 * and never gets it again in this handoff. Safe to run twice: assignment is idempotent per lead.
 *
 * <p>One lead, one handoff: when another handoff of the same lead started earlier and still runs
 * (a hot lead handed off directly, then a form that started nurture, which turned hot again), this
 * one assigns nobody and sets {@code withSales} to that handoff's id; the process then ends
 * "Already with sales". Two handoffs started at the same moment agree on which goes on: the one
 * that started first, ties broken by id.
 */
@Component
class SalesAssignmentWorker extends TopicWorker<Void> {
    private static final Logger log = LoggerFactory.getLogger(SalesAssignmentWorker.class);
    /** The handoff's own steps: what Baton did with the lead, not what the lead did (not scored). */
    static final String ASSIGNED = "Sales Assigned";
    static final String QUEUED = "Sales Queued";
    static final String SLA_MISSED = "Sales SLA Missed";
    private final LeadStore leads;
    private final Assignments assignments;
    private final SalesProperties properties;
    private final LeadAttribution attribution;
    private final LeadExplanations explanations;
    private final TeamManagers managers;
    private final EngineEvents events;
    private final Clock clock;
    private final HistoryService history;

    SalesAssignmentWorker(ExternalTaskService tasks, Workers workers, LeadStore leads, Assignments assignments,
                          SalesProperties properties, LeadAttribution attribution, LeadExplanations explanations,
                          TeamManagers managers, EngineEvents events, Clock clock, HistoryService history) {
        super(tasks, workers);
        this.history = history;
        this.leads = leads;
        this.assignments = assignments;
        this.properties = properties;
        this.attribution = attribution;
        this.explanations = explanations;
        this.managers = managers;
        this.events = events;
        this.clock = clock;
    }

    @Override
    protected String topic() {
        return "assign-sales-rep";
    }

    @Override
    protected void handle(LockedExternalTask task, Void batch) throws IOException {
        LeadProfile profile;
        try {
            profile = leads.get(task.getBusinessKey());
        } catch (LeadNotFoundException e) {
            // Retried, not an incident at once: a lead's first batch publishes its tier change (which can
            // start this step) before it writes the lead, so a brand-new lead may not be readable yet.
            fail(task, "the journey's business key '" + task.getBusinessKey() + "' is no lead Baton knows (yet)", true);
            return;
        }
        Map<String, Object> in = task.getVariables();
        if (!"true".equals(text(in.get("reassign"))) && text(in.get("chosenRep")) == null) {
            String earlier = earlierHandoff(task);
            if (earlier != null) {
                log.info("Lead {} is with sales already (handoff {}): handoff {} ends without a second assignment",
                        task.getBusinessKey(), earlier, task.getProcessInstanceId());
                Map<String, Object> out = new HashMap<>();
                out.put("withSales", earlier);
                complete(task, out);
                return;
            }
        }
        LeadAttribution.View brought = attribution.of(profile.visitorIds());
        Lead lead = SalesLeads.of(profile, brought);
        Set<String> tried = new LinkedHashSet<>(split(in.get("triedReps")));
        String previous = text(in.get("rep"));
        Map<String, Object> out = new HashMap<>();
        List<EngineEvents.EngineEvent> news = new java.util.ArrayList<>();
        if ("true".equals(text(in.get("reassign"))) && previous != null) {
            tried.add(previous);
            if (previous.equals(assignments.release(lead.id()))) { // a retry finds it released already
                log.info("SLA passed: lead {} taken from {}", lead.id(), previous);
            }
            assignments.recordSla(previous, false, "miss:" + task.getId());
            out.put("previousRep", previous);
            news.add(new EngineEvents.EngineEvent(lead.id(), SLA_MISSED, "sales-sla-missed:" + task.getId(),
                    clock.instant(), Map.of("rep", previous)));
        }
        String chosen = text(in.get("chosenRep"));
        Assignments.Assignment assignment;
        if (chosen != null) {
            try {
                assignment = assignments.assignTo(lead, chosen, task.getProcessInstanceId());
            } catch (SalesConflictException | SalesNotFoundException e) {
                assignment = assignments.queue(lead, "the manager's choice failed: " + e.getMessage());
            }
        } else {
            List<Strategy> chain = Strategy.chain(chainFor(in, brought));
            assignment = assignments.assign(lead, chain, task.getProcessInstanceId(), tried);
        }
        out.put("rep", assignment.rep());
        out.put("withSales", null);
        out.put("chosenRep", null);
        out.put("reassign", null);
        out.put("triedReps", String.join(",", tried));
        out.put("assignReason", assignment.reason());
        out.put("whyHot", explanations.whyThisTier(profile));
        out.put("lastActivity", LeadExplanations.lastActivity(profile, 5));
        out.put("shareChain", brought == null ? null : brought.broughtBy());
        out.put("leadName", String.valueOf(profile.traits().getOrDefault("name",
                profile.emails().isEmpty() ? profile.id() : profile.emails().iterator().next())));
        String team;
        if (assignment.rep() != null) {
            Rep rep = assignments.rep(assignment.rep());
            Instant due = rep.hours().plus(clock.instant(), properties.slaFor(lead.tier()));
            out.put("slaDue", Date.from(due));
            out.put("repName", rep.name());
            out.put("repEmail", rep.email());
            out.put("repPhone", rep.phone());
            out.put("repNotifyBy", rep.notifyBy());
            out.put("crmOwner", rep.crmId());
            out.put("queue", null);
            team = rep.team();
            log.info("Lead {} assigned to {} ({}), SLA due {}", lead.id(), rep.id(), assignment.reason(), due);
            news.add(new EngineEvents.EngineEvent(lead.id(), ASSIGNED, "sales-assigned:" + task.getId(),
                    clock.instant(), Map.of("rep", rep.id(), "reason", assignment.reason(), "slaDue", due.toString())));
        } else {
            team = assignment.queue();
            out.put("queue", team);
            out.put("slaDue", null);
            log.info("Lead {} queued for the managers of {}: {}", lead.id(), team, assignment.reason());
            news.add(new EngineEvents.EngineEvent(lead.id(), QUEUED, "sales-queued:" + task.getId(),
                    clock.instant(), Map.of("team", team, "reason", assignment.reason())));
        }
        Employee manager = managers.managerOf(team);
        out.put("managerEmail", manager != null && manager.email() != null ? manager.email() : properties.managersEmail());
        events.publish(news);
        complete(task, out);
    }

    /** Another unfinished handoff of this task's lead that goes before this one, or null. */
    private String earlierHandoff(LockedExternalTask task) {
        String self = task.getProcessInstanceId();
        HistoricProcessInstance mine = null;
        List<HistoricProcessInstance> running = history.createHistoricProcessInstanceQuery()
                .processDefinitionKey(task.getProcessDefinitionKey()).processInstanceBusinessKey(task.getBusinessKey())
                .unfinished().list();
        for (HistoricProcessInstance instance : running) {
            if (instance.getId().equals(self)) {
                mine = instance;
            }
        }
        if (mine == null) {
            return null;
        }
        java.util.Comparator<HistoricProcessInstance> order = java.util.Comparator
                .comparing(HistoricProcessInstance::getStartTime).thenComparing(HistoricProcessInstance::getId);
        HistoricProcessInstance me = mine;
        return running.stream().filter(i -> order.compare(i, me) < 0).min(order).map(HistoricProcessInstance::getId).orElse(null);
    }

    private String chainFor(Map<String, Object> in, LeadAttribution.View brought) {
        String forJourney = text(in.get("chain"));
        if (forJourney != null) {
            return forJourney;
        }
        if (brought != null && brought.firstTouch() != null && properties.chains().containsKey(brought.firstTouch().campaign())) {
            return properties.chains().get(brought.firstTouch().campaign());
        }
        return properties.chain();
    }

    private static String text(Object value) {
        return value == null || value.toString().isBlank() ? null : value.toString().strip();
    }

    private static List<String> split(Object value) {
        String text = text(value);
        return text == null ? List.of() : Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
