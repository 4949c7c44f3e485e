package dev.baton.engine.leads;

import java.io.IOException;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.kafka.annotation.KafkaListener;

/**
 * The consumer group that turns events into lead profiles and searchable events. Every engine
 * node joins it; Kafka spreads the partitions (people) across them.
 */
@Component
class EventConsumer {
    private static final Logger log = LoggerFactory.getLogger(EventConsumer.class);
    private final EventPipeline pipeline;

    EventConsumer(EventPipeline pipeline) {
        this.pipeline = pipeline;
    }

    // idIsGroup = false: the group is spring.kafka.consumer.group-id, not the listener id.
    @KafkaListener(id = "baton-lead-events", idIsGroup = false, topics = "${baton.kafka.events-topic}", batch = "true",
            containerFactory = "eventsListenerFactory", autoStartup = "${baton.consumers.enabled:true}")
    void onEvents(List<ConsumerRecord<String, String>> records) throws IOException {
        try {
            pipeline.process(records);
        } catch (IOException | RuntimeException e) {
            // Logged here so an outage is visible; rethrown so the batch is retried, not dropped.
            log.warn("Batch of {} events not stored yet, will retry: {}", records.size(), e.getMessage());
            throw e;
        }
    }
}
