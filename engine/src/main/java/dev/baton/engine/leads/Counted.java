package dev.baton.engine.leads;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The most recent occurrences of one {@link TrackedBehaviour} on a lead, newest first, as
 * {@code <instant>|<message id>} (an occurrence seen twice counts once), at most as many as the
 * behaviour's {@code atLeast}; {@code at} is the oldest of them once there are that many. "Did it
 * at least N times in the last D days" is then {@code at >= now-Dd}, answered by the index at
 * query time, with no pass over the leads when the window slides.
 */
public record Counted(List<String> recent, Instant at) {
    static final Counted NONE = new Counted(List.of(), null);

    public Counted {
        recent = recent == null ? List.of() : List.copyOf(recent);
    }

    /** With one more occurrence, keeping the {@code keep} newest. */
    Counted with(Instant when, String messageId, int keep) {
        return of(merge(recent, List.of(when + "|" + messageId)), keep);
    }

    /** Both leads' occurrences, as many kept as the larger of the two kept (folding two leads into one). */
    static Map<String, Counted> union(Map<String, Counted> a, Map<String, Counted> b) {
        Map<String, Counted> all = new LinkedHashMap<>(a);
        b.forEach((key, counted) -> all.merge(key, counted, (x, y) ->
                of(merge(x.recent, y.recent), Math.max(x.recent.size(), y.recent.size()))));
        return Map.copyOf(all);
    }

    static Counted of(List<String> occurrences, int keep) {
        List<String> kept = occurrences.size() > keep ? occurrences.subList(0, keep) : occurrences;
        Instant nth = kept.size() == keep ? instant(kept.get(keep - 1)) : null;
        return new Counted(kept, nth);
    }

    private static List<String> merge(List<String> a, List<String> b) {
        Set<String> all = new LinkedHashSet<>(a);
        all.addAll(b);
        List<String> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparing(Counted::instant).thenComparing(Comparator.naturalOrder()).reversed());
        return sorted;
    }

    private static Instant instant(String occurrence) {
        return Instant.parse(occurrence.substring(0, occurrence.indexOf('|')));
    }
}
