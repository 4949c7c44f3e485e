package dev.baton.engine.leads;

/**
 * Field names of the events indices, which leads owns: one document per event, the message as it
 * came (Segment's shape) filed under its lead. Other features that count events (the funnel) query
 * them by these names: one place to change them.
 */
public final class EventFields {
    /** The lead the event was filed under (its id when the event came). */
    public static final String LEAD_ID = "leadId";
    /** The event's name on every document (a track's event, else the message type). */
    public static final String NAME = "name";
    /** A track's event name, as the sender wrote it. */
    public static final String EVENT = "event";
    public static final String TIMESTAMP = "timestamp";
    /** A track's properties: {@code properties.<name>}. */
    public static final String PROPERTIES = "properties";

    private EventFields() {
    }

    /** One property of a track: {@code properties.<name>}. */
    public static String property(String name) {
        return PROPERTIES + "." + name;
    }
}
