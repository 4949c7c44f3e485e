package dev.baton.engine.leads;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The most recent occurrences of one {@link TrackedBehaviour} on a lead, newest first, as
 * {@code <instant>|<message id>} (a message id counts once), at most {@code keep} (the behaviour's
 * {@code atLeast}); {@code at} is the oldest of them once there are that many. "Did it
 * at least N times in the last D days" is then {@code at >= now-Dd}, answered by the index at
 * query time, with no pass over the leads when the window slides.
 */
public record Counted(List<String> recent, Instant at, int keep) {
    static final Counted NONE = new Counted(List.of(), null, 0);

    public Counted {
        recent = recent == null ? List.of() : List.copyOf(recent);
    }

    /**
     * With one more occurrence, keeping the {@code keep} newest. Instants are kept to the
     * millisecond, as the events index stores them, so an occurrence counted by the pipeline and
     * again by a build from the stored event is one occurrence.
     */
    Counted with(Instant when, String messageId, int keep) {
        return of(merge(recent, List.of(when.truncatedTo(ChronoUnit.MILLIS) + "|" + messageId)), keep);
    }

    /** Both leads' occurrences (folding two leads into one), as many kept as the behaviour asks. */
    static Map<String, Counted> union(Map<String, Counted> a, Map<String, Counted> b) {
        Map<String, Counted> all = new LinkedHashMap<>(a);
        b.forEach((key, counted) -> all.merge(key, counted, (x, y) ->
                of(merge(x.recent, y.recent), Math.max(x.keep, y.keep))));
        return Map.copyOf(all);
    }

    static Counted of(List<String> occurrences, int keep) {
        List<String> kept = occurrences.size() > keep ? occurrences.subList(0, keep) : occurrences;
        Instant nth = kept.size() == keep ? instant(kept.get(keep - 1)) : null;
        return new Counted(kept, nth, keep);
    }

    /** Newest first, each message id once (the first seen of an id wins). */
    private static List<String> merge(List<String> a, List<String> b) {
        Map<String, String> byId = new LinkedHashMap<>();
        for (String occurrence : a) {
            byId.putIfAbsent(occurrence.substring(occurrence.indexOf('|') + 1), occurrence);
        }
        for (String occurrence : b) {
            byId.putIfAbsent(occurrence.substring(occurrence.indexOf('|') + 1), occurrence);
        }
        List<String> sorted = new ArrayList<>(byId.values());
        sorted.sort(Comparator.comparing(Counted::instant).thenComparing(Comparator.naturalOrder()).reversed());
        return sorted;
    }

    private static Instant instant(String occurrence) {
        return Instant.parse(occurrence.substring(0, occurrence.indexOf('|')));
    }
}
