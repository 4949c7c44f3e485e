package dev.baton.engine.advocacy;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.security.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Reach, engagement, points and leaderboards; the point rules ops change. */
@RestController
@RequestMapping("/api/advocacy")
@Tag(name = "Advocacy")
class AdvocacyController {
    private final AdvocacyStats stats;
    private final AdvocacyStore store;
    private final Shares shares;
    private final AdvocacyRuleSets rules;

    AdvocacyController(AdvocacyStats stats, AdvocacyStore store, Shares shares, AdvocacyRuleSets rules) {
        this.stats = stats;
        this.store = store;
        this.shares = shares;
        this.rules = rules;
    }

    record EmployeeView(AdvocacyStats.EmployeeStats figures, List<Shares.ShareLink> links) {
    }

    record RulesUpload(@NotEmpty(message = "give the rule files: \\{\"files\": \\{\"points.drl\": \"...\"\\}\\}")
                       Map<String, @NotNull(message = "a rule file's text") String> files) {
    }

    @Operation(summary = "Employees ranked by points, with shares, clicks, reach (direct and through re-shares), depth, "
            + "engagement, forms, leads and excluded clicks")
    @GetMapping("/leaderboard")
    List<AdvocacyStats.EmployeeStats> leaderboard(@RequestParam(required = false) String campaign,
                                                  @RequestParam(required = false) String team,
                                                  @Parameter(description = "period start (ISO instant)") @RequestParam(required = false)
                                                  @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
                                                  @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to) {
        return stats.leaderboard(new AdvocacyStats.Scope(campaign, from, to), team);
    }

    @Operation(summary = "Team table for managers: members, shares, reach, forms, leads and hot leads per team, ranked by points")
    @GetMapping("/teams")
    List<AdvocacyStats.TeamStats> teams(@RequestParam(required = false) String campaign,
                                        @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
                                        @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to) {
        return stats.teams(new AdvocacyStats.Scope(campaign, from, to));
    }

    @Operation(summary = "An employee's own view: their links, reach, leads and points")
    @GetMapping("/employees/{id}")
    EmployeeView employee(@PathVariable String id, @RequestParam(required = false) String campaign,
                          @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
                          @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to) {
        return new EmployeeView(stats.employee(id, new AdvocacyStats.Scope(campaign, from, to)),
                store.sharesBy(id).stream().map(shares::link).toList());
    }

    @Operation(summary = "A campaign's totals: links, sharing employees, clicks, reach, depth, engagement, forms, leads, "
            + "hot leads, conversions, points and excluded clicks")
    @GetMapping("/campaigns/{id}")
    AdvocacyStats.CampaignStats campaign(@PathVariable String id,
                                         @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
                                         @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to) {
        return stats.campaign(new AdvocacyStats.Scope(id, from, to));
    }

    @Operation(summary = "Clicks excluded from reach and points, by reason: self, repeat, bot, burst, no-js")
    @GetMapping("/excluded")
    Map<String, Long> excluded(@RequestParam(required = false) String campaign,
                               @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
                               @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to) {
        return stats.excluded(new AdvocacyStats.Scope(campaign, from, to));
    }

    @Operation(summary = "The active advocacy point rules (DRL over AdvocacyActivity)")
    @GetMapping("/rules")
    dev.baton.engine.search.RuleVersions.Version activeRules() {
        return rules.version(rules.activeVersion());
    }

    @Operation(summary = "Upload new advocacy point rules; compiled first (422 with file and line on errors), then activated")
    @PostMapping("/rules")
    @ResponseStatus(HttpStatus.CREATED)
    dev.baton.engine.search.RuleVersions.Version uploadRules(@Valid @RequestBody RulesUpload upload, Principal user) {
        return rules.upload(upload.files(), user == null ? "unknown" : user.getName());
    }

    @Operation(summary = "Activate an earlier version of the advocacy point rules (0 = the default)")
    @PostMapping("/rules/{version}/activate")
    dev.baton.engine.search.RuleVersions.Version activate(@PathVariable int version) {
        rules.activate(version);
        return rules.version(version);
    }
}
