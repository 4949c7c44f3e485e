package dev.baton.engine.leads;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.baton.rules.Activity;
import dev.baton.rules.ScoreDecay;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A lead (or a still-anonymous visitor) as stored in the leads index: every id it was known by,
 * its score with the parts that explain it, tier, tags, traits and activity.
 *
 * @param mergedInto   set on a profile that was folded into another lead (a tombstone)
 * @param kafkaOffsets the last event offset applied to this lead per topic partition, so that
 *                     re-reading a batch after a crash does not count its events twice; a lead
 *                     folded in keeps its own in its tombstone (offsets are never merged: a
 *                     folded lead's mark says nothing of the other events of its partition)
 * @param points       behaviour and fit points as of an instant; {@code score} is their rounded sum
 * @param tierReviewAt when decay alone would next move the lead to another tier (the decay pass
 *                     looks at leads whose time has come); null when it never would
 * @param recent       what the lead did lately, which rules look at (intent: pricing twice in 7 days)
 * @param mergedLeads  the ids of the leads folded into this one (their journeys continue under this id)
 * @param brought      the first share that brought the lead (not the sharer's own click, not a bot's)
 * @param journeys     where the lead stands in each journey it entered, by journey key
 * @param frozen       on a tombstone: the profile as it was when folded (not indexed), which the lead it
 *                     went to takes in once, even if the write that should have done so was lost
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LeadProfile(String id, Set<String> userIds, Set<String> anonymousIds, Set<String> emails,
                          Set<String> phones, int score, String tier, Set<String> tags, List<ScorePart> scoreParts,
                          String ruleSetVersion, Instant firstSeen, Instant lastSeen, long eventCount,
                          Map<String, Object> traits, String mergedInto, Map<String, Long> kafkaOffsets,
                          Points points, Instant tierReviewAt, List<Activity> recent, Set<String> mergedLeads,
                          LeadProfile frozen, Map<String, Counted> behaviour, Set<String> unsubscribed,
                          Memberships segments, Brought brought, Map<String, JourneyState> journeys) {

    public LeadProfile {
        userIds = userIds == null ? Set.of() : userIds;
        anonymousIds = anonymousIds == null ? Set.of() : anonymousIds;
        emails = emails == null ? Set.of() : emails;
        phones = phones == null ? Set.of() : phones;
        tags = tags == null ? Set.of() : tags;
        scoreParts = scoreParts == null ? List.of() : scoreParts;
        traits = traits == null ? Map.of() : traits;
        kafkaOffsets = kafkaOffsets == null ? Map.of() : kafkaOffsets;
        // A profile stored before points were kept: its score was all behaviour, as of its last activity.
        points = points != null ? points : score == 0 ? Points.NONE : new Points(score, 0, lastSeen);
        recent = recent == null ? List.of() : recent;
        mergedLeads = mergedLeads == null ? Set.of() : mergedLeads;
        behaviour = behaviour == null ? Map.of() : behaviour;
        unsubscribed = unsubscribed == null ? Set.of() : unsubscribed;
        segments = segments == null ? Memberships.NONE : segments;
        journeys = journeys == null ? Map.of() : journeys;
    }

    static LeadProfile newLead(String id) {
        return new LeadProfile(id, Set.of(), Set.of(), Set.of(), Set.of(), 0, null, Set.of(), List.of(), null, null,
                null, 0, Map.of(), null, Map.of(), Points.NONE, null, List.of(), Set.of(), null, Map.of(), Set.of(), Memberships.NONE, null, Map.of());
    }

    /** Known only by devices: nobody has said who this is yet. */
    @JsonIgnore
    public boolean isAnonymous() {
        return userIds.isEmpty() && emails.isEmpty() && phones.isEmpty();
    }

    LeadProfile withOffset(String partition, long offset) {
        Map<String, Long> offsets = new HashMap<>(kafkaOffsets);
        offsets.merge(partition, offset, Math::max);
        return new LeadProfile(id, userIds, anonymousIds, emails, phones, score, tier, tags, scoreParts, ruleSetVersion,
                firstSeen, lastSeen, eventCount, traits, mergedInto, offsets, points, tierReviewAt, recent, mergedLeads, frozen, behaviour, unsubscribed, segments, brought, journeys);
    }

    LeadProfile withTier(String newTier) {
        return new LeadProfile(id, userIds, anonymousIds, emails, phones, score, newTier, tags, scoreParts,
                ruleSetVersion, firstSeen, lastSeen, eventCount, traits, mergedInto, kafkaOffsets, points, tierReviewAt, recent, mergedLeads, frozen, behaviour, unsubscribed, segments, brought, journeys);
    }

    LeadProfile withTierReviewAt(Instant reviewAt) {
        return new LeadProfile(id, userIds, anonymousIds, emails, phones, score, tier, tags, scoreParts,
                ruleSetVersion, firstSeen, lastSeen, eventCount, traits, mergedInto, kafkaOffsets, points, reviewAt, recent, mergedLeads, frozen, behaviour, unsubscribed, segments, brought, journeys);
    }

    /**
     * This lead as it stands at {@code at}: behaviour points (and the parts that explain them)
     * aged by {@code decay}, score recomputed. Never ages backwards: an instant before the
     * points' own leaves the lead as it is.
     */
    LeadProfile decayedTo(Instant at, ScoreDecay decay) {
        if (at == null || points.asOf() != null && !at.isAfter(points.asOf())) {
            return this;
        }
        double factor = decay.factor(points.asOf(), at);
        Points aged = new Points(points.behaviour() * factor, points.fit(), at);
        List<ScorePart> agedParts = scoreParts.stream().map(part -> part.decayed(factor)).toList();
        return new LeadProfile(id, userIds, anonymousIds, emails, phones, aged.score(), tier, tags, agedParts,
                ruleSetVersion, firstSeen, lastSeen, eventCount, traits, mergedInto, kafkaOffsets, aged, tierReviewAt, recent, mergedLeads, frozen, behaviour, unsubscribed, segments, brought, journeys);
    }

    /** This lead with nothing scored yet (for a rescore): ids, traits, activity span and offsets kept. */
    LeadProfile cleared() {
        return new LeadProfile(id, userIds, anonymousIds, emails, phones, 0, null, Set.of(), List.of(), null, firstSeen,
                lastSeen, 0, traits, mergedInto, kafkaOffsets, Points.NONE, null, List.of(), mergedLeads, frozen, behaviour, unsubscribed, segments, brought, journeys);
    }

    /** This lead with one more occurrence of a behaviour segments count (idempotent: an occurrence counts once). */
    LeadProfile counting(TrackedBehaviour tracked, Instant at, String messageId) {
        Map<String, Counted> counted = new LinkedHashMap<>(behaviour);
        Counted before = counted.getOrDefault(tracked.key(), Counted.NONE);
        Counted after = before.with(at, messageId, tracked.atLeast());
        if (after.equals(before)) {
            return this;
        }
        counted.put(tracked.key(), after);
        return new LeadProfile(id, userIds, anonymousIds, emails, phones, score, tier, tags, scoreParts, ruleSetVersion,
                firstSeen, lastSeen, eventCount, traits, mergedInto, kafkaOffsets, points, tierReviewAt, recent, mergedLeads,
                frozen, Map.copyOf(counted), unsubscribed, segments, brought, journeys);
    }

    /** This lead opted out of a channel ("email", "sms"). */
    LeadProfile unsubscribedFrom(String channel) {
        if (channel == null || unsubscribed.contains(channel)) {
            return this;
        }
        return new LeadProfile(id, userIds, anonymousIds, emails, phones, score, tier, tags, scoreParts, ruleSetVersion,
                firstSeen, lastSeen, eventCount, traits, mergedInto, kafkaOffsets, points, tierReviewAt, recent, mergedLeads,
                frozen, behaviour, union(unsubscribed, Set.of(channel)), segments, brought, journeys);
    }

    LeadProfile withSegments(Memberships memberships) {
        return new LeadProfile(id, userIds, anonymousIds, emails, phones, score, tier, tags, scoreParts, ruleSetVersion,
                firstSeen, lastSeen, eventCount, traits, mergedInto, kafkaOffsets, points, tierReviewAt, recent, mergedLeads,
                frozen, behaviour, unsubscribed, memberships, brought, journeys);
    }

    /** This lead brought by a share, when no earlier share had brought it. */
    LeadProfile broughtBy(Brought touch) {
        Brought first = Brought.first(brought, touch);
        if (first.equals(brought)) {
            return this;
        }
        return new LeadProfile(id, userIds, anonymousIds, emails, phones, score, tier, tags, scoreParts, ruleSetVersion,
                firstSeen, lastSeen, eventCount, traits, mergedInto, kafkaOffsets, points, tierReviewAt, recent, mergedLeads,
                frozen, behaviour, unsubscribed, segments, first, journeys);
    }

    /** This lead where a journey step put it, unless it already knows a later step of that journey. */
    LeadProfile inJourney(String journey, JourneyState state) {
        JourneyState before = journeys.get(journey);
        if (before != null && !state.after(before)) {
            return this;
        }
        Map<String, JourneyState> now = new java.util.TreeMap<>(journeys);
        now.put(journey, state);
        return new LeadProfile(id, userIds, anonymousIds, emails, phones, score, tier, tags, scoreParts, ruleSetVersion,
                firstSeen, lastSeen, eventCount, traits, mergedInto, kafkaOffsets, points, tierReviewAt, recent, mergedLeads,
                frozen, behaviour, unsubscribed, segments, brought, Map.copyOf(now));
    }

    /** What is left of this profile once folded into {@code target}: its ids, pointing there. */
    LeadProfile tombstone(String target) {
        LeadProfile asItWas = frozen != null ? frozen : this;
        return new LeadProfile(id, userIds, anonymousIds, emails, phones, 0, null, Set.of(), List.of(), ruleSetVersion,
                firstSeen, lastSeen, 0, Map.of(), target, kafkaOffsets, Points.NONE, null, List.of(), mergedLeads, asItWas, Map.of(), Set.of(),
                Memberships.NONE, null, Map.of());
    }

    /**
     * A tombstone whose content {@code lead} has not taken in yet; the caller knows its folds lead
     * there (directly, or through another tombstone whose own write of it was lost).
     */
    boolean owedTo(LeadProfile lead) {
        return mergedInto != null && frozen != null && !lead.mergedLeads().contains(id);
    }

    /**
     * This lead with {@code other}'s ids, points, tags, traits and activity folded in. Both must
     * be decayed to the same instant first (see {@link #decayedTo}).
     */
    LeadProfile absorb(LeadProfile other) {
        List<ScorePart> parts = new ArrayList<>(scoreParts);
        boolean hasFit = scoreParts.stream().anyMatch(part -> !part.decays());
        other.scoreParts.stream().filter(part -> part.decays() || !hasFit).forEach(part -> ScorePart.add(parts, part));
        Map<String, Object> mergedTraits = new LinkedHashMap<>(other.traits);
        mergedTraits.putAll(traits);
        // Fit is who the lead is, not something to add up: keep this lead's, else the other's.
        Points summed = new Points(points.behaviour() + other.points.behaviour(),
                points.fit() != 0 ? points.fit() : other.points.fit(), latest(points.asOf(), other.points.asOf()));
        List<Activity> activity = new ArrayList<>(recent);
        activity.addAll(other.recent);
        activity.sort(java.util.Comparator.comparing(Activity::at));
        return new LeadProfile(id, union(userIds, other.userIds), union(anonymousIds, other.anonymousIds),
                union(emails, other.emails), union(phones, other.phones), summed.score(), tier,
                union(tags, other.tags), List.copyOf(parts), ruleSetVersion, earliest(firstSeen, other.firstSeen),
                latest(lastSeen, other.lastSeen), eventCount + other.eventCount, mergedTraits, mergedInto, kafkaOffsets,
                summed, tierReviewAt, List.copyOf(activity.size() > Activity.MAX
                        ? activity.subList(activity.size() - Activity.MAX, activity.size()) : activity),
                union(union(mergedLeads, other.mergedLeads), Set.of(other.id)), frozen,
                Counted.union(behaviour, other.behaviour), union(unsubscribed, other.unsubscribed), segments, Brought.first(brought, other.brought), JourneyState.latest(journeys, other.journeys));
    }

    /**
     * The numeric traits, each as text whose order is the numbers' order ({@link SortableNumber}),
     * stored in a flattened field: segments compare them as numbers ("employees at least 100")
     * without a mapped field per trait.
     */
    @com.fasterxml.jackson.annotation.JsonProperty(access = com.fasterxml.jackson.annotation.JsonProperty.Access.READ_ONLY)
    public Map<String, String> traitNumbers() {
        Map<String, String> numbers = new java.util.TreeMap<>();
        traits.forEach((name, value) -> {
            if (value instanceof Number number) {
                numbers.put(name, SortableNumber.of(number.doubleValue()));
            }
        });
        return numbers;
    }

    /** The ids a share may have brought this lead under: its devices' visitor ids and its own. */
    @JsonIgnore
    public Set<String> visitorIds() {
        Set<String> ids = new LinkedHashSet<>(anonymousIds);
        ids.add(id);
        return ids;
    }

    /** The ids this lead's journeys may still run under: leads folded into it and its devices' visitor leads. */
    @JsonIgnore
    public List<String> formerIds() {
        Set<String> former = new LinkedHashSet<>(mergedLeads);
        former.addAll(anonymousIds);
        former.remove(id);
        return List.copyOf(former);
    }

    private static <T> Set<T> union(Set<T> a, Set<T> b) {
        Set<T> all = new LinkedHashSet<>(a);
        all.addAll(b);
        return all;
    }

    static Instant earliest(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isBefore(b) ? a : b;
    }

    static Instant latest(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
    }
}
