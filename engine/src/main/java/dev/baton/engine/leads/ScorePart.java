package dev.baton.engine.leads;

import java.time.Instant;
import java.util.List;

/**
 * One line of a lead's score explanation: a rule, the reason it gave, the points it added in
 * total, how many times it fired, and what those points are worth now that they have aged
 * ("Pricing page viewed: +40, pricing page, 2 times, worth 31.2").
 *
 * @param kind  "points" (behaviour, decays) or "fit" (who the lead is, does not decay)
 * @param value the part's worth as of the lead's {@link Points#asOf()}
 */
record ScorePart(String rule, String reason, String kind, int points, int times, Instant lastAt, double value) {

    boolean decays() {
        return !"fit".equals(kind);
    }

    ScorePart decayed(double factor) {
        return decays() && factor != 1.0 ? new ScorePart(rule, reason, kind, points, times, lastAt, value * factor) : this;
    }

    /** Adds a part to a list of parts, summing into the line of the same rule and reason. */
    static void add(List<ScorePart> parts, ScorePart added) {
        for (int i = 0; i < parts.size(); i++) {
            ScorePart part = parts.get(i);
            if (part.rule().equals(added.rule()) && part.reason().equals(added.reason())) {
                parts.set(i, new ScorePart(part.rule(), part.reason(), part.kind(), part.points() + added.points(),
                        part.times() + added.times(), LeadProfile.latest(part.lastAt(), added.lastAt()),
                        part.value() + added.value()));
                return;
            }
        }
        parts.add(added);
    }
}
