package dev.baton.engine.leads;

import java.time.Instant;
import java.util.List;
import java.util.function.BiPredicate;

/**
 * What the segments feature asks of lead profiles, read by the event pipeline and the review pass:
 * which behaviours to count on each lead, and which segments' membership to keep. Implemented by
 * the segments feature (so leads do not depend on it); cached there, never read per event.
 */
public interface Audiences {

    /**
     * A segment whose membership is kept on profiles: {@code query} is its condition in the leads
     * index's terms (JSON), {@code matches} the same condition judged on one profile at an instant.
     */
    record Audience(String id, String name, String query, BiPredicate<LeadProfile, Instant> matches) {
    }

    /** Behaviours every segment (ready or being built) counts. */
    List<TrackedBehaviour> behaviours();

    /** Segments that are built: their members are recorded, and moves in and out become events. */
    List<Audience> ready();
}
