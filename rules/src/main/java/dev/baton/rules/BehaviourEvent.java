package dev.baton.rules;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * The behaviour event being scored, as rules see it: its name (Segment's {@code event}, e.g.
 * "Page Viewed"), its properties, and when it happened.
 *
 * <p>A JavaBean rather than a record so that DRL constraints read naturally
 * ({@code BehaviourEvent(name == "Page Viewed", properties["category"] == "pricing")}).
 */
public final class BehaviourEvent {
    private final String id;
    private final String leadId;
    private final String name;
    private final Map<String, Object> properties;
    private final Instant timestamp;

    public BehaviourEvent(String id, String leadId, String name, Map<String, Object> properties, Instant timestamp) {
        this.id = Objects.requireNonNull(id, "id");
        this.leadId = Objects.requireNonNull(leadId, "leadId");
        this.name = Objects.requireNonNull(name, "name");
        this.properties = properties == null ? Map.of() : Map.copyOf(withoutNullValues(properties));
        this.timestamp = Objects.requireNonNull(timestamp, "timestamp");
    }

    private static Map<String, Object> withoutNullValues(Map<String, Object> map) {
        var copy = new java.util.HashMap<String, Object>();
        map.forEach((k, v) -> { if (v != null) copy.put(k, v); });
        return copy;
    }

    public String getId() { return id; }
    public String getLeadId() { return leadId; }
    public String getName() { return name; }
    public Map<String, Object> getProperties() { return properties; }
    public Instant getTimestamp() { return timestamp; }

    /** A property as text, or {@code ""} when absent, so rules can compare without null checks. */
    public String text(String property) {
        Object value = properties.get(property);
        return value == null ? "" : value.toString();
    }

    @Override
    public String toString() {
        return "BehaviourEvent[" + name + " " + properties + "]";
    }
}
