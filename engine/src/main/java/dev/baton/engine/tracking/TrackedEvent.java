package dev.baton.engine.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;

/**
 * One accepted behaviour event in Segment's shape, stamped by Baton. {@code message} is the whole
 * JSON as received plus Baton's stamps, so fields Baton does not know are kept, not dropped.
 *
 * @param type      Segment call type: track, identify, page, screen, group, alias
 * @param event     the event name ("Page Viewed"); for page calls "Page Viewed", identify "Identified"
 * @param timestamp when it happened (the sender's timestamp, else when Baton received it)
 */
public record TrackedEvent(String messageId, String type, String event, String userId, String anonymousId,
                           Instant timestamp, Instant receivedAt, ObjectNode message) {

    /**
     * The Kafka key: the device (anonymous id) first, so that a visitor's history and the call
     * that identifies it stay in order on one partition; alias calls go with the id they retire.
     */
    public String routingKey() {
        if ("alias".equals(type)) {
            return previousId();
        }
        return anonymousId != null ? anonymousId : userId;
    }

    /** Segment alias: the id that becomes {@code userId}. */
    public String previousId() {
        JsonNode previous = message.get("previousId");
        return previous == null || previous.isNull() ? null : previous.asText();
    }

    /** {@code properties} (or {@code traits} for identify) as a map, for rules. */
    public Map<String, Object> properties(ObjectMapper json) {
        return asMap(json, message.has("properties") ? message.get("properties") : message.get("traits"));
    }

    /** What the sender says about the person: {@code traits} (identify) or {@code context.traits}. */
    public Map<String, Object> traits(ObjectMapper json) {
        JsonNode traits = message.get("traits");
        if (traits == null || !traits.isObject()) {
            traits = message.path("context").get("traits");
        }
        return asMap(json, traits);
    }

    private static Map<String, Object> asMap(ObjectMapper json, JsonNode node) {
        if (node == null || !node.isObject()) {
            return Map.of();
        }
        return json.convertValue(node, json.getTypeFactory().constructMapType(Map.class, String.class, Object.class));
    }
}
