package dev.baton.engine.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.engine.security.Credentials;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The Segment-compatible HTTP tracking API: {@code /v1/track}, {@code identify}, {@code page},
 * {@code screen}, {@code group}, {@code alias} and {@code batch}. Existing Segment, RudderStack
 * and Jitsu SDKs point at Baton and work unchanged.
 */
@RestController
@Tag(name = "Tracking", description = "Segment-compatible tracking API (write key as HTTP Basic user name)")
class TrackingController {
    private static final Map<String, Boolean> SUCCESS = Map.of("success", true);

    private final TrackingMessages messages;
    private final EventPublisher publisher;
    private final Credentials credentials;
    private final TrackingProperties limits;
    private final Clock clock;

    TrackingController(TrackingMessages messages, EventPublisher publisher, Credentials credentials,
                       TrackingProperties limits, Clock clock) {
        this.messages = messages;
        this.publisher = publisher;
        this.credentials = credentials;
        this.limits = limits;
        this.clock = clock;
    }

    @Operation(summary = "Record one message (track, identify, page, screen, group or alias)",
            description = "Returns 200 {\"success\":true} once Kafka acknowledged the event; 400 names the field at fault; 401 for a wrong write key.")
    @PostMapping(path = "/v1/{type:track|identify|page|screen|group|alias}")
    Map<String, Boolean> single(@PathVariable String type,
                                @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
                                @RequestBody(required = false) byte[] body) {
        requireSize(body, limits.maxMessageBytes(), "a message");
        ObjectNode message = authenticate(authorization, body);
        publisher.publish(List.of(messages.accept(type, message, clock.instant())));
        return SUCCESS;
    }

    @Operation(summary = "Record a batch of messages (also at /v1/import, where Segment's server-side SDKs post)",
            description = "All or nothing: one invalid message rejects the batch with 400 naming batch[i] and its field, and nothing is written.")
    @PostMapping(path = {"/v1/batch", "/v1/import", "/v1/import/"})
    Map<String, Boolean> batch(@RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
                               @RequestBody(required = false) byte[] body) {
        requireSize(body, limits.maxBatchBytes(), "a batch");
        ObjectNode request = authenticate(authorization, body);
        JsonNode batch = request.get("batch");
        if (batch == null || !batch.isArray()) {
            throw new InvalidEventException("batch", "'batch' must be an array of messages");
        }
        Instant receivedAt = clock.instant();
        List<TrackedEvent> events = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            JsonNode item = batch.get(i);
            try {
                if (!item.isObject()) {
                    throw new InvalidEventException("", "each batch item must be a JSON object");
                }
                ObjectNode message = ((ObjectNode) item).deepCopy();
                // Batch-level context applies to every message that has none of its own (Segment semantics).
                if (!message.has("context") && request.has("context")) {
                    message.set("context", request.get("context"));
                }
                int size = message.toString().getBytes(StandardCharsets.UTF_8).length;
                if (size > limits.maxMessageBytes()) {
                    throw new InvalidEventException("", "a message may be at most " + limits.maxMessageBytes()
                            + " bytes; this one is " + size);
                }
                events.add(messages.accept(message.path("type").asText(""), message, receivedAt));
            } catch (InvalidEventException e) {
                throw e.inBatch(i);
            }
        }
        publisher.publish(events);
        return SUCCESS;
    }

    /** A transparent 1×1 GIF: what an email client shows for the open pixel. */
    private static final byte[] PIXEL = Base64.getDecoder().decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");

    @Operation(summary = "Segment pixel API: record a message from an image URL (email opens)",
            description = "data is the message as base64 JSON, with writeKey inside; answers a 1×1 GIF.")
    @GetMapping(path = "/v1/pixel/{type:track|page|identify}", produces = MediaType.IMAGE_GIF_VALUE)
    ResponseEntity<byte[]> pixel(@PathVariable String type, @RequestParam String data) {
        byte[] body;
        try {
            body = Base64.getMimeDecoder().decode(data.replace('-', '+').replace('_', '/'));
        } catch (IllegalArgumentException e) {
            throw new InvalidEventException("data", "'data' must be a base64-encoded JSON message");
        }
        requireSize(body, limits.maxMessageBytes(), "a message");
        ObjectNode message = authenticate(null, body);
        publisher.publish(List.of(messages.accept(type, message, clock.instant())));
        return ResponseEntity.ok().header(HttpHeaders.CACHE_CONTROL, "no-store").contentType(MediaType.IMAGE_GIF).body(PIXEL);
    }

    private static void requireSize(byte[] body, int limit, String what) {
        if (body != null && body.length > limit) {
            throw new InvalidEventException("", what + " may be at most " + limit + " bytes; this one is " + body.length);
        }
    }

    /** The write key comes as the Basic user name (Segment SDKs) or as {@code writeKey} in the body. */
    private ObjectNode authenticate(String authorization, byte[] body) {
        String headerKey = basicUser(authorization);
        if (headerKey != null) {
            if (!credentials.isWriteKey(headerKey)) {
                throw new WrongWriteKeyException();
            }
            return messages.parseBody(body);
        }
        ObjectNode message = messages.parseBody(body);
        if (!credentials.isWriteKey(message.path("writeKey").asText(null))) {
            throw new WrongWriteKeyException();
        }
        return message;
    }

    private static String basicUser(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? decoded : decoded.substring(0, colon);
        } catch (IllegalArgumentException e) {
            throw new WrongWriteKeyException();
        }
    }
}
