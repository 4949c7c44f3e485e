package dev.baton.engine.leads;

import java.io.IOException;
import dev.baton.engine.identity.ConcurrentChangeException;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
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
    /** How often a batch that lost a write to a concurrent change is redone at once before the container's back-off. */
    private static final int CONFLICT_ATTEMPTS = 8;
    private final EventPipeline pipeline;
    private final io.micrometer.core.instrument.Timer batches;
    private final io.micrometer.core.instrument.Counter processed;

    EventConsumer(EventPipeline pipeline, io.micrometer.core.instrument.MeterRegistry metrics) {
        this.pipeline = pipeline;
        this.batches = io.micrometer.core.instrument.Timer.builder("baton.pipeline.batch")
                .description("Time to take one poll of events through identity, scoring, profiles and storage")
                .register(metrics);
        this.processed = io.micrometer.core.instrument.Counter.builder("baton.pipeline.events")
                .description("Events the pipeline has stored (after retries)").register(metrics);
    }

    // idIsGroup = false: the group is spring.kafka.consumer.group-id, not the listener id.
    @KafkaListener(id = "baton-lead-events", idIsGroup = false, topics = "${baton.kafka.events-topic}", batch = "true",
            containerFactory = "eventsListenerFactory", autoStartup = "${baton.consumers.enabled:true}")
    void onEvents(List<ConsumerRecord<String, String>> records) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                long started = System.nanoTime();
                pipeline.process(records);
                batches.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
                processed.increment(records.size());
                return;
            } catch (ConcurrentChangeException e) {
                // Another partition or node changed the same person meanwhile (two devices identifying
                // at once): not an outage, so redo on fresh reads now, after a short random pause that
                // keeps two colliding consumers from colliding again, rather than back off for seconds.
                if (attempt >= CONFLICT_ATTEMPTS) {
                    log.warn("Batch of {} events not stored yet, will retry: {}", records.size(), e.getMessage());
                    throw e;
                }
                log.debug("Batch of {} events met a concurrent change, redoing it: {}", records.size(), e.getMessage());
                pause(attempt);
            } catch (IOException | RuntimeException e) {
                // Logged here so an outage is visible; rethrown so the batch is retried, not dropped.
                log.warn("Batch of {} events not stored yet, will retry: {}", records.size(), e.getMessage());
                throw e;
            }
        }
    }

    private static void pause(int attempt) throws IOException {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(10, 50L * attempt + 11));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while redoing a batch", e);
        }
    }
}
