package dev.baton.engine.tracking;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Reads Segment HTTP API messages: checks each one's shape, naming the field at fault, and
 * stamps it (type, messageId when missing, receivedAt, timestamp). Unknown fields are kept.
 */
@Component
public class TrackingMessages {
    static final Set<String> TYPES = Set.of("track", "identify", "page", "screen", "group", "alias");
    private final ObjectMapper json;

    public TrackingMessages(ObjectMapper json) {
        this.json = json;
    }

    /** Parses a request body into a JSON object, or says where it stops being JSON. */
    public ObjectNode parseBody(byte[] body) {
        if (body == null || body.length == 0) {
            throw new InvalidEventException("", "the request body is empty; send a JSON object");
        }
        JsonNode node;
        try {
            node = json.readTree(body);
        } catch (JsonProcessingException e) {
            var location = e.getLocation();
            throw new InvalidEventException("", "the body is not valid JSON"
                    + (location == null ? "" : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")")
                    + ": " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new InvalidEventException("", "the body cannot be read: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw new InvalidEventException("", "the body must be a JSON object");
        }
        return (ObjectNode) node;
    }

    /** Validates and stamps one message of the given call type. */
    public TrackedEvent accept(String type, ObjectNode message, Instant receivedAt) {
        if (!TYPES.contains(type)) {
            throw new InvalidEventException("type", "unknown type '" + type + "'; expected one of " + TYPES);
        }
        String userId = optionalId(message, "userId");
        String anonymousId = optionalId(message, "anonymousId");
        if (userId == null && anonymousId == null) {
            throw new InvalidEventException("userId", "either userId or anonymousId is required");
        }
        for (String objectField : new String[] {"properties", "traits", "context", "integrations"}) {
            JsonNode value = message.get(objectField);
            if (value != null && !value.isNull() && !value.isObject()) {
                throw new InvalidEventException(objectField, "'" + objectField + "' must be a JSON object");
            }
        }
        String event = switch (type) {
            case "track" -> requiredText(message, "event");
            case "page" -> "Page Viewed";
            case "screen" -> "Screen Viewed";
            case "identify" -> "Identified";
            case "group" -> {
                requiredText(message, "groupId");
                yield "Group Joined";
            }
            case "alias" -> {
                requiredText(message, "previousId");
                if (userId == null) {
                    throw new InvalidEventException("userId", "alias needs the userId the previousId becomes");
                }
                yield "Aliased";
            }
            default -> throw new IllegalStateException(type);
        };
        Instant timestamp = optionalInstant(message, "timestamp");
        optionalInstant(message, "sentAt");
        optionalInstant(message, "originalTimestamp");
        String messageId = optionalId(message, "messageId");
        if (messageId == null) {
            messageId = UUID.randomUUID().toString();
        }
        ObjectNode stamped = message.deepCopy();
        stamped.remove("writeKey");
        stamped.put("type", type);
        stamped.put("messageId", messageId);
        stamped.put("receivedAt", receivedAt.toString());
        Instant happened = timestamp != null ? timestamp : receivedAt;
        stamped.put("timestamp", happened.toString());
        if ("track".equals(type)) {
            stamped.put("event", event);
        }
        return new TrackedEvent(messageId, type, event, userId, anonymousId, happened, receivedAt, stamped);
    }

    /** Reads back an event as Baton wrote it to Kafka; throws when it cannot (a poison message). */
    public TrackedEvent fromKafka(String value) {
        ObjectNode node = parseBody(value == null ? null : value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String type = node.path("type").asText("track");
        Instant receivedAt = node.hasNonNull("receivedAt") ? instant(node, "receivedAt") : Instant.now();
        return accept(type, node, receivedAt);
    }

    public String toKafka(TrackedEvent event) {
        try {
            return json.writeValueAsString(event.message());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise event " + event.messageId(), e);
        }
    }

    private static String optionalId(ObjectNode message, String field) {
        JsonNode value = message.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        // Segment SDKs send ids as strings; numbers are accepted as their text.
        if (!value.isTextual() && !value.isNumber()) {
            throw new InvalidEventException(field, "'" + field + "' must be a string");
        }
        String text = value.asText().strip();
        if (text.isEmpty()) {
            return null;
        }
        if (text.length() > 256) {
            throw new InvalidEventException(field, "'" + field + "' is longer than 256 characters");
        }
        return text;
    }

    private static String requiredText(ObjectNode message, String field) {
        JsonNode value = message.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidEventException(field, "'" + field + "' is required");
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new InvalidEventException(field, "'" + field + "' must be a non-empty string");
        }
        return value.asText().strip();
    }

    private static Instant optionalInstant(ObjectNode message, String field) {
        JsonNode value = message.get(field);
        return value == null || value.isNull() ? null : instant(message, field);
    }

    private static Instant instant(ObjectNode message, String field) {
        JsonNode value = message.get(field);
        if (!value.isTextual()) {
            throw new InvalidEventException(field, "'" + field + "' must be an ISO-8601 date-time string");
        }
        try {
            return OffsetDateTime.parse(value.asText()).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidEventException(field, "'" + field + "' is not an ISO-8601 date-time: '" + value.asText() + "'");
        }
    }
}
