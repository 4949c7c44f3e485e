package dev.baton.engine.identity;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides, event by event within one batch, which lead each event belongs to, which leads fold
 * into it, and records the identity mappings that decision creates. Rules:
 * <ul>
 *   <li>an anonymous event belongs to its device's lead, or to a visitor lead named after the device;</li>
 *   <li>an event with strong ids (user, email, phone) gathers the leads they map to and its
 *       device's lead (when that one is anonymous: a shared computer's other person is not
 *       merged); they are one person, so they become one lead: the one first seen (ties: the
 *       smallest id). The choice depends only on which leads meet, not on which call came first,
 *       so two devices identifying at once on two partitions converge on the same lead, and a
 *       lead's id never changes because a newer device of the same person turns up;</li>
 *   <li>a person nobody knew keeps their device's visitor lead (its id, so its journeys and the
 *       events after identification are one stream), or, seen without an anonymous device, gets
 *       a new opaque lead id derived from the strong id (deterministic: replays converge);</li>
 *   <li>an {@code alias} folds the lead of {@code previousId} into the person's lead, known or not.</li>
 * </ul>
 * Every key of a folded lead is remapped to the surviving one, so no id is left pointing at a tombstone.
 */
public final class BatchIdentities {
    private final Map<String, String> known;
    private final Leads leads;
    private final Map<String, String> created = new LinkedHashMap<>();
    private final Map<String, String> remapped = new LinkedHashMap<>();
    /** Remapped keys → the lead they named before (a tombstone its lead had taken in). */
    private final Map<String, String> movedFrom = new LinkedHashMap<>();
    /** Stored keys → the lead they named before they were last moved. */
    private final Map<String, String> formerLeads;
    /** Leads folded into another during this batch → where they went. */
    private final Map<String, String> folded = new LinkedHashMap<>();
    /** Stored tombstones the current resolution passed on its way to a live lead. */
    private final Set<String> passing = new LinkedHashSet<>();
    /** Leads that gained a strong id during this batch: no longer anonymous. */
    private final Set<String> identified = new HashSet<>();

    /** What resolution needs to know of the stored lead profiles (read before resolving). */
    public interface Leads {
        /** Whether the lead has a profile. */
        boolean exists(String leadId);

        /** Known only by devices (or not stored at all). */
        boolean isAnonymous(String leadId);

        /** Where a folded lead went, or null. */
        String mergedInto(String leadId);

        /** Whether the lead's stored profile has taken in {@code other} (a lead folded into it). */
        boolean absorbed(String leadId, String other);

        /** When the stored lead was first seen; null when it is not stored (yet). */
        Instant firstSeen(String leadId);
    }

    public BatchIdentities(Map<String, String> stored, Leads leads) {
        this(stored, Map.of(), leads);
    }

    /**
     * @param stored      the stored mappings of the batch's keys
     * @param formerLeads of those keys that were moved: the lead each named before
     */
    public BatchIdentities(Map<String, String> stored, Map<String, String> formerLeads, Leads leads) {
        this.known = new LinkedHashMap<>(stored);
        this.formerLeads = formerLeads;
        this.leads = leads;
    }

    /**
     * @param leadId       the lead the event belongs to
     * @param mergeFrom    leads to fold into it first (each a tombstone afterwards), nearest the lead
     *                     first; empty when none
     * @param earlierLeads stored leads, now folded into {@code leadId}, that this event's ids led to
     *                     before: an event redelivered after one of them had applied it is not applied
     *                     again (their Kafka offsets say so; the lead's own offsets speak only for
     *                     events applied to it)
     */
    public record Resolution(String leadId, List<String> mergeFrom, Set<String> earlierLeads) {
        public Resolution {
            mergeFrom = List.copyOf(mergeFrom);
            earlierLeads = Set.copyOf(earlierLeads);
        }

        public Resolution(String leadId, List<String> mergeFrom) {
            this(leadId, mergeFrom, Set.of());
        }

        public static Resolution of(String leadId) {
            return new Resolution(leadId, List.of());
        }
    }

    public Resolution resolve(PersonIds ids, boolean alias) {
        passing.clear();
        Resolution decided = decide(ids, alias);
        // The leads named after this event's own ids (its device's visitor lead, the click's visitor,
        // the aliased id) are followed too: their keys had no mapping before the fold that made them
        // tombstones, so that fold created the mapping straight to the lead, and a retry after the
        // lead's write was lost would otherwise never pass the tombstone that holds their content.
        for (String named : new String[] {ids.anonymousId(), ids.clickVisitor(), alias ? ids.previousId() : null}) {
            if (named != null) {
                live(named);
            }
        }
        // A key moved off a tombstone once its lead took it in: that tombstone may have applied an
        // event of this batch before the batch was interrupted.
        for (String key : ids.allKeys()) {
            String former = formerLeads.get(key);
            if (former != null) {
                live(former);
            }
        }
        String lead = decided.leadId();
        Set<String> earlier = new LinkedHashSet<>();
        for (String tombstone : List.copyOf(passing)) {
            if (!tombstone.equals(lead) && leads.mergedInto(tombstone) != null && live(tombstone).equals(lead)) {
                earlier.add(tombstone);
            }
        }
        // Tombstones passed on the way may still owe the lead their content (a write that should have
        // taken it in was lost): the pipeline takes in those it has not, nearest the lead first (a
        // nearer one may hold a farther one already, which is then not taken in twice).
        List<String> mergeFrom = new ArrayList<>(decided.mergeFrom());
        earlier.stream().filter(tombstone -> !mergeFrom.contains(tombstone) && !leads.absorbed(lead, tombstone))
                .sorted(Comparator.comparingInt(tombstone -> folds(tombstone).size())).forEach(mergeFrom::add);
        return new Resolution(lead, mergeFrom, earlier);
    }

    private Resolution decide(PersonIds ids, boolean alias) {
        boolean explicit = alias && ids.previousId() != null && ids.userId() != null;
        String clicked = clickedLead(ids);
        if (ids.strongKeys().isEmpty() && clicked == null) {
            String device = deviceLead(ids);
            return Resolution.of(device != null ? device : live(ids.userId()));
        }
        Set<String> people = new TreeSet<>();
        for (String key : ids.strongKeys()) {
            if (known.containsKey(key)) {
                people.add(live(known.get(key)));
            }
        }
        String device = deviceLead(ids);
        Set<String> meeting = new TreeSet<>(people);
        // With strong ids, the device's lead joins only while anonymous (a shared computer's other
        // person is not merged); joining a click, the device is the person who clicked.
        if (device != null && (people.contains(device) || isAnonymous(device) || ids.strongKeys().isEmpty())) {
            meeting.add(device);
        }
        if (clicked != null) {
            meeting.add(clicked);
        }
        if (explicit) {
            String previous = known.containsKey("user:" + ids.previousId()) ? known.get("user:" + ids.previousId())
                    : known.getOrDefault("anon:" + ids.previousId(), ids.previousId());
            meeting.add(live(previous));
        }
        String lead = meeting.isEmpty() ? LeadIds.forPerson(ids.strongKeys().get(0)) : oldest(meeting);
        List<String> mergeFrom = new ArrayList<>();
        for (String other : meeting) {
            if (!other.equals(lead)) {
                // Also a lead with no profile yet: another node may be writing it right now (its
                // identities land before its profile). The pipeline leaves a tombstone in its place,
                // created only if absent, so that node's write conflicts and its batch is redone
                // with this fold in view, rather than both leads living on.
                fold(other, lead);
                mergeFrom.add(other);
            }
        }
        ids.strongKeys().forEach(key -> map(key, lead));
        if (ids.anonymousKey() != null) {
            map(ids.anonymousKey(), lead);
        }
        if (clicked != null) {
            map("anon:" + ids.clickVisitor(), lead);
            map(ids.clickKey(), lead);
        }
        if (explicit) {
            map("anon:" + ids.previousId(), lead);
            if (known.containsKey("user:" + ids.previousId())) {
                map("user:" + ids.previousId(), lead);
            }
        }
        if (!ids.strongKeys().isEmpty()) {
            identified.add(lead);
        }
        // A retried batch whose identity writes partly landed: the device already maps here, but its
        // visitor lead may still be unmerged. Folding an absent or already folded lead is a no-op.
        if (ids.anonymousId() != null && !ids.anonymousId().equals(lead) && !mergeFrom.contains(ids.anonymousId())
                && meeting.contains(lead) && leads.exists(ids.anonymousId()) && leads.mergedInto(ids.anonymousId()) == null
                && leads.isAnonymous(ids.anonymousId())) {
            mergeFrom.add(ids.anonymousId());
            folded.put(ids.anonymousId(), lead);
        }
        if (explicit && !mergeFrom.contains(ids.previousId()) && !ids.previousId().equals(lead)
                && leads.exists(ids.previousId()) && leads.mergedInto(ids.previousId()) == null) {
            mergeFrom.add(ids.previousId());
            folded.put(ids.previousId(), lead);
        }
        return new Resolution(lead, mergeFrom);
    }

    /**
     * The lead that lives on when several meet: the one first seen (a lead's id never changes
     * because a newer device or id of the same person turns up), ties and leads not stored yet
     * by id. It depends only on which leads meet, not on which call came first.
     */
    private String oldest(Set<String> meeting) {
        return meeting.stream().min(Comparator.comparing((String id) -> leads.firstSeen(id),
                Comparator.nullsLast(Comparator.naturalOrder())).thenComparing(Comparator.naturalOrder())).orElseThrow();
    }

    /**
     * The lead of the share click this event's page reports, when the click joins this device: the
     * click id is unclaimed or already this device's (once per click id: a replay from another
     * browser joins nobody), the click's visitor is another device, and its lead is still anonymous.
     */
    private String clickedLead(PersonIds ids) {
        if (ids.clickVisitor() == null || ids.anonymousId() == null || ids.clickVisitor().equals(ids.anonymousId())) {
            return null;
        }
        String device = deviceLead(ids);
        String claimedBy = known.get(ids.clickKey());
        if (claimedBy != null && !live(claimedBy).equals(device)) {
            return null;
        }
        String clicked = live(known.getOrDefault("anon:" + ids.clickVisitor(), ids.clickVisitor()));
        return clicked.equals(device) || isAnonymous(clicked) ? clicked : null;
    }

    /** The device's lead: its mapping, else the visitor lead named after it; null without a device. */
    private String deviceLead(PersonIds ids) {
        if (ids.anonymousId() == null) {
            return null;
        }
        return live(known.getOrDefault(ids.anonymousKey(), ids.anonymousId()));
    }

    private boolean isAnonymous(String leadId) {
        return !identified.contains(leadId) && leads.isAnonymous(leadId);
    }

    /** Follows folds (this batch's, then stored tombstones) to the lead that lives on. */
    private String live(String leadId) {
        List<String> path = folds(leadId);
        for (String step : path.subList(0, path.size() - 1)) {
            if (!folded.containsKey(step)) {
                passing.add(step);
            }
        }
        return path.get(path.size() - 1);
    }

    /** The lead and each one its folds lead to (this batch's, then stored tombstones), the live one last. */
    private List<String> folds(String leadId) {
        List<String> path = new ArrayList<>(2);
        path.add(leadId);
        String current = leadId;
        for (int hop = 0; hop < 10 && current != null; hop++) {
            String next = folded.containsKey(current) ? folded.get(current) : leads.mergedInto(current);
            if (next == null || next.equals(current)) {
                break;
            }
            path.add(next);
            current = next;
        }
        return path;
    }

    /**
     * {@code source} becomes part of {@code target}. Its keys keep naming it: they reach the target
     * through its tombstone, and keep the tombstone in view until the target has taken it in (see
     * {@link #map}).
     */
    private void fold(String source, String target) {
        if (!isAnonymous(source)) {
            identified.add(target);
        }
        folded.put(source, target);
        identified.remove(source);
    }

    /**
     * Points the key at {@code lead}. A key that reaches the lead through a tombstone is moved only
     * once the lead's stored profile has taken that tombstone in; until then it keeps the tombstone
     * in view, so a lost write is made good by the next batch that meets the key.
     */
    private void map(String key, String lead) {
        String current = known.get(key);
        if (lead.equals(current)) {
            return;
        }
        if (current != null && live(current).equals(lead) && !leads.absorbed(lead, current)) {
            return;
        }
        boolean stored = known.containsKey(key) && !created.containsKey(key);
        known.put(key, lead);
        if (stored) {
            remapped.put(key, lead);
            movedFrom.putIfAbsent(key, current);
        } else {
            created.put(key, lead);
        }
    }

    /** Mappings to create (no one had them when the batch was read). */
    public Map<String, String> created() {
        return created;
    }

    /** Existing mappings this batch moved to another lead. */
    public Map<String, String> remapped() {
        return remapped;
    }

    /** Of the remapped keys: the lead each named before this batch moved it. */
    public Map<String, String> movedFrom() {
        return movedFrom;
    }
}
