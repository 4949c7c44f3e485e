package dev.baton.engine.segments;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.engine.leads.TrackedBehaviour;
import java.time.Instant;
import java.util.List;

/**
 * A saved segment as stored (segments index): its definition, the query compiled from it, the
 * behaviours it needs counted on profiles, and its build.
 *
 * @param state "building" (behaviours counted and members recorded in the background) or "ready"
 *              (membership kept current: moves are Segment Entered / Segment Left events)
 */
record Segment(String id, String name, JsonNode conditions, String state, JsonNode query, List<TrackedBehaviour> behaviours,
               Build build, Instant updatedAt) {
    static final String BUILDING = "building";
    static final String READY = "ready";

    Segment {
        behaviours = behaviours == null ? List.of() : List.copyOf(behaviours);
    }

    /**
     * A build's progress.
     *
     * @param phase     "counting behaviour", "recording members", "done" or "failed"
     * @param processed leads counted (or recorded) so far in this phase
     * @param total     leads the phase expects to go through (an estimate while counting behaviour)
     * @param definedAt the segment definition (its {@code updatedAt}) being built: a build of an older one stops
     */
    record Build(String phase, long processed, long total, String node, Instant startedAt, Instant heartbeatAt,
                 Instant finishedAt, String error, Instant definedAt) {
        Build next(String newPhase, long done, long expected, Instant now) {
            return new Build(newPhase, done, expected, node, startedAt, now, null, null, definedAt);
        }
    }

    Segment with(String newState, Build newBuild, Instant now) {
        return new Segment(id, name, conditions, newState, query, behaviours, newBuild, now);
    }
}
