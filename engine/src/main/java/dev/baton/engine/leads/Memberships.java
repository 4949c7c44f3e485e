package dev.baton.engine.leads;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The segments a lead is in ({@code in}, indexed) and how often it has entered each
 * ({@code entries}): the count makes the message id of each Segment Entered / Segment Left event
 * deterministic, so whichever node or pass records a move, and however often it retries, the
 * lead's timeline holds it once.
 */
public record Memberships(Set<String> in, Map<String, Integer> entries) {
    static final Memberships NONE = new Memberships(Set.of(), Map.of());

    public Memberships {
        in = in == null ? Set.of() : Set.copyOf(in);
        entries = entries == null ? Map.of() : Map.copyOf(entries);
    }

    /** One move in or out of a segment, and the message id of the event that records it. */
    record Move(String segment, boolean entered, String messageId) {
    }

    /** After a move: in (or out of) {@code segment}, with the move that got it there. */
    record Next(Memberships memberships, Move move) {
    }

    Next enter(String leadId, String segment) {
        Set<String> now = new TreeSet<>(in);
        now.add(segment);
        Map<String, Integer> counts = new LinkedHashMap<>(entries);
        int n = counts.merge(segment, 1, Integer::sum);
        return new Next(new Memberships(now, counts),
                new Move(segment, true, "segment-entered:" + leadId + ":" + segment + ":" + n));
    }

    Next leave(String leadId, String segment) {
        Set<String> now = new TreeSet<>(in);
        now.remove(segment);
        return new Next(new Memberships(now, entries),
                new Move(segment, false, "segment-left:" + leadId + ":" + segment + ":" + entries.getOrDefault(segment, 0)));
    }
}
