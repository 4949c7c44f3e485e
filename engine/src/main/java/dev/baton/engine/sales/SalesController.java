package dev.baton.engine.sales;

import dev.baton.engine.search.RuleVersions;
import dev.baton.engine.web.CsvRows;
import dev.baton.engine.web.InvalidRequestException;
import dev.baton.engine.web.Requests;
import jakarta.validation.Valid;
import jakarta.validation.Validator;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.security.Principal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.task.Task;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Reps, the manager queue, who owns a lead, outcomes, and the assignment rules. */
@RestController
@RequestMapping("/api/sales")
@Tag(name = "Sales", description = "Sales reps, assignment of hot leads, SLA figures, the manager queue, outcomes (admin login)")
class SalesController {
    /** The handoff's user task where managers place a queued lead. */
    private static final String QUEUE_TASK = "ManagerAssigns";
    private final Assignments assignments;
    private final SalesOutcomes outcomes;
    private final SalesConfiguration.SalesRuleSets rules;
    private final TaskService tasks;
    private final Clock clock;
    private final Validator validator;

    SalesController(Assignments assignments, SalesOutcomes outcomes, SalesConfiguration.SalesRuleSets rules,
                    TaskService tasks, Clock clock, Validator validator) {
        this.validator = validator;
        this.assignments = assignments;
        this.outcomes = outcomes;
        this.rules = rules;
        this.tasks = tasks;
        this.clock = clock;
    }

    /**
     * A rep with their figures.
     *
     * @param slaHitRate   share of first answers within the SLA (hits / (hits + misses)); null before any
     * @param openTasks    sales tasks waiting for the rep's answer
     * @param overdueTasks of those, past their SLA (about to be reassigned)
     */
    record RepStatus(Rep rep, Double slaHitRate, long openTasks, long overdueTasks) {
    }

    /** Who owns a lead, and what is waiting. */
    record LeadStatus(String leadId, String owner, java.time.Instant assignedAt, OpenTask openTask,
                      Assignments.Queued queued) {
    }

    record OpenTask(String id, String name, String assignee, Date due) {
    }

    record Imported(int reps) {
    }

    record Choice(@NotBlank(message = "name the rep: \\{\"rep\": \"anna\"\\}") String rep) {
    }

    record Outcome(@NotBlank(message = "accepted, converted or rejected") String outcome, String reason) {
    }

    record RulesUpload(@NotEmpty(message = "give the rule files: \\{\"files\": \\{\"assignment.drl\": \"...\"\\}\\}")
                       Map<String, @NotNull(message = "a rule file's text") String> files) {
    }

    @Operation(summary = "Every rep with open load (open leads of capacity) and SLA figures (hits, misses, hit rate, open and"
            + " overdue tasks)")
    @GetMapping("/reps")
    List<RepStatus> reps() {
        return assignments.reps().stream().map(this::status).toList();
    }

    @Operation(summary = "One rep with their figures")
    @GetMapping("/reps/{id}")
    RepStatus rep(@PathVariable String id) {
        return status(assignments.rep(id));
    }

    @Operation(summary = "Create or change a rep",
            description = "team and capacity are required; territories (ISO country or region codes: DE, CN-SH), industries"
                    + " and languages empty = any; workingHours like 'MON-FRI 09:00-17:00' in timeZone (IANA); notifyBy email"
                    + " or sms (needs phone); crmId is the rep's user/owner id in the CRM. openLeads and SLA figures are"
                    + " Baton's and ignored here.")
    @PutMapping("/reps/{id}")
    RepStatus putRep(@PathVariable String id, @RequestBody Rep body) {
        Rep rep = valid(body.withId(id), "");
        assignments.putRep(rep);
        return status(assignments.rep(id));
    }

    @Operation(summary = "Import reps from CSV; all rows or none",
            description = "Header: id,name,email,phone,team,territories,industries,languages,working_hours,time_zone,capacity,"
                    + "out_of_office,crm_id,notify_by (id, team and capacity required). Lists inside a cell are separated by"
                    + " ';' (DE;AT). Errors name the line.")
    @PostMapping(path = "/reps/import", consumes = "text/csv")
    Imported importReps(@RequestBody String csv) {
        List<Rep> reps = new ArrayList<>();
        for (var row : CsvRows.parse(csv, List.of("id", "team", "capacity")).entrySet()) {
            Map<String, String> cells = row.getValue();
            String where = "line " + row.getKey() + ": ";
            int capacity;
            try {
                capacity = Integer.parseInt(cells.get("capacity"));
            } catch (NumberFormatException e) {
                throw new InvalidRequestException("capacity", where + "capacity '" + cells.get("capacity") + "' is no number");
            }
            Rep rep = new Rep(cells.get("id"), cells.get("name"), cells.get("email"), blank(cells.get("phone")), cells.get("team"),
                    list(cells.get("territories")), list(cells.get("industries")), list(cells.get("languages")),
                    cells.get("working_hours"), cells.get("time_zone"), capacity, "true".equalsIgnoreCase(cells.get("out_of_office")),
                    blank(cells.get("crm_id")), cells.get("notify_by"), 0, 0, 0);
            reps.add(valid(rep, where));
        }
        assignments.putReps(reps);
        return new Imported(reps.size());
    }

    @Operation(summary = "The manager queue: leads no rep could take, oldest first, with why; filter by team")
    @GetMapping("/queue")
    List<Assignments.Queued> queue(@RequestParam(required = false) String team) {
        return assignments.queue(team);
    }

    @Operation(summary = "A manager gives a queued lead to a rep",
            description = "Completes the managers' Tasklist task of the lead's handoff with that rep (who gets the CRM task, the"
                    + " notification and the SLA). 404: no such rep; 409: the rep is at capacity or the lead waits for no"
                    + " manager.")
    @PostMapping("/queue/{leadId}/assign")
    LeadStatus assignQueued(@PathVariable String leadId, @Valid @RequestBody Choice choice) {
        Rep rep = assignments.rep(choice.rep());
        if (rep.openLeads() >= rep.capacity()) {
            throw new SalesConflictException(rep.id() + " is at capacity (" + rep.capacity() + " open leads)");
        }
        Task waiting = tasks.createTaskQuery().processInstanceBusinessKey(leadId).taskDefinitionKey(QUEUE_TASK).list()
                .stream().findFirst().orElseThrow(() -> new SalesConflictException("lead " + leadId
                        + " is not waiting for a manager"));
        tasks.complete(waiting.getId(), Map.of("chosenRep", rep.id()));
        return lead(leadId);
    }

    @Operation(summary = "Who owns a lead since when, its open sales task, or its place in the queue")
    @GetMapping("/leads/{leadId}")
    LeadStatus lead(@PathVariable String leadId) {
        Assignments.Owner owner = assignments.owner(leadId);
        Task open = tasks.createTaskQuery().processInstanceBusinessKey(leadId).list().stream().findFirst().orElse(null);
        Assignments.Queued queued = assignments.queue(null).stream().filter(q -> q.leadId().equals(leadId)).findFirst()
                .orElse(null);
        return new LeadStatus(leadId, owner == null ? null : owner.rep(), owner == null ? null : owner.assignedAt(),
                open == null ? null : new OpenTask(open.getId(), open.getName(), open.getAssignee(), open.getDueDate()), queued);
    }

    @Operation(summary = "The rep's answer: accepted, converted or rejected (with reason)",
            description = "Completes the rep's open sales task (as Tasklist would); after acceptance, converted or rejected"
                    + " ends the handoff (a rejected lead goes back to nurture). Becomes the event Sales Accepted, Sales"
                    + " Converted or Sales Rejected, which scoring and journeys see. 409 when the lead has no owner.")
    @PostMapping("/leads/{leadId}/outcome")
    SalesOutcomes.Answer outcome(@PathVariable String leadId, @Valid @RequestBody Outcome outcome) throws IOException {
        return outcomes.answer(leadId, outcome.outcome(), outcome.reason(), "api", UUID.randomUUID().toString());
    }

    @Operation(summary = "The active assignment rules (DRL over SalesLead and Candidate; the chain's 'rules' step)")
    @GetMapping("/rules")
    RuleVersions.Version activeRules() {
        return rules.version(rules.activeVersion());
    }

    @Operation(summary = "Upload new assignment rules; compiled first (422 with file and line on errors), then activated")
    @PostMapping("/rules")
    @ResponseStatus(HttpStatus.CREATED)
    RuleVersions.Version uploadRules(@Valid @RequestBody RulesUpload upload, Principal user) {
        return rules.upload(upload.files(), user == null ? "unknown" : user.getName());
    }

    @Operation(summary = "Activate an earlier version of the assignment rules (0 = the default)")
    @PostMapping("/rules/{version}/activate")
    RuleVersions.Version activateRules(@PathVariable int version) {
        rules.activate(version);
        return rules.version(version);
    }

    private RepStatus status(Rep rep) {
        var open = tasks.createTaskQuery().taskAssignee(rep.id()).taskDefinitionKey(SalesOutcomes.ACCEPT_TASK);
        long count = open.count();
        long overdue = tasks.createTaskQuery().taskAssignee(rep.id()).taskDefinitionKey(SalesOutcomes.ACCEPT_TASK)
                .dueBefore(Date.from(clock.instant())).count();
        return new RepStatus(rep, rep.slaHitRate(), count, overdue);
    }

    /** The rep when its annotations hold, with Baton's figures zeroed. */
    private Rep valid(Rep rep, String where) {
        Requests.valid(validator, rep, where);
        return new Rep(rep.id(), rep.name() == null ? rep.id() : rep.name(), rep.email(), rep.phone(), rep.team(), rep.territories(),
                rep.industries(), rep.languages(), rep.workingHours(), rep.timeZone(), rep.capacity(), rep.outOfOffice(),
                rep.crmId(), rep.notifyBy(), 0, 0, 0);
    }

    private static List<String> list(String cell) {
        return cell == null || cell.isBlank() ? List.of()
                : Arrays.stream(cell.split("[;|]")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static String blank(String cell) {
        return cell == null || cell.isBlank() ? null : cell;
    }
}
