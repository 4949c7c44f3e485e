package dev.baton.rules;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * What scoring keeps about a lead between events: behaviour points (which decay) and fit points
 * (which do not) as of an instant, tier and tags. The engine stores it inside the lead profile;
 * a simulation keeps it in memory while it replays a lead's events.
 *
 * @param asOf   null for a lead never scored
 * @param recent    what the lead did lately (see {@link Activity}), oldest first
 * @param firstSeen its first event (null for a lead never scored)
 */
public record LeadState(double behaviour, double fit, Instant asOf, String tier, Set<String> tags,
                        List<Activity> recent, Instant firstSeen) {
    public static final LeadState NEW = new LeadState(0, 0, null, null, Set.of(), List.of(), null);

    public LeadState {
        tags = tags == null ? Set.of() : Set.copyOf(tags);
        recent = recent == null ? List.of() : List.copyOf(recent);
    }

    public LeadState(double behaviour, double fit, Instant asOf, String tier, Set<String> tags) {
        this(behaviour, fit, asOf, tier, tags, List.of(), null);
    }

    public int score() {
        return ScoreDecay.score(behaviour, fit);
    }
}
