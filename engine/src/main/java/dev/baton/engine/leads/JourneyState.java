package dev.baton.engine.leads;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a lead stands in one journey, as the journey's own events said (Journey Entered, Journey
 * Step Reached, Journey Finished): {@code active} at a waiting step (null right after entering),
 * {@code finished} at an end event, or {@code left} when its instance was cancelled. Segments
 * select on it ("in journey J", "at step S", "finished J at end E").
 *
 * @param instance the journey instance the state belongs to; a later entry replaces an earlier one
 * @param seq      the order in which the journey's events were recorded (a database sequence, shared
 *                 by every node; one instance's steps are recorded one transaction after another), so a
 *                 state never goes back to an older one
 */
public record JourneyState(String state, String step, String end, String instance, long seq, Instant at) {
    public static final String ACTIVE = "active";
    public static final String FINISHED = "finished";
    public static final String LEFT = "left";
    /** Engine-made events (properties journey, instance, seq; step or end) that move a lead in a journey. */
    public static final String ENTERED = "Journey Entered";
    public static final String STEP_REACHED = "Journey Step Reached";
    public static final String FINISHED_EVENT = "Journey Finished";
    public static final String LEFT_EVENT = "Journey Left";
    static final List<String> EVENTS = List.of(ENTERED, STEP_REACHED, FINISHED_EVENT, LEFT_EVENT);

    /** The state a journey event puts the lead in, or null for an event that does not say enough. */
    static JourneyState of(String event, Map<String, Object> properties, Instant at) {
        if (!(properties.get("journey") instanceof String) || !(properties.get("instance") instanceof String instance)
                || !(properties.get("seq") instanceof Number seq)) {
            return null;
        }
        String step = properties.get("step") instanceof String s ? s : null;
        String end = properties.get("end") instanceof String e ? e : null;
        return switch (event) {
            case ENTERED -> new JourneyState(ACTIVE, null, null, instance, seq.longValue(), at);
            case STEP_REACHED -> new JourneyState(ACTIVE, step, null, instance, seq.longValue(), at);
            case FINISHED_EVENT -> new JourneyState(FINISHED, null, end, instance, seq.longValue(), at);
            case LEFT_EVENT -> new JourneyState(LEFT, null, null, instance, seq.longValue(), at);
            default -> null;
        };
    }

    /** Whether this state is news after {@code before}: a later event of the journey. */
    boolean after(JourneyState before) {
        return seq > before.seq;
    }

    /** Both leads' journeys: per journey, the later state. */
    static Map<String, JourneyState> latest(Map<String, JourneyState> a, Map<String, JourneyState> b) {
        Map<String, JourneyState> all = new TreeMap<>(a);
        b.forEach((journey, state) -> all.merge(journey, state, (x, y) -> y.after(x) ? y : x));
        return Map.copyOf(all);
    }
}
