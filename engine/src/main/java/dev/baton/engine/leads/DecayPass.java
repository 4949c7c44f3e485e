package dev.baton.engine.leads;

import co.elastic.clients.elasticsearch._types.FieldValue;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Moves leads nobody touched to the tier their aged points put them in, on time. Scoring stores
 * on each lead when decay alone would next change its tier ({@code tierReviewAt}); this pass
 * reads only the leads whose time has come, so it costs what it changes.
 *
 * <p>Every node runs it. Writes are conditional on the version read, so when two nodes (or a
 * node and the event consumer) touch one lead, one wins and the other skips it; a lead skipped
 * stays due and is seen again on the next pass.
 */
@Component
class DecayPass {
    private static final Logger log = LoggerFactory.getLogger(DecayPass.class);
    private static final int PAGE = 500;

    private final LeadStore leads;
    private final LeadScorer scorer;
    private final TierChanges tierChanges;
    private final Clock clock;

    DecayPass(LeadStore leads, LeadScorer scorer, TierChanges tierChanges, Clock clock) {
        this.leads = leads;
        this.scorer = scorer;
        this.tierChanges = tierChanges;
        this.clock = clock;
    }

    /** What one pass did. */
    record Result(int reviewed, int moved, int skipped) {
    }

    @Scheduled(fixedDelayString = "${baton.scoring.decay-interval:1m}", initialDelayString = "${baton.scoring.decay-interval:1m}")
    void scheduled() {
        try {
            Result result = run();
            if (result.reviewed() > 0) {
                log.info("Decay pass: {} leads reviewed, {} changed tier, {} skipped (changed meanwhile; next pass)",
                        result.reviewed(), result.moved(), result.skipped());
            }
        } catch (IOException | RuntimeException e) {
            // Nothing is lost: the leads stay due and the next pass reviews them.
            log.warn("Decay pass stopped, will run again: {}", e.getMessage());
        }
    }

    /** Reviews every lead due now, page by page. */
    Result run() throws IOException {
        Instant now = clock.instant();
        int reviewed = 0;
        int moved = 0;
        int skipped = 0;
        List<FieldValue> after = null;
        while (true) {
            LeadStore.DuePage page = leads.due(now, PAGE, after);
            if (page.leads().isEmpty()) {
                return new Result(reviewed, moved, skipped);
            }
            Map<String, LeadStore.Versioned> read = new HashMap<>();
            List<LeadProfile> reviewedLeads = new ArrayList<>();
            List<TierChanges.TierChange> changes = new ArrayList<>();
            for (LeadStore.Versioned versioned : page.leads()) {
                LeadProfile before = versioned.profile();
                LeadProfile reviewedLead = scorer.review(before, now);
                read.put(before.id(), versioned);
                reviewedLeads.add(reviewedLead);
                if (reviewedLead.tier() != null && !reviewedLead.tier().equals(before.tier())) {
                    changes.add(new TierChanges.TierChange(before.id(), before.tier(), reviewedLead.tier(), reviewedLead.score(),
                            reviewedLead.ruleSetVersion(), "decay", String.valueOf(before.tierReviewAt()), now));
                }
            }
            tierChanges.publish(changes);
            Map<String, String> failed = leads.tryWriteAll(reviewedLeads, read);
            failed.forEach((id, why) -> log.debug("Decay pass skipped lead {} {}", id, why));
            reviewed += reviewedLeads.size();
            moved += (int) changes.stream().filter(change -> !failed.containsKey(change.leadId())).count();
            skipped += failed.size();
            after = page.next();
        }
    }
}
