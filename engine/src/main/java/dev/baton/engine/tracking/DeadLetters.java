package dev.baton.engine.tracking;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Parks a message that can never be processed on the dead-letter topic, with the reason and its
 * origin in headers, so it is kept for inspection and does not block its partition.
 */
@Component
public class DeadLetters {
    static final String REASON_HEADER = "baton-dlt-reason";
    static final String ORIGIN_HEADER = "baton-dlt-origin";
    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final KafkaTemplate<String, String> kafka;
    private final EventTopics topics;

    DeadLetters(KafkaTemplate<String, String> kafka, EventTopics topics) {
        this.kafka = kafka;
        this.topics = topics;
    }

    public void send(ConsumerRecord<String, String> record, String reason) {
        String origin = record.topic() + "-" + record.partition() + "@" + record.offset();
        log.warn("Dead-lettering {}: {}", origin, reason);
        var letter = new ProducerRecord<>(topics.deadLetterTopic(), record.key(), record.value());
        letter.headers().add(REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        letter.headers().add(ORIGIN_HEADER, origin.getBytes(StandardCharsets.UTF_8));
        try {
            kafka.send(letter).get(topics.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while dead-lettering " + origin, e);
        } catch (Exception e) {
            // Thrown so the batch is retried: a poison message is never dropped silently.
            throw new IllegalStateException("could not dead-letter " + origin + ": " + e.getMessage(), e);
        }
    }
}
