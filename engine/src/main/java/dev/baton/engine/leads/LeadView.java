package dev.baton.engine.leads;

import dev.baton.rules.Activity;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A lead as the API and the console show it: who it is (every id it was known by), its score with
 * the parts that explain it, tier, tags, traits, activity, segments and journeys. The stored
 * {@link LeadProfile} carries more, which is the pipeline's own bookkeeping and not shown: the
 * applied Kafka offsets, a folded profile's frozen copy, numeric traits kept sortable.
 */
record LeadView(String id, Set<String> userIds, Set<String> anonymousIds, Set<String> emails, Set<String> phones,
                int score, String tier, Set<String> tags, List<ScorePart> scoreParts, String ruleSetVersion,
                Instant firstSeen, Instant lastSeen, long eventCount, Map<String, Object> traits, String mergedInto,
                Points points, Instant tierReviewAt, List<Activity> recent, Set<String> mergedLeads,
                Map<String, Counted> behaviour, Set<String> unsubscribed, Memberships segments, Brought brought,
                Map<String, JourneyState> journeys) {

    static LeadView of(LeadProfile lead) {
        return new LeadView(lead.id(), lead.userIds(), lead.anonymousIds(), lead.emails(), lead.phones(), lead.score(),
                lead.tier(), lead.tags(), lead.scoreParts(), lead.ruleSetVersion(), lead.firstSeen(), lead.lastSeen(),
                lead.eventCount(), lead.traits(), lead.mergedInto(), lead.points(), lead.tierReviewAt(), lead.recent(),
                lead.mergedLeads(), lead.behaviour(), lead.unsubscribed(), lead.segments(), lead.brought(), lead.journeys());
    }
}
