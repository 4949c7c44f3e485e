package dev.baton.engine.leads;

import dev.baton.engine.scoring.ScoringService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.security.Principal;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * What a rule-set version does to the leads: simulate it on their history, activate it (and
 * rescore every lead), follow a rescore. The versions themselves (upload, list, test) are the
 * scoring feature's, under the same path.
 */
@RestController
@RequestMapping("/api/rulesets")
@Tag(name = "Rule sets", description = "Scoring rules: upload, simulate, activate, roll back (admin login)")
class RuleSetTrialsController {
    private final ScoringService scoring;
    private final Rescore rescore;
    private final RuleSetSimulation simulation;
    private final long simulationMaxEvents;

    RuleSetTrialsController(ScoringService scoring, Rescore rescore, RuleSetSimulation simulation,
                            @Value("${baton.scoring.simulation-max-events:1000000}") long simulationMaxEvents) {
        this.scoring = scoring;
        this.rescore = rescore;
        this.simulation = simulation;
        this.simulationMaxEvents = simulationMaxEvents;
    }

    @Operation(summary = "Activate a version (0: the default); rolling back is activating an earlier one",
            description = "The next event is scored by it, on this node at once and on every node within the sync interval.")
    @PostMapping("/{version}/activate")
    Map<String, Object> activate(@PathVariable int version,
                                 @Parameter(description = "also rescore every lead from its stored events (see POST /api/rulesets/rescore)")
                                 @RequestParam(defaultValue = "false") boolean rescore,
                                 Principal user) {
        scoring.activate(version, user.getName());
        Map<String, Object> result = new java.util.LinkedHashMap<>();
        result.put("active", version);
        if (rescore) {
            result.put("rescore", this.rescore.start(user.getName()));
        }
        return result;
    }

    @Operation(summary = "Rescore every lead from its stored events with the active rule set",
            description = "Runs in the background, throttled (baton.scoring.rescore-rate leads a second) so live events keep"
                    + " flowing; a lead an event changes meanwhile is redone, so no event is lost. Tier changes it makes are"
                    + " published as Tier Changed events (cause \"rescore\"). Answers at once with the job; follow it with"
                    + " GET /api/rulesets/rescore/{jobId}. A node runs one rescore at a time: asking again returns it.")
    @PostMapping("/rescore")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Rescore.Job startRescore(Principal user) {
        return rescore.start(user.getName());
    }

    @Operation(summary = "A rescore's progress", description = "leadsDone of leadsTotal, leads changed, tier moves, rate;"
            + " state running, done, failed or stalled (the node running it stopped reporting).")
    @GetMapping("/rescore/{jobId}")
    Rescore.Job rescoreProgress(@PathVariable String jobId) {
        return rescore.progress(jobId);
    }

    @Operation(summary = "Simulate a version on real history, against the active one; writes nothing",
            description = "Replays the last `days` days of stored events lead by lead through the active rule set and"
                    + " through this version, and reports how many leads would change tier (from → to), the leads whose"
                    + " score would change most, and the score distribution before and after. Version 0 is the default.")
    @PostMapping("/{version}/simulate")
    RuleSetSimulation.Report simulate(@PathVariable int version,
                                      @RequestParam(defaultValue = "30") @Min(1) @Max(365) int days,
                                      @RequestParam(defaultValue = "10") @Min(1) @Max(100) int top) {
        return simulation.simulate(scoring.current(), scoring.compiledVersion(version), days, top, simulationMaxEvents);
    }
}
