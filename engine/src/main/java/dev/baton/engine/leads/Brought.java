package dev.baton.engine.leads;

import java.time.Instant;

/**
 * The share that brought a lead first, as its {@code Share Clicked} event said: the share, its
 * campaign, and the employee and team at the root of its chain (a re-share by a visitor still
 * credits the employee who started the chain). Segments select on it ("brought by Alice").
 */
public record Brought(String share, String campaign, String employee, String team, Instant at) {

    /** The earlier of two touches (either may be null); on a tie, the one already kept. */
    static Brought first(Brought kept, Brought other) {
        if (kept == null) {
            return other;
        }
        if (other == null || other.at == null || kept.at != null && !other.at.isBefore(kept.at)) {
            return kept;
        }
        return other;
    }
}
