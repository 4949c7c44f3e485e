package dev.baton.engine.journeys;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * The journeys consumer group: reads journey signals (keyed by lead, so one lead's signals
 * arrive in order) and correlates them. A batch that fails (Camunda's database away) is retried
 * with growing pauses and never dropped; signals already correlated are recognised and skipped.
 */
@Component
class JourneyConsumer {
    private static final Logger log = LoggerFactory.getLogger(JourneyConsumer.class);
    private final JourneyCorrelator correlator;
    private final ObjectMapper json;

    JourneyConsumer(JourneyCorrelator correlator, ObjectMapper json) {
        this.correlator = correlator;
        this.json = json;
    }

    @KafkaListener(id = "baton-journeys", topics = "${baton.kafka.journeys-topic:${baton.kafka.events-topic}.journeys}",
            groupId = "${spring.kafka.consumer.group-id}-journeys", batch = "true", containerFactory = "eventsListenerFactory",
            autoStartup = "${baton.consumers.enabled:true}")
    void onSignals(List<ConsumerRecord<String, String>> records) throws IOException {
        for (ConsumerRecord<String, String> record : records) {
            JourneySignal signal;
            try {
                signal = json.readValue(record.value(), JourneySignal.class);
            } catch (IOException e) {
                log.error("Unreadable journey signal at {}-{}@{} skipped: {}", record.topic(), record.partition(),
                        record.offset(), e.getMessage());
                continue;
            }
            try {
                correlator.correlate(signal);
            } catch (RuntimeException e) {
                log.warn("Journey signal {} ({} of lead {}) not correlated yet, will retry: {}", signal.messageId(),
                        signal.event(), signal.leadId(), e.getMessage());
                throw e;
            }
        }
    }
}
