package dev.baton.engine.funnel;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.List;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The funnel the console draws, as JSON. */
@RestController
@RequestMapping("/api/funnel")
@Tag(name = "Funnel", description = "Share to conversion, per campaign and period (admin login)")
class FunnelController {
    private final Funnel funnel;

    FunnelController(Funnel funnel) {
        this.funnel = funnel;
    }

    @Operation(summary = "The funnel: share, click, visit, form, MQL (warm), SQL (hot), accepted, converted",
            description = "Counted as a cohort, so no step exceeds the one before it. share: share links made in the"
                    + " period. click: of those links, the ones with at least one counted (honest) click in the period;"
                    + " enteredHere: links made before the period but clicked in it. visit, form, mql (tier changed to warm"
                    + " or hot), sql (tier changed to hot), accepted (Sales Accepted), converted (Sales Converted): people"
                    + " (leads, or visitors not yet known, by lead id) with that event in the period who also had every"
                    + " earlier step's event from visit on, in any order; enteredHere: people with the step's event who"
                    + " missed an earlier step (count + enteredHere = everyone with the event). fromPrevious: count /"
                    + " the previous step's count, at most 1; null for share, for visit (links before it, people from it"
                    + " on) and after an empty step. A campaign narrows the people to those its shares brought first (all"
                    + " of them, a page of 1,000 visitors at a time). medianHours: time from the previous step (a sample of"
                    + " the 1,000 people most active in both, for a campaign among its first page of people; recomputed at most once a minute per node); timing=false leaves it out.")
    @GetMapping
    Funnel.Report funnel(@RequestParam(required = false) String campaign,
                         @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
                         @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to,
                         @RequestParam(defaultValue = "true") boolean timing) {
        return funnel.report(blank(campaign), from, to, timing);
    }

    @Operation(summary = "The leads at a step (visit or later), most recent first: the drill-down of a funnel figure")
    @GetMapping("/leads")
    List<String> leads(@RequestParam String step, @RequestParam(required = false) String campaign,
                       @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
                       @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to,
                       @RequestParam(defaultValue = "50") int size) {
        try {
            return funnel.leadsAt(Funnel.Step.of(step), blank(campaign), from, to, Math.min(Math.max(size, 1), 500));
        } catch (IllegalArgumentException e) {
            throw new org.springframework.web.server.ResponseStatusException(org.springframework.http.HttpStatus.BAD_REQUEST,
                    e.getMessage());
        }
    }

    private static String blank(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
