package dev.baton.engine.leads;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Which segments a changed lead is in now, judged in memory for the whole batch (each segment's
 * condition, compiled once per segment change, with the meaning its query has on the index), and
 * "in the last 30 days" as of the batch. Moves become {@code Segment Entered} /
 * {@code Segment Left} events with deterministic message ids ({@link Memberships}).
 */
@Component
class SegmentMemberships {
    static final String ENTERED = "Segment Entered";
    static final String LEFT = "Segment Left";

    private final ObjectProvider<Audiences> audiences;

    SegmentMemberships(ObjectProvider<Audiences> audiences) {
        this.audiences = audiences;
    }

    /** The profiles with their memberships as they stand, and the events recording the moves. */
    record Evaluated(Map<String, LeadProfile> profiles, List<EngineEvents.EngineEvent> events) {
    }

    List<TrackedBehaviour> behaviours() {
        Audiences known = audiences.getIfAvailable();
        return known == null ? List.of() : known.behaviours();
    }

    List<Audiences.Audience> ready() {
        Audiences known = audiences.getIfAvailable();
        return known == null ? List.of() : known.ready();
    }

    /** Re-evaluates the memberships of these live profiles at {@code now}. */
    Evaluated evaluate(Collection<LeadProfile> profiles, Instant now) {
        List<Audiences.Audience> segments = ready();
        List<LeadProfile> live = profiles.stream().filter(p -> p.mergedInto() == null).toList();
        if (live.isEmpty() || segments.isEmpty()) {
            return new Evaluated(Map.of(), List.of());
        }
        Map<String, String> names = segments.stream().collect(Collectors.toMap(Audiences.Audience::id, Audiences.Audience::name));
        Map<String, LeadProfile> updated = new LinkedHashMap<>();
        List<EngineEvents.EngineEvent> events = new ArrayList<>();
        for (LeadProfile lead : live) {
            Set<String> members = new HashSet<>();
            for (Audiences.Audience segment : segments) {
                if (segment.matches().test(lead, now)) {
                    members.add(segment.id());
                }
            }
            LeadProfile moved = move(lead, members, names, now, events);
            if (moved != lead) {
                updated.put(lead.id(), moved);
            }
        }
        return new Evaluated(updated, events);
    }

    /**
     * The lead moved into {@code members} of the segments named in {@code names}: entered those it
     * was not in, left those it no longer matches. Memberships of other segments (one being
     * rebuilt, one another node knows and this one not yet) are left as they are.
     */
    static LeadProfile move(LeadProfile lead, Set<String> members, Map<String, String> names, Instant at,
                            List<EngineEvents.EngineEvent> events) {
        Memberships memberships = lead.segments();
        for (String segment : new TreeSet<>(lead.segments().in())) {
            if (names.containsKey(segment) && !members.contains(segment)) {
                Memberships.Next next = memberships.leave(lead.id(), segment);
                memberships = next.memberships();
                events.add(event(lead.id(), next.move(), names.get(segment), at));
            }
        }
        for (String segment : new TreeSet<>(members)) {
            if (!memberships.in().contains(segment)) {
                Memberships.Next next = memberships.enter(lead.id(), segment);
                memberships = next.memberships();
                events.add(event(lead.id(), next.move(), names.get(segment), at));
            }
        }
        return memberships.equals(lead.segments()) ? lead : lead.withSegments(memberships);
    }

    private static EngineEvents.EngineEvent event(String leadId, Memberships.Move move, String name, Instant at) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("segment", move.segment());
        properties.put("segmentName", name);
        return new EngineEvents.EngineEvent(leadId, move.entered() ? ENTERED : LEFT, move.messageId(), at, properties);
    }

}
