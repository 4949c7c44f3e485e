package dev.baton.engine.scoring;

import dev.baton.rules.RuleSetTestCase;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.security.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Rule sets as versioned artefacts that ops change while the engine runs: upload (compiled
 * first; errors by file, line and column), activate without a restart, roll back by activating
 * an earlier version. Version 0 is the default rule set. Activating, rescoring and simulating
 * work on leads and live in {@code leads.RuleSetTrialsController}, under the same path.
 */
@RestController
@RequestMapping("/api/rulesets")
@Tag(name = "Rule sets", description = "Scoring rules: upload, simulate, activate, roll back (admin login)")
class RuleSetController {
    private final ScoringService scoring;
    private final RuleSetStore store;

    RuleSetController(ScoringService scoring, RuleSetStore store) {
        this.scoring = scoring;
        this.store = store;
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
