package dev.baton.engine.leads;

import java.util.List;

/**
 * Engine-made events a feature publishes about what Baton did, not what the lead did (a message
 * sent, a lead assigned): they must not make the lead "seen" nor earn points. Each feature declares
 * its own as a bean of this type; the pipeline does not score them, and a rescore or a simulation
 * replaying stored events leaves them out. They stay in the timeline.
 */
public record NotScoredEvents(List<String> names) {
    public NotScoredEvents {
        names = List.copyOf(names);
    }

    public static NotScoredEvents of(String... names) {
        return new NotScoredEvents(List.of(names));
    }
}
