package dev.baton.engine.tracking;

import dev.baton.engine.web.UnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Writes accepted events to the events topic, keyed by person, and returns only once Kafka has
 * acknowledged every one of them: a 200 to the sender means the event is durable.
 */
@Component
public class EventPublisher {
    private final KafkaTemplate<String, String> kafka;
    private final TrackingMessages messages;
    private final EventTopics topics;
    private final io.micrometer.core.instrument.Counter accepted;

    public EventPublisher(KafkaTemplate<String, String> kafka, TrackingMessages messages, EventTopics topics,
                          io.micrometer.core.instrument.MeterRegistry metrics) {
        this.kafka = kafka;
        this.messages = messages;
        this.topics = topics;
        this.accepted = metrics.counter("baton.events.accepted");
    }

    public void publish(List<TrackedEvent> events) {
        List<CompletableFuture<?>> sends = new ArrayList<>(events.size());
        try {
            for (TrackedEvent event : events) {
                sends.add(kafka.send(topics.eventsTopic(), event.routingKey(), messages.toKafka(event)));
            }
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                    .get(topics.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
            accepted.increment(events.size());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EventBusUnavailableException("interrupted while waiting for Kafka", e);
        } catch (ExecutionException | TimeoutException | org.apache.kafka.common.KafkaException
                 | org.springframework.kafka.KafkaException e) {
            // The last: KafkaTemplate's "Send failed" when the broker is away before the send even starts (metadata).
            throw new EventBusUnavailableException("Kafka did not acknowledge the event(s): " + rootMessage(e), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    /** Kafka is unreachable or slow: the sender gets a 503 and retries (Segment SDKs do). */
    public static class EventBusUnavailableException extends UnavailableException {
        EventBusUnavailableException(String message, Throwable cause) {
            super("event-bus-unavailable", "Event bus unavailable", message, cause);
        }

        @Override
        public String detail() {
            return getMessage() + "; nothing was recorded, retry later";
        }
    }
}
