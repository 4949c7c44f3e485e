package dev.baton.engine.leads;

import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
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
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
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
 * that lead without identity resolution. They are scored like any event, except the moves leads
 * records and those features declare as {@link NotScoredEvents}.
 * Deterministic message ids make a republished event count once.
 */
@Component
public class EngineEvents {
    /**
     * The moves leads itself records (tier, segment, journey): their cause was scored, the move is
     * not behaviour. Other features declare theirs as {@link NotScoredEvents} beans.
     */
    private static final NotScoredEvents MOVES = NotScoredEvents.of(TierChanges.EVENT, SegmentMemberships.ENTERED,
            SegmentMemberships.LEFT, JourneyState.ENTERED, JourneyState.STEP_REACHED, JourneyState.FINISHED_EVENT,
            JourneyState.LEFT_EVENT);

    /** Header naming the lead an engine-made event belongs to. HTTP senders cannot set Kafka headers. */
    static final String LEAD_HEADER = "baton-lead-id";
    private final KafkaTemplate<String, String> kafka;
    private final EventTopics topics;
    private final ObjectMapper json;
    private final Clock clock;
    private final Set<String> notScored;
    private final Query scored;

    EngineEvents(KafkaTemplate<String, String> kafka, EventTopics topics, ObjectMapper json, Clock clock,
                 List<NotScoredEvents> declared) {
        this.kafka = kafka;
        this.topics = topics;
        this.json = json;
        this.clock = clock;
        this.notScored = Stream.concat(Stream.of(MOVES), declared.stream()).flatMap(d -> d.names().stream())
                .collect(Collectors.toUnmodifiableSet());
        List<FieldValue> names = notScored.stream().sorted().map(FieldValue::of).toList();
        this.scored = Query.of(q -> q.bool(b -> b.mustNot(m -> m.terms(t -> t.field(EventFields.NAME).terms(v -> v.value(names))))));
    }

    /** Whether an engine-made event named so is behaviour the rules score (see {@link NotScoredEvents}). */
    boolean scored(String event) {
        return !notScored.contains(event);
    }

    /** Stored events the rules score: a filter for the events indices that leaves the others out. */
    Query scoredEvents() {
        return scored;
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
