package dev.baton.engine.leads;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Clock;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Leads and visitors as Baton knows them: ids, score with its explanation, tier, tags, activity. */
@RestController
@RequestMapping("/api/leads")
@Tag(name = "Leads", description = "Lead profiles, timelines and search (admin login)")
class LeadController {
    private final LeadStore leads;
    private final LeadQueries queries;
    private final LeadScorer scorer;
    private final Clock clock;
    private final dev.baton.engine.advocacy.LeadAttribution attribution;

    LeadController(LeadStore leads, LeadQueries queries, LeadScorer scorer, Clock clock,
                   dev.baton.engine.advocacy.LeadAttribution attribution) {
        this.attribution = attribution;
        this.leads = leads;
        this.queries = queries;
        this.scorer = scorer;
        this.clock = clock;
    }

    @Operation(summary = "A lead's profile",
            description = "Score with the rules and reasons that gave it, tier, tags, every id it was known by, traits and"
                    + " activity, as it stands now: behaviour points are shown decayed to this instant (the stored"
                    + " profile holds them as of its last change). A visitor id that was merged into a lead answers with"
                    + " that lead. 404 when never seen.")
    @GetMapping("/{id}")
    LeadDetails lead(@PathVariable String id) {
        LeadScorer.Reviewed now = scorer.explain(leads.get(id), clock.instant());
        return new LeadDetails(LeadView.of(now.lead()), now.why(), attribution.of(now.lead().visitorIds()));
    }

    /**
     * A lead profile with "why this tier" in words.
     *
     * @param whyThisTier the score, its band, the parts with their reasons and their worth now, and
     *                    when decay alone would move the lead
     * @param attribution first- and last-touch share and the chain that brought the lead ("brought
     *                    by Alice via Bob's re-share"); null when no share did
     */
    record LeadDetails(@JsonUnwrapped LeadView lead, String whyThisTier,
                    dev.baton.engine.advocacy.LeadAttribution.View attribution) {
    }

    @Operation(summary = "A lead's events, newest first (paged)")
    @GetMapping("/{id}/events")
    LeadQueries.Page<Map<String, Object>> events(@PathVariable String id,
                                                 @RequestParam(defaultValue = "0") @Min(0) int page,
                                                 @RequestParam(defaultValue = "50") @Min(1) @Max(500) int size) {
        return queries.timeline(id, page, size);
    }

    @Operation(summary = "Search leads", description = "By email, phone, user or visitor id, tag or tier (query), and/or"
            + " filtered by tier and tag; most recently active first. Merged visitors are not listed.")
    @GetMapping
    LeadQueries.Page<LeadView> search(
            @Parameter(description = "an email, phone (+…), user id, visitor id, tag or tier") @RequestParam(required = false) String query,
            @RequestParam(required = false) String tier,
            @RequestParam(required = false) String tag,
            @RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(defaultValue = "50") @Min(1) @Max(500) int size) {
        return queries.search(query, tier, tag, page, size).map(LeadView::of);
    }
}
