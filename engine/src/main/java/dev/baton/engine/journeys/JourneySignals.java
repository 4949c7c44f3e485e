package dev.baton.engine.journeys;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.engine.tracking.EventTopics;
import dev.baton.engine.tracking.KafkaAcks;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Forwards the journey-relevant events ({@code baton.journeys.events}) to the journeys topic,
 * keyed by lead, once the event pipeline knows whose they are. Only these ever reach Camunda:
 * a page view that no journey waits for costs the process engine nothing.
 */
@Component
public class JourneySignals {
    private final KafkaTemplate<String, String> kafka;
    private final EventTopics topics;
    private final ObjectMapper json;
    private final Set<String> relevant;
    private final DeployedMessages deployed;

    JourneySignals(KafkaTemplate<String, String> kafka, EventTopics topics, ObjectMapper json,
                   @Value("${baton.journeys.events}") Set<String> relevant, DeployedMessages deployed) {
        this.kafka = kafka;
        this.topics = topics;
        this.json = json;
        this.relevant = Set.copyOf(relevant);
        this.deployed = deployed;
    }

    /**
     * Whether journeys should see the event: its name is one they use, and it is not marked
     * {@code excluded} (a bot's or the sharer's own click on a share link starts no journey); a
     * segment move when a deployed journey starts on or waits for that move of that segment (a
     * segment built over a million leads records a million moves, which no journey may want).
     */
    public boolean isRelevant(dev.baton.engine.tracking.TrackedEvent event) {
        if (event.event() == null || event.message().path("properties").hasNonNull("excluded")) {
            return false;
        }
        // A segment move: forwarded when a deployed journey names the segment ("Segment Entered: warm-pricing").
        if (SegmentMessages.isMove(event.event()) && !relevant.contains(event.event())) {
            String segment = event.message().path("properties").path("segment").asText("");
            return !segment.isEmpty() && deployed.used(SegmentMessages.of(event.event(), segment));
        }
        return relevant.contains(event.event());
    }

    /** Sends the signals and waits until Kafka has them; throws (the caller's batch is retried) when it does not. */
    public void publish(List<JourneySignal> signals) throws IOException {
        if (signals.isEmpty()) {
            return;
        }
        List<CompletableFuture<?>> sends = new ArrayList<>(signals.size());
        for (JourneySignal signal : signals) {
            sends.add(kafka.send(topics.journeysTopic(), signal.leadId(), toJson(signal)));
        }
        KafkaAcks.await(sends, topics.sendTimeout(), "journey events");
    }

    private String toJson(JourneySignal signal) throws IOException {
        try {
            return json.writeValueAsString(signal);
        } catch (JsonProcessingException e) {
            throw new IOException("journey event " + signal.messageId() + " cannot be written as JSON", e);
        }
    }
}
