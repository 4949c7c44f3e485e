package dev.baton.engine.leads;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.engine.tracking.EventTopics;
import dev.baton.engine.tracking.KafkaAcks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Events the engine itself makes about a lead it already knows (Tier Changed, Email Sent, Email
 * Clicked, Unsubscribed…): Segment-shaped track messages on the events topic, keyed by the lead,
 * with the lead id in a Kafka header that only the engine sets, so the pipeline files them under
 * that lead without identity resolution. They are scored like any event, except Tier Changed.
 * Deterministic message ids make a republished event count once.
 */
@Component
public class EngineEvents {
    /**
     * Engine-made events that are not behaviour: their cause was scored, or Baton did it, not the
     * lead (a message sent, or failed to go: it must not make the lead "seen" nor earn points). The
     * pipeline does not score them (the profile is written only when a segment counts them), and a
     * rescore or a simulation replaying stored events leaves them out. They stay in the timeline.
     */
    static final List<String> NOT_SCORED = List.of(TierChanges.EVENT, SegmentMemberships.ENTERED, SegmentMemberships.LEFT,
            JourneyState.ENTERED, JourneyState.STEP_REACHED, JourneyState.FINISHED_EVENT, JourneyState.LEFT_EVENT,
            "Email Sent", "SMS Sent", "Email Failed", "SMS Failed",
            // The handoff's own steps (sales): what Baton did with the lead, not what the lead did.
            // Sales' outcomes (Accepted, Rejected, Converted) are news of the lead and stay scored.
            "Sales Assigned", "Sales Queued", "Sales SLA Missed", "Sales Task Sent", "Sales Task Failed",
            "Sales Notification Sent", "Sales Notification Failed");
    static final List<co.elastic.clients.elasticsearch._types.FieldValue> NOT_SCORED_VALUES =
            NOT_SCORED.stream().map(co.elastic.clients.elasticsearch._types.FieldValue::of).toList();

    /** Header naming the lead an engine-made event belongs to. HTTP senders cannot set Kafka headers. */
    static final String LEAD_HEADER = "baton-lead-id";
    private final KafkaTemplate<String, String> kafka;
    private final EventTopics topics;
    private final ObjectMapper json;
    private final Clock clock;

    EngineEvents(KafkaTemplate<String, String> kafka, EventTopics topics, ObjectMapper json, Clock clock) {
        this.kafka = kafka;
        this.topics = topics;
        this.json = json;
        this.clock = clock;
    }

    /** One engine-made event: {@code name} happened to {@code leadId} at {@code at}. */
    public record EngineEvent(String leadId, String name, String messageId, Instant at, Map<String, ?> properties) {
    }

    /** The lead an engine-made event belongs to, or null for an event from outside. */
    static String leadOf(ConsumerRecord<String, String> record) {
        Header header = record.headers().lastHeader(LEAD_HEADER);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Sends the events and waits until Kafka has them all; throws (the caller retries) when it does not. */
    public void publish(List<EngineEvent> events) throws IOException {
        if (events.isEmpty()) {
            return;
        }
        List<CompletableFuture<?>> sends = new ArrayList<>(events.size());
        for (EngineEvent event : events) {
            ProducerRecord<String, String> record = new ProducerRecord<>(topics.eventsTopic(), event.leadId(), message(event));
            record.headers().add(LEAD_HEADER, event.leadId().getBytes(StandardCharsets.UTF_8));
            sends.add(kafka.send(record));
        }
        KafkaAcks.await(sends, topics.sendTimeout(), events.get(0).name() + " events");
    }

    private String message(EngineEvent event) {
        ObjectNode message = json.createObjectNode();
        message.put("type", "track");
        message.put("event", event.name());
        message.put("userId", event.leadId());
        message.put("messageId", event.messageId());
        message.put("timestamp", event.at().toString());
        message.put("receivedAt", clock.instant().toString());
        message.set("properties", json.valueToTree(event.properties()));
        message.putObject("context").putObject("library").put("name", "baton-engine");
        return message.toString();
    }
}
