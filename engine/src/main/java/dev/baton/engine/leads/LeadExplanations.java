package dev.baton.engine.leads;

import java.time.Clock;
import org.springframework.stereotype.Component;

/** "Why this tier" for other parts of the engine (the sales task tells the rep why the lead is hot). */
@Component
public class LeadExplanations {
    private final LeadScorer scorer;
    private final Clock clock;

    LeadExplanations(LeadScorer scorer, Clock clock) {
        this.scorer = scorer;
        this.clock = clock;
    }

    public String whyThisTier(LeadProfile lead) {
        return scorer.explain(lead, clock.instant()).why();
    }

    /** What the lead did lately, newest first, one "- time name (category)" line each. */
    public static String lastActivity(LeadProfile lead, int lines) {
        return lead.recent().stream().sorted((a, b) -> b.at().compareTo(a.at())).limit(lines)
                .map(a -> "- " + a.at() + " " + a.name() + (a.category().isEmpty() ? "" : " (" + a.category() + ")"))
                .collect(java.util.stream.Collectors.joining("\n"));
    }
}
