package dev.baton.engine.scoring;

import dev.baton.rules.RuleSetTestCase;
import dev.baton.engine.leads.Rescore;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.security.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Rule sets as versioned artefacts that ops change while the engine runs: upload (compiled
 * first; errors by file, line and column), activate without a restart, roll back by activating
 * an earlier version. Version 0 is the default rule set.
 */
@RestController
@RequestMapping("/api/rulesets")
@Tag(name = "Rule sets", description = "Scoring rules: upload, simulate, activate, roll back (admin login)")
class RuleSetController {
    private final ScoringService scoring;
    private final Rescore rescore;
    private final RuleSetStore store;
    private final RuleSetSimulation simulation;
    private final long simulationMaxEvents;

    RuleSetController(ScoringService scoring, Rescore rescore, RuleSetStore store, RuleSetSimulation simulation,
                      @Value("${baton.scoring.simulation-max-events:1000000}") long simulationMaxEvents) {
        this.scoring = scoring;
        this.rescore = rescore;
        this.store = store;
        this.simulation = simulation;
        this.simulationMaxEvents = simulationMaxEvents;
    }

    /**
     * An upload: DRL files by name, a note saying what changed, and optionally how fast behaviour
     * points decay (ISO-8601 half-life such as "P30D", or "none"; the default rule set's 30 days when absent).
     */
    record Upload(Map<String, String> files, String note, String decayHalfLife, List<RuleSetTestCase> tests) {
    }

    /** A version without its sources, for lists: who, when, why, and what changed from the version before. */
    record Summary(int version, Set<String> files, String author, String note, Instant createdAt, String decayHalfLife,
                   List<String> changes) {
    }

    record Listing(int active, List<Summary> versions) {
    }

    @Operation(summary = "Upload a rule set (not activated)",
            description = "Compiled, then its own test cases (`tests`: traits and events → expected score, tier, tags) are run."
                    + " 422 lists every compile error with file, line and column, or every test result when a case fails;"
                    + " nothing is stored then, and scoring is unchanged.")
    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    Summary upload(@RequestBody Upload upload, Principal user) {
        RuleSetVersion stored = scoring.upload(upload.files() == null ? Map.of() : upload.files(), upload.decayHalfLife(),
                upload.tests(), user.getName(), upload.note());
        return summary(stored);
    }

    @Operation(summary = "The active version and every stored version")
    @GetMapping
    Listing list() {
        return new Listing(scoring.activeVersionNumber(), store.versions().stream().map(RuleSetController::summary).toList());
    }

    @Operation(summary = "One stored version with its files (0: the default rule set Baton ships with)")
    @GetMapping("/{version}")
    RuleSetVersion version(@PathVariable int version) {
        if (version == 0) {
            return new RuleSetVersion(0, dev.baton.rules.DefaultRuleSet.files(), "Baton", "the default rule set", null, null,
                    List.of(), List.of());
        }
        return store.version(version).orElseThrow(() -> new RuleSetNotFoundException(version));
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

    @Operation(summary = "Run a stored version's own test cases", description = "Each case with its score, tier, tags and what differed.")
    @PostMapping("/{version}/test")
    List<RuleSetTestCase.Result> test(@PathVariable int version) {
        return scoring.test(version);
    }

    private static Summary summary(RuleSetVersion version) {
        return new Summary(version.version(), version.files().keySet(), version.author(), version.note(),
                version.createdAt(), version.decayHalfLife(), version.changes());
    }
}
