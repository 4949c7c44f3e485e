package dev.baton.engine.leads;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.engine.tracking.EventTopics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Publishes a {@code Tier Changed} event to the events topic whenever a lead moves tier (by an
 * event, a merge or decay), so journeys can react to it. The event is Segment-shaped and lands
 * in the lead's history like any other; it carries the lead id in a header that only the engine
 * sets, so the pipeline files it under that lead without identity resolution or scoring.
 *
 * <p>Published before the lead is written: a retry after a failed write publishes it again
 * under the same message id, which the pipeline stores once.
 */
@Component
public class TierChanges {
    /** The event name; other readers of stored events (the simulation) skip events of this name. */
    public static final String EVENT = "Tier Changed";
    /** Header naming the lead an engine-made event belongs to. HTTP senders cannot set Kafka headers. */
    static final String LEAD_HEADER = "baton-lead-id";
    private static final Logger log = LoggerFactory.getLogger(TierChanges.class);

    private final KafkaTemplate<String, String> kafka;
    private final EventTopics topics;
    private final ObjectMapper json;
    private final Clock clock;

    TierChanges(KafkaTemplate<String, String> kafka, EventTopics topics, ObjectMapper json, Clock clock) {
        this.kafka = kafka;
        this.topics = topics;
        this.json = json;
        this.clock = clock;
    }

    /**
     * @param cause    "event", "merge" or "decay"
     * @param causeId  what caused it (the triggering message id, or the decay instant), so the
     *                 same change always gets the same message id
     */
    record TierChange(String leadId, String from, String to, int score, String ruleSetVersion, String cause,
                      String causeId, Instant at) {
        String messageId() {
            return "tier-changed:" + leadId + ":" + cause + ":" + causeId;
        }
    }

    /** The lead an engine-made event belongs to, or null for an event from outside. */
    static String leadOf(ConsumerRecord<String, String> record) {
        Header header = record.headers().lastHeader(LEAD_HEADER);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Sends the changes and waits until Kafka has them all; throws (the caller retries) when it does not. */
    void publish(List<TierChange> changes) throws IOException {
        if (changes.isEmpty()) {
            return;
        }
        List<CompletableFuture<?>> sends = new ArrayList<>(changes.size());
        for (TierChange change : changes) {
            ProducerRecord<String, String> record = new ProducerRecord<>(topics.eventsTopic(), change.leadId(), message(change));
            record.headers().add(LEAD_HEADER, change.leadId().getBytes(StandardCharsets.UTF_8));
            sends.add(kafka.send(record));
        }
        try {
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                    .get(topics.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while publishing tier changes", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("publishing tier changes failed: " + e.getMessage(), e);
        }
        changes.forEach(change -> log.info("Lead {} moved from {} to {} (score {}, {})", change.leadId(),
                change.from(), change.to(), change.score(), change.cause()));
    }

    private String message(TierChange change) {
        ObjectNode message = json.createObjectNode();
        message.put("type", "track");
        message.put("event", EVENT);
        message.put("userId", change.leadId());
        message.put("messageId", change.messageId());
        message.put("timestamp", change.at().toString());
        message.put("receivedAt", clock.instant().toString());
        ObjectNode properties = message.putObject("properties");
        properties.put("from", change.from());
        properties.put("to", change.to());
        properties.put("score", change.score());
        properties.put("ruleSetVersion", change.ruleSetVersion());
        properties.put("cause", change.cause());
        properties.put("causeId", change.causeId());
        message.putObject("context").putObject("library").put("name", "baton-engine");
        return message.toString();
    }
}
