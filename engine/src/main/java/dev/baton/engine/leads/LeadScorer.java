package dev.baton.engine.leads;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.engine.identity.PersonIds;
import dev.baton.engine.scoring.ScoringService;
import dev.baton.engine.tracking.TrackedEvent;
import dev.baton.rules.BehaviourEvent;
import dev.baton.rules.CompiledRuleSet;
import dev.baton.rules.Lead;
import dev.baton.rules.LeadState;
import dev.baton.rules.ScoreCard;
import dev.baton.rules.ScoreChange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Applies one event to a lead's profile: ages its points to the event, runs the rules, folds
 * their changes into the profile, and works out when decay alone would next change its tier.
 */
@Component
class LeadScorer {
    private final ScoringService scoring;
    private final ObjectMapper json;
    private final io.micrometer.core.instrument.Timer timer;

    LeadScorer(ScoringService scoring, ObjectMapper json, io.micrometer.core.instrument.MeterRegistry metrics) {
        this.scoring = scoring;
        this.json = json;
        this.timer = io.micrometer.core.instrument.Timer.builder("baton.scoring")
                .description("Time to run the active rule set over one event").register(metrics);
    }

    /** The profile after the event, and the card that explains the change. */
    record Scored(LeadProfile profile, ScoreCard card) {
    }

    Scored apply(LeadProfile lead, TrackedEvent event, PersonIds ids, Map<String, Object> traits) {
        long started = System.nanoTime();
        try {
            return apply(scoring.current(), lead,
                    new BehaviourEvent(event.messageId(), lead.id(), event.event(), event.properties(json), event.timestamp()),
                    ids, traits);
        } finally {
            timer.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    private static Scored apply(CompiledRuleSet rules, LeadProfile lead, BehaviourEvent event, PersonIds ids,
                                Map<String, Object> traits) {
        // Points are kept as of the latest instant seen: an event older than that (late, replayed)
        // adds its points already aged, so arrival order does not change the score.
        Instant at = LeadProfile.latest(lead.points().asOf(), event.getTimestamp());
        LeadProfile aged = lead.decayedTo(at, rules.decay());
        Map<String, Object> mergedTraits = new LinkedHashMap<>(aged.traits());
        mergedTraits.putAll(traits);
        CompiledRuleSet.Step step = rules.apply(aged.id(), state(aged), mergedTraits, event);

        List<ScorePart> parts = new ArrayList<>(aged.scoreParts());
        // Fit is recomputed from the traits on every event: this event's fit parts replace the old ones.
        parts.removeIf(part -> !part.decays());
        for (ScoreChange change : step.card().changes()) {
            if (change.kind() == ScoreChange.Kind.POINTS) {
                ScorePart.add(parts, new ScorePart(change.rule(), change.reason(), "points", change.points(), 1,
                        event.getTimestamp(), change.points() * step.lateFactor()));
            } else if (change.kind() == ScoreChange.Kind.FIT) {
                ScorePart.add(parts, new ScorePart(change.rule(), change.reason(), "fit", change.points(), 1,
                        event.getTimestamp(), change.points()));
            }
        }
        LeadState after = step.state();
        Points points = new Points(after.behaviour(), after.fit(), after.asOf());
        LeadProfile next = new LeadProfile(aged.id(), plus(aged.userIds(), ids.userId()),
                plus(aged.anonymousIds(), ids.anonymousId()), plus(aged.emails(), ids.email()),
                plus(aged.phones(), ids.phone()), points.score(), after.tier(), after.tags(), List.copyOf(parts),
                rules.version(), LeadProfile.earliest(aged.firstSeen(), event.getTimestamp()),
                LeadProfile.latest(aged.lastSeen(), event.getTimestamp()), aged.eventCount() + 1, mergedTraits, null,
                aged.kafkaOffsets(), points, rules.nextTierChange(after.behaviour(), after.fit(), at).orElse(null),
                after.recent(), aged.mergedLeads(), null, aged.behaviour(), aged.unsubscribed(), aged.segments(),
                aged.brought(), aged.journeys());
        return new Scored(next, step.card());
    }

    /**
     * The lead scored afresh by the active rule set from its stored events (oldest first), as it
     * stands at {@code now}: ids, traits, activity span and Kafka offsets are kept; points, parts,
     * tags, tier and recent activity are rebuilt.
     */
    LeadProfile rebuilt(LeadProfile lead, List<BehaviourEvent> events, Instant now) {
        CompiledRuleSet rules = scoring.current();
        LeadProfile rebuilt = lead.cleared();
        for (BehaviourEvent event : events) {
            rebuilt = apply(rules, rebuilt, event, PersonIds.NONE, Map.of()).profile();
        }
        return retier(rules, rebuilt.decayedTo(now, rules.decay()));
    }

    /** {@code source} folded into {@code lead}, both aged to the same instant, and tiered for the combined score. */
    LeadProfile merge(LeadProfile lead, LeadProfile source) {
        CompiledRuleSet rules = scoring.current();
        Instant at = LeadProfile.latest(lead.points().asOf(), source.points().asOf());
        if (at == null) {
            return retier(rules, lead.absorb(source));
        }
        return retier(rules, lead.decayedTo(at, rules.decay()).absorb(source.decayedTo(at, rules.decay())));
    }

    /** The lead as it stands at {@code now}: points aged, tier rules applied to the aged score. */
    LeadProfile review(LeadProfile lead, Instant now) {
        CompiledRuleSet rules = scoring.current();
        return retier(rules, lead.decayedTo(now, rules.decay()));
    }

    /** The lead as it stands now, with why it is in its tier. */
    record Reviewed(LeadProfile lead, String why) {
    }

    Reviewed explain(LeadProfile lead, Instant now) {
        CompiledRuleSet rules = scoring.current();
        LeadProfile reviewed = retier(rules, lead.decayedTo(now, rules.decay()));
        return new Reviewed(reviewed, TierExplanation.of(reviewed, rules));
    }

    private static LeadProfile retier(CompiledRuleSet rules, LeadProfile lead) {
        String tier = rules.tier(new Lead(lead.id(), lead.score(), lead.tier(), lead.tags(), lead.traits()));
        LeadProfile tiered = tier == null ? lead : lead.withTier(tier);
        Points points = tiered.points();
        return tiered.withTierReviewAt(points.asOf() == null ? null
                : rules.nextTierChange(points.behaviour(), points.fit(), points.asOf()).orElse(null));
    }

    private static LeadState state(LeadProfile lead) {
        Points points = lead.points();
        return new LeadState(points.behaviour(), points.fit(), points.asOf(), lead.tier(), lead.tags(), lead.recent(),
                lead.firstSeen());
    }

    private static Set<String> plus(Set<String> set, String value) {
        if (value == null || set.contains(value)) {
            return set;
        }
        Set<String> more = new LinkedHashSet<>(set);
        more.add(value);
        return more;
    }
}
